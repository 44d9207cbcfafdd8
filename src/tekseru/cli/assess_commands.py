"""`tekseru assess`, `tekseru explain BIN` and `tekseru demo`: the risk engine from the command line.

Register them on the root app with `app.command()(assess)`, `app.command()(explain)`, `app.command()(demo)`.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from tekseru.cli import backtest_commands
from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.clock import cli_today, cli_zone
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail, opened_database, print_problems
from tekseru.cli.language import LangOption, Words, chosen, group_name, region_name
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.services.assessments import AssessmentRow, AssessmentSummary, ClassCount


CLASSES = ("high", "medium", "low")
CSV_COLUMNS = (
    "bin",
    "name",
    "region",
    "group",
    "score",
    "risk_class",
    "violated_criteria",
    "significant_part",
    "minor_part",
    "gross_found",
    "as_of",
    "run_id",
)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="The assessment date, YYYY-MM-DD (default: today).")
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help="table (counts by class, then the highest scores), json or csv (all)."),
]
LimitOption = Annotated[int, typer.Option("--limit", min=0, help="Rows of the table (highest scores first).")]


def assess(
    as_of: AsOfOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    limit: LimitOption = 20,
    lang: LangOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Score every subject of the registry in each of its groups, store the scores and show them."""
    from tekseru.services.assessments import assessment_results, run_assessment

    words = Words(chosen(lang))
    day = _date(as_of, words) or cli_today()
    with opened_database(db) as database, _errors(words.language):
        with _progress_bar(words("cli.assess.progress")) as advance:
            summary = run_assessment(
                database, as_of=day, progress=advance, actor=cli_actor(by), catalogue=cli_catalogue()
            )
        shown = limit if output_format is OutputFormat.TABLE else None
        rows = assessment_results(database, cli_actor(by), summary.run_id, limit=shown)
    _print_summary(Console(stderr=output_format is not OutputFormat.TABLE, soft_wrap=True), summary, words)
    if output_format is OutputFormat.JSON:
        _print_json(row.to_json() for row in rows)
    elif output_format is OutputFormat.CSV:
        _print_csv(rows)
    else:
        _print_table(Console(soft_wrap=True), summary, rows, words)


def explain(
    bin: Annotated[str, typer.Argument(help="The subject's BIN (12 digits).")],
    as_of: AsOfOption = None,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    """Explain a subject's score in each of its groups: the formula, the criteria and evidence that counted,
    and the evidence that did not, with the reason."""
    from tekseru.i18n import format_date, format_datetime
    from tekseru.services.assessments import subject_explanation

    language = chosen(lang)
    words = Words(language)
    day = _date(as_of, words) or cli_today()
    with opened_database(db) as database, _errors(words.language):
        explained = subject_explanation(
            database, cli_actor(), bin, as_of=day, language=language, catalogue=cli_catalogue()
        )
    console = Console(soft_wrap=True, highlight=False)
    region = region_name(explained.region, language)
    console.print(f"[bold]{escape(explained.bin)} {escape(explained.name)}[/bold] ({escape(region)})")
    for group in explained.groups:
        source = (
            words(
                "today13.explain.stored",
                date=format_date(explained.as_of, language),
                made=format_datetime(group.run_made, language, cli_zone()),
            )
            if group.run_made is not None
            else words("cli.explain.scored_now", date=format_date(explained.as_of, language))
        )
        console.print()
        console.print(f"[dim]{escape(group_name(group.group, language))} ({escape(source)})[/dim]")
        for line in group.lines:
            console.print(escape(line))


HistoryOption = Annotated[
    bool,
    typer.Option(
        "--history",
        help="Instead: write a synthetic history (evidence, lists, inspections over several half-years) to "
        "backtest on (docs/backtesting.md).",
    ),
]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Seed of the synthetic history (--history).")]


def demo(
    lang: LangOption = None,
    db: DbOption = None,
    by: ByOption = None,
    history: HistoryOption = False,
    seed: SeedOption = None,
) -> None:
    """Create the database, load the demo registry when it is empty, assess it and show the classes."""
    from tekseru.services import demo as demo_service
    from tekseru.services.accounts import create_demo_users
    from tekseru.services.assessments import assessment_results, class_counts, run_assessment
    from tekseru.services.passwords import Passwords

    language = chosen(lang)
    if history:
        backtest_commands.demo_history(language, db, seed, by)
        return
    words = Words(language)
    today = cli_today()
    console = Console(soft_wrap=True, highlight=False)
    actor = cli_actor(by)
    with opened_database(db) as database, _errors(words.language):
        with _progress_bar(words("cli.demo.importing")) as advance:
            loaded = demo_service.load_demo(
                database, today=today, progress=advance, actor=actor, catalogue=cli_catalogue()
            )
        counted = {"subjects": words.count(loaded.subjects), "evidence": words.count(loaded.evidence)}
        console.print(words("cli.demo.loaded" if loaded.loaded else "cli.demo.not_empty", **counted))
        with _progress_bar(words("cli.assess.progress")) as advance:
            summary = run_assessment(
                database, as_of=today, progress=advance, actor=actor, catalogue=cli_catalogue()
            )
        counts = class_counts(database, actor, summary.run_id)
        top = assessment_results(database, actor, summary.run_id, limit=1)
        demo_users = (
            create_demo_users(database, Passwords(), cli_catalogue().regions) if loaded.loaded else []
        )
    _print_summary(console, summary, words)
    by_group = _class_table(
        words("cli.demo.by_group"), counts, lambda count: group_name(count.group, language), words
    )
    regions = cli_catalogue().regions.reading_order(language)
    place = {region.name.in_language(language): n for n, region in enumerate(regions)}
    by_region = _class_table(
        words("cli.demo.by_region"),
        counts,
        lambda count: region_name(count.region, language),
        words,
        order=lambda name: (place.get(name, len(place)), name),
    )
    console.print(by_group, by_region)
    where = "" if db is None else f" --db {db}"
    console.print(words("cli.demo.next_assess", command=f"[bold]tekseru assess{where}[/bold]"))
    if top:
        # In the reader's own language: it said `--lang ru` to every reader (tester finding 1).
        example = f"[bold]tekseru explain {top[0].result.bin}{where} --lang {language}[/bold]"
        console.print(words("cli.demo.next_explain", command=example))
    if demo_users:
        users = Table(
            *(words(f"cli.column.{name}") for name in ("username", "role", "region", "password")),
            title=words("cli.demo.users_title"),
        )
        for user in demo_users:
            region = region_name(user.region, language) if user.region else "—"
            users.add_row(user.username, words(f"role.{user.role.value}"), region, user.password)
        print_table(console, users)


# Presenting -----------------------------------------------------------------------------------------------


def _print_summary(console: Console, summary: AssessmentSummary, words: Words) -> None:
    from tekseru.i18n import format_date, format_datetime, format_decimal

    how = (
        words("cli.assess.reused")
        if summary.reused
        else words("cli.assess.computed", seconds=format_decimal(summary.total_seconds, words.language, 1))
    )
    line = words(
        "last13.assess.summary",
        date=format_date(summary.as_of, words.language),
        made=format_datetime(summary.made, words.language, cli_zone()),
        edition=summary.edition_id,
        results=words.count(summary.subject_groups),
        subjects=words.count(summary.subjects),
        evidence=words.count(summary.evidence),
        how=how,
    )
    console.print(line, highlight=False)
    for group, count in sorted(summary.skipped_groups.items()):
        console.print(f"[yellow]{escape(words('cli.assess.skipped', count=count, group=group))}[/yellow]")


def _print_json(objects: Iterable[dict[str, object]]) -> None:
    """A JSON list with one object per line, written as it goes."""
    out = sys.stdout
    out.write("[")
    for index, item in enumerate(objects):
        out.write(("," if index else "") + "\n" + json.dumps(item, ensure_ascii=False))
    out.write("\n]\n")


def _print_csv(rows: Iterable[AssessmentRow]) -> None:
    from tekseru.documents.spreadsheet_cells import csv_writer

    writer = csv_writer(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        item = row.to_json()
        item["violated_criteria"] = "|".join(str(number) for number in row.result.violated_criteria)
        item["gross_found"] = "true" if row.result.gross_found else "false"
        writer.writerow([item[column] for column in CSV_COLUMNS])


def _print_table(
    console: Console, summary: AssessmentSummary, rows: list[AssessmentRow], words: Words
) -> None:
    from tekseru.i18n import format_decimal

    language = words.language
    classes = Table(
        words("cli.column.risk_class"),
        Column(words("cli.column.results"), justify="right"),
        title=words("cli.assess.classes_title"),
    )
    for name in CLASSES:
        classes.add_row(words.risk_class(name), words.count(summary.classes.get(name, 0)))
    print_table(console, classes)
    if not rows:
        console.print(words("cli.assess.no_results"))
        return
    table = Table(
        Column(words("cli.column.bin"), no_wrap=True, min_width=12),
        *(words(f"cli.column.{name}") for name in ("name", "region", "group")),
        Column(words("cli.column.score"), justify="right"),
        words("cli.column.risk_class"),
        words("cli.column.violated"),
        title=words("cli.assess.highest_title"),
    )
    for row in (shown.result for shown in rows):
        cells = (
            row.bin,
            row.name,
            region_name(row.region, language),
            group_name(row.group_key, language, summary.edition_id),
            format_decimal(row.score, language),
            words.risk_class(row.risk_class),
            ", ".join(str(number) for number in row.violated_criteria),
        )
        table.add_row(*(escape(cell) for cell in cells))
    print_table(console, table)


def _class_table(
    title: str,
    counts: list[ClassCount],
    key: Callable[[ClassCount], str],
    words: Words,
    order: Callable[[str], Any] | None = None,
) -> Table:
    totals: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for count in counts:
        by_class = totals[key(count)]
        by_class[count.risk_class] = by_class.get(count.risk_class, 0) + count.count
    numbers = [Column(words.risk_class(name), justify="right") for name in CLASSES]
    table = Table("", *numbers, Column(words("cli.column.total"), justify="right"), title=title)
    for name in sorted(totals, key=order):
        by_class = totals[name]
        cells = [words.count(by_class.get(risk_class, 0)) for risk_class in CLASSES]
        table.add_row(escape(name), *cells, words.count(sum(by_class.values())))
    return table


# Plumbing -------------------------------------------------------------------------------------------------


def _date(text: str | None, words: Words) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(words("cli.bad_date", text=repr(text)), param_hint="--as-of") from None


@contextmanager
def _errors(language: str) -> Iterator[None]:
    """A readable message and exit code 1 for what the user can act on."""
    from tekseru.intake import ImportFileError
    from tekseru.services.assessments import NoAssessment, UnknownSubject

    try:
        yield
    except ImportFileError as error:
        print_problems(error.errors[:50], language)
        raise typer.Exit(1) from None
    except (UnknownSubject, NoAssessment, LookupError) as error:
        fail(error, language)


@contextmanager
def _progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error; yields the callback (done, total) a service reports to."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)
