"""`tekseru plan HALF_YEAR`: form a draft semi-annual list; `tekseru plans ...`: read, approve, publish.

Wire both into the root app with `register(app)`: a positional HALF_YEAR and sub-commands cannot share one
command group, so the list is formed by the command `plan` and managed by the group `plans`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Column, Table

from tekseru.cli import plan_screen
from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.clock import cli_zone
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail, opened_database, print_problems
from tekseru.cli.language import DocumentLangOption, LangOption, Words, chosen, cli_naming, document_words
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.i18n.plan_changes import Naming
    from tekseru.planning import AddedRow, PlanRow, RemovedRow
    from tekseru.services.database import Database
    from tekseru.services.plans import PlanComparison, StoredPlan


plans_app = typer.Typer(
    help="Semi-annual lists of preventive control with a visit: list, show, compare, approve, publish.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    XLSX = "xlsx"
    PDF = "pdf"


class DocumentFormat(StrEnum):
    """What `plans export` writes: a document only (the screen's table and JSON are `plans show`), so that
    its `--help` offers no choice the command refuses."""

    XLSX = "xlsx"
    PDF = "pdf"


class Status(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"


PlanId = Annotated[int, typer.Argument(help="The number of the stored list (see `tekseru plans list`).")]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help="table or json on the screen, or an xlsx or pdf document."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Where to write the document or the JSON (default for documents: plan-ID-HALFYEAR-LANG.EXT).",
    ),
]
DocumentOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Where to write the document (default: plan-ID-HALFYEAR-LANG.EXT).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add `plan HALF_YEAR` and the `plans` group to the root app."""
    app.command("plan")(plan)
    app.add_typer(plans_app, name="plans")


def plan(
    half_year: Annotated[
        str, typer.Argument(metavar="HALF_YEAR", help="The half-year: 2027-H1 (January-June) or 2027-H2.")
    ],
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Use the assessment as of this day (the latest on or before it); default: the latest.",
        ),
    ] = None,
    capacity_file: Annotated[
        Path | None,
        typer.Option(
            "--capacity-file",
            dir_okay=False,
            help="CSV or XLSX with columns region,visits: the visits each region can make.",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    lang: LangOption = None,
    output: OutputOption = None,
    db: DbOption = None,
    created_by: ByOption = None,
) -> None:
    """Form the semi-annual list for HALF_YEAR from the latest risk assessment and store it as a draft."""
    from tekseru.services import plans

    with opened_database(db) as database, _errors(chosen(lang)):
        catalogue = cli_catalogue()
        capacity = (
            None if capacity_file is None else plans.read_capacity_file(capacity_file, catalogue.regions)
        )
        stored = plans.draft_plan(
            database,
            cli_actor(created_by),
            half_year,
            as_of=None if as_of is None else as_of.date(),
            capacity=capacity,
            catalogue=catalogue,
        )
        _present(database, stored.id, output_format, Words(chosen(lang)), output)


@plans_app.command("list")
def list_command(
    half_year: Annotated[
        str | None, typer.Option("--half-year", help="Only lists of this half-year.")
    ] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Only lists in this status.")] = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """The stored lists, the newest first."""
    from tekseru.i18n import format_date, format_half_year
    from tekseru.i18n.actors import who
    from tekseru.i18n.formats import local_time
    from tekseru.services import plans
    from tekseru.settings import Settings

    with opened_database(db) as database, _errors(chosen(lang)):
        found = plans.list_plans(
            database, cli_actor(), half_year=half_year, status=None if status is None else status.value
        )
    words = Words(chosen(lang))
    language, zone = words.language, Settings.from_environment().time_zone
    headers = (
        "cli.column.half_year",
        "cli.column.status",
        "cli.column.as_of",
        "cli.plans.on_list",
        "cli.plans.beyond",
        "cli.plans.excluded",
        "cli.column.created",
        "cli.column.approved",
    )
    table = Table(Column(words("cli.column.id"), no_wrap=True, min_width=2), *map(words, headers))

    def on(moment: datetime) -> str:  # the day of a moment in the time_zone setting's zone
        return format_date(local_time(moment, zone).date(), language)

    for stored in found:
        record, formed = stored.record, stored.plan
        approved = (
            f"{who(language, record.approved_by)} {on(record.approved_at)}" if record.approved_at else ""
        )
        table.add_row(
            str(stored.id),
            format_half_year(formed.half_year, language),
            words(f"plans.status.{record.status}"),
            format_date(record.as_of, language),
            words.count(len(formed.included)),
            words.count(len(formed.overflow)),
            words.count(len(formed.excluded)),
            f"{who(language, record.created_by)} {on(record.created_at)}",
            approved,
        )
    if found:
        print_table(Console(soft_wrap=True), table)
    else:
        Console(soft_wrap=True).print(words("cli.plans.none"))


@plans_app.command()
def show(
    plan_id: PlanId,
    output_format: FormatOption = OutputFormat.TABLE,
    lang: LangOption = None,
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Show a stored list, or write it as JSON, XLSX or PDF."""
    with opened_database(db) as database, _errors(chosen(lang)):
        _present(database, plan_id, output_format, Words(chosen(lang)), output)


@plans_app.command()
def export(
    plan_id: PlanId,
    output_format: Annotated[
        DocumentFormat, typer.Option("--format", help="xlsx or pdf.")
    ] = DocumentFormat.XLSX,
    lang: DocumentLangOption = None,
    output: DocumentOutputOption = None,
    db: DbOption = None,
) -> None:
    """Write a stored list as an XLSX or PDF document in Kazakh or Russian."""
    words = document_words(lang)
    with opened_database(db) as database, _errors(words.language):
        _present(database, plan_id, OutputFormat(output_format.value), words, output)


@plans_app.command()
def diff(
    plan_id: PlanId,
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """What changed against the list this one was compared with when it was formed."""
    from tekseru.services import plans

    with opened_database(db) as database, _errors(chosen(lang)):
        comparison = plans.plan_diff(database, cli_actor(), plan_id)
    if as_json:
        text = diff_json(comparison, chosen(lang), cli_naming(comparison.plan.record.edition_id))
        typer.echo(json.dumps(text, ensure_ascii=False, indent=2))
    else:
        plan_screen.print_diff(Console(soft_wrap=True), comparison, Words(chosen(lang)))


@plans_app.command()
def approve(plan_id: PlanId, by: ByOption = None, db: DbOption = None, lang: LangOption = None) -> None:
    """Approve a draft list; an approved list can no longer change."""
    from tekseru.i18n import format_half_year
    from tekseru.services import plans

    with opened_database(db) as database, _errors(chosen(lang)):
        stored = plans.approve_plan(database, cli_actor(by), plan_id)
    words = Words(chosen(lang))
    half_year = format_half_year(stored.plan.half_year, words.language)
    Console(soft_wrap=True).print(words("cli.plans.approved", id=stored.id, half_year=half_year))


@plans_app.command()
def publish(plan_id: PlanId, by: ByOption = None, db: DbOption = None, lang: LangOption = None) -> None:
    """Publish an approved list."""
    from tekseru.i18n import format_half_year
    from tekseru.services import plans

    with opened_database(db) as database, _errors(chosen(lang)):
        stored = plans.publish_plan(database, cli_actor(by), plan_id, catalogue=cli_catalogue())
    words = Words(chosen(lang))
    half_year = format_half_year(stored.plan.half_year, words.language)
    Console(soft_wrap=True).print(words("cli.plans.published", id=stored.id, half_year=half_year))


@plans_app.command()
def discard(plan_id: PlanId, by: ByOption = None, db: DbOption = None, lang: LangOption = None) -> None:
    """Delete a draft list (approved and published lists are kept for ever)."""
    from tekseru.services import plans

    with opened_database(db) as database, _errors(chosen(lang)):
        plans.discard_draft(database, cli_actor(by), plan_id)
    Console(soft_wrap=True).print(Words(chosen(lang))("cli.plans.discarded", id=plan_id))


# Presenting -----------------------------------------------------------------------------------------------


def plan_json(stored: StoredPlan) -> dict[str, Any]:
    """The list as `--format json` prints it."""
    formed = stored.plan
    return {
        "plan_id": stored.id,
        "status": stored.record.status,
        "half_year": str(formed.half_year),
        "as_of": stored.record.as_of.isoformat(),
        "previous_plan_id": stored.record.previous_plan_id,
        "included": [_row_json(row) for row in formed.included],
        "excluded": [
            {"bin": row.bin, "reason": row.reason.value, "group": row.group} for row in formed.excluded
        ],
        "overflow": [_row_json(row) for row in formed.overflow],
    }


def _row_json(row: PlanRow) -> dict[str, Any]:
    return {
        "bin": row.bin,
        "rank": row.rank,
        "score": row.score,
        "risk_class": row.risk_class,
        "region": row.region,
        "planned_month": row.planned_month,
        "groups": list(row.groups),
        "name": row.name,
    }


def diff_json(comparison: PlanComparison, language: str, naming: Naming) -> dict[str, Any]:
    """The changes as `tekseru plans diff --json` prints them (what changed and why in `language`)."""
    from tekseru.i18n.plan_changes import change_lines
    from tekseru.planning import PlanDiff

    changes = comparison.diff or PlanDiff((), (), ())
    return {
        "plan_id": comparison.plan.id,
        "previous_plan_id": None if comparison.previous is None else comparison.previous.id,
        "added": [_change_json(item, language, naming) for item in changes.added],
        "removed": [_change_json(item, language, naming) for item in changes.removed],
        "moved": [
            {
                "bin": item.current.bin,
                "from": item.previous.rank,
                "to": item.current.rank,
                "changes": change_lines(item, language, naming),
            }
            for item in changes.moved
        ],
    }


def _change_json(item: AddedRow | RemovedRow, language: str, naming: Naming) -> dict[str, Any]:
    from tekseru.i18n.plan_changes import change_detail

    return {
        "bin": item.row.bin,
        "rank": item.row.rank,
        "reason": item.reason.value,
        "exclusions": [reason.value for reason in item.exclusions],
        "detail": change_detail(item, language, naming),
    }


def _present(database: Database, plan_id: int, fmt: OutputFormat, words: Words, out: Path | None) -> None:
    from tekseru.services import plans

    stored = plans.get_plan(database, cli_actor(), plan_id)
    console = Console(soft_wrap=True)
    if fmt is OutputFormat.JSON:
        text = json.dumps(plan_json(stored), ensure_ascii=False, indent=2)
        if out is None:
            typer.echo(text)
        else:
            out.write_text(text + "\n", encoding="utf-8")
            console.print(words("cli.plans.json_written", id=stored.id, path=out), markup=False)
    elif fmt is OutputFormat.TABLE:
        plan_screen.print_plan(console, stored, words)
    else:
        language = document_words(words.language).language  # kk or ru, else it fails
        target = out or Path(f"plan-{stored.id}-{stored.plan.half_year}-{language}.{fmt.value}")
        content, _ = plans.plan_document(
            database,
            cli_actor(),
            stored.id,
            format=fmt.value,
            language=language,
            zone=cli_zone(),
            catalogue=cli_catalogue(),
        )
        target.write_bytes(content)
        status = words(f"plans.status.{stored.record.status}")
        console.print(words("cli.plans.written", id=stored.id, status=status, path=target), markup=False)


# Plumbing -------------------------------------------------------------------------------------------------


@contextmanager
def _errors(language: str | None = None) -> Iterator[None]:
    """A readable message and exit code 1 for what the user can fix."""
    from tekseru.intake import ImportFileError
    from tekseru.planning import InvalidHalfYear
    from tekseru.services.plans import PlanError

    try:
        yield
    except ImportFileError as error:
        print_problems(error.errors, language)
        raise typer.Exit(1) from None
    except (PlanError, InvalidHalfYear, ValueError) as error:
        fail(error, language)
