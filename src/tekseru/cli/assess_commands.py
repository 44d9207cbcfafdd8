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
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from tekseru.catalog.regions import UnknownRegion, load_regions
from tekseru.cli.failures import fail, opened_database, print_problems
from tekseru.documents.spreadsheet_cells import csv_writer
from tekseru.intake import ImportFileError
from tekseru.services import demo as demo_service
from tekseru.services.accounts import create_demo_users
from tekseru.services.assessments import (
    AssessmentRow,
    AssessmentSummary,
    ClassCount,
    NoAssessment,
    UnknownSubject,
    assessment_results,
    class_counts,
    run_assessment,
    subject_explanation,
)

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


class Language(StrEnum):
    KK = "kk"
    RU = "ru"
    EN = "en"


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        dir_okay=False,
        help="SQLite database file to use instead of TEKSERU_DATABASE_URL (default: tekseru.sqlite3).",
    ),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="The assessment date, YYYY-MM-DD (default: today).")
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help="table (counts by class, then the highest scores), json or csv (all)."),
]
LimitOption = Annotated[int, typer.Option("--limit", min=0, help="Rows of the table (highest scores first).")]
LangOption = Annotated[
    Language, typer.Option("--lang", help="kk (official), ru or en (unofficial translations).")
]


def assess(
    as_of: AsOfOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    limit: LimitOption = 20,
    db: DbOption = None,
) -> None:
    """Score every subject of the registry in each of its groups, store the scores and show them."""
    day = _date(as_of)
    with opened_database(db) as database, _errors():
        with _progress_bar("Assessing") as advance:
            summary = run_assessment(database, as_of=day, progress=advance)
        shown = limit if output_format is OutputFormat.TABLE else None
        rows = assessment_results(database, summary.run_id, limit=shown)
    _print_summary(Console(stderr=output_format is not OutputFormat.TABLE, soft_wrap=True), summary)
    if output_format is OutputFormat.JSON:
        _print_json(row.to_json() for row in rows)
    elif output_format is OutputFormat.CSV:
        _print_csv(rows)
    else:
        _print_table(Console(soft_wrap=True), summary, rows)


def explain(
    bin: Annotated[str, typer.Argument(help="The subject's BIN (12 digits).")],
    as_of: AsOfOption = None,
    lang: LangOption = Language.KK,
    db: DbOption = None,
) -> None:
    """Explain a subject's score in each of its groups: the formula, the criteria and evidence that counted,
    and the evidence that did not, with the reason."""
    day = _date(as_of)
    with opened_database(db) as database, _errors():
        explained = subject_explanation(database, bin, as_of=day, language=lang.value)
    console = Console(soft_wrap=True, highlight=False)
    console.print(
        f"[bold]{escape(explained.bin)} {escape(explained.name)}[/bold] ({_region(explained.region)})"
    )
    for group in explained.groups:
        source = (
            f"stored assessment {group.run_id}"
            if group.run_id is not None
            else f"scored now: no stored assessment as of {explained.as_of.isoformat()}"
        )
        console.print()
        console.print(f"[dim]{escape(group.group)} ({source})[/dim]")
        for line in group.lines:
            console.print(escape(line))


def demo(db: DbOption = None) -> None:
    """Create the database, load the demo registry when it is empty, assess it and show the classes."""
    today = date.today()
    console = Console(soft_wrap=True)
    with opened_database(db) as database, _errors():
        with _progress_bar("Importing the demo registry") as advance:
            loaded = demo_service.load_demo(database, today=today, progress=advance)
        console.print(loaded.message[:1].upper() + loaded.message[1:] + ".", highlight=False)
        with _progress_bar("Assessing") as advance:
            summary = run_assessment(database, as_of=today, progress=advance)
        counts = class_counts(database, summary.run_id)
        top = assessment_results(database, summary.run_id, limit=1)
        demo_users = create_demo_users(database) if loaded.loaded else []
    _print_summary(console, summary)
    console.print(_class_table("Risk classes by control group", counts, lambda count: count.group))
    console.print(_class_table("Risk classes by region", counts, lambda count: _region(count.region)))
    where = "" if db is None else f" --db {db}"
    console.print(f"Next: [bold]tekseru assess{where}[/bold] lists the scores", highlight=False)
    if top:
        example = f"tekseru explain {top[0].bin}{where} --lang ru"
        console.print(f"      [bold]{example}[/bold] explains the highest one", highlight=False)
    for user in demo_users:
        where_region = f", region {user.region}" if user.region else ""
        console.print(
            f"Demo user {user.username} ({user.role.value}{where_region}), password: {user.password}",
            highlight=False,
        )


# Presenting -----------------------------------------------------------------------------------------------


def _print_summary(console: Console, summary: AssessmentSummary) -> None:
    how = (
        "the inputs are those of a finished run, whose results are shown"
        if summary.reused
        else f"computed in {summary.total_seconds:.1f} s"
    )
    console.print(
        f"Assessment {summary.run_id} as of {summary.as_of.isoformat()} (edition {summary.edition_id}): "
        f"{summary.subject_groups:,} results for {summary.subjects:,} subjects from "
        f"{summary.evidence:,} evidence records; {how}.",
        highlight=False,
    )
    for group, count in sorted(summary.skipped_groups.items()):
        console.print(
            f"[yellow]Not assessed: {count} subject(s) of group {escape(group)}, unknown to the edition."
        )


def _print_json(objects: Iterable[dict[str, object]]) -> None:
    """A JSON list with one object per line, written as it goes."""
    out = sys.stdout
    out.write("[")
    for index, item in enumerate(objects):
        out.write(("," if index else "") + "\n" + json.dumps(item, ensure_ascii=False))
    out.write("\n]\n")


def _print_csv(rows: Iterable[AssessmentRow]) -> None:
    writer = csv_writer(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        item = row.to_json()
        item["violated_criteria"] = "|".join(str(number) for number in row.violated_criteria)
        item["gross_found"] = "true" if row.gross_found else "false"
        writer.writerow([item[column] for column in CSV_COLUMNS])


def _print_table(console: Console, summary: AssessmentSummary, rows: list[AssessmentRow]) -> None:
    classes = Table("class", Column("results", justify="right"), title="Results by risk class")
    for name in CLASSES:
        classes.add_row(name, f"{summary.classes.get(name, 0):,}")
    console.print(classes)
    if not rows:
        console.print("No results: the registry has no subjects (see `tekseru import` or `tekseru demo`).")
        return
    fixed: list[Column | str] = [Column("BIN", no_wrap=True, min_width=12), "name", "region", "group"]
    table = Table(
        *fixed, Column("score", justify="right"), "class", "violated criteria", title="Highest scores"
    )
    for row in rows:
        violated = ", ".join(str(number) for number in row.violated_criteria)
        cells = (
            row.bin,
            row.name,
            _region(row.region),
            row.group,
            f"{row.score:.2f}",
            row.risk_class,
            violated,
        )
        table.add_row(*(escape(cell) for cell in cells))
    console.print(table)


def _class_table(title: str, counts: list[ClassCount], key: Callable[[ClassCount], str]) -> Table:
    totals: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for count in counts:
        by_class = totals[key(count)]
        by_class[count.risk_class] = by_class.get(count.risk_class, 0) + count.count
    numbers = [Column(name, justify="right") for name in (*CLASSES, "total")]
    table = Table("", *numbers, title=title)
    for name in sorted(totals):
        by_class = totals[name]
        cells = [str(by_class.get(risk_class, 0)) for risk_class in CLASSES]
        table.add_row(escape(name), *cells, str(sum(by_class.values())))
    return table


def _region(key: str) -> str:
    try:
        return load_regions().get(key).name.en
    except UnknownRegion:
        return key


# Plumbing -------------------------------------------------------------------------------------------------


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date written YYYY-MM-DD", param_hint="--as-of") from None


@contextmanager
def _errors() -> Iterator[None]:
    """A readable message and exit code 1 for what the user can act on."""
    try:
        yield
    except ImportFileError as error:
        print_problems(error.errors[:50])
        raise typer.Exit(1) from None
    except (UnknownSubject, NoAssessment, LookupError) as error:
        fail(str(error.args[0]) if error.args else str(error))


@contextmanager
def _progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error; yields the callback (done, total) a service reports to."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)
