"""`tekseru rosters`: the information systems' data (source group 3) — import the three rosters, delivery
records and accessibility findings, reconcile the rosters, and turn what they show into evidence."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.clock import cli_today
from tekseru.cli.database_option import DbOption
from tekseru.cli.db_commands import open_database_or_exit
from tekseru.cli.failures import fail
from tekseru.cli.import_commands import FileArgument, RejectedOption, SkipInvalid, run_import
from tekseru.cli.language import LangOption, Words, chosen
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.catalog.edition import CatalogueEdition
    from tekseru.intake import ImportReport
    from tekseru.services.registry import Database


app = typer.Typer(
    help="Rosters of recipients, service delivery and accessibility from the information systems "
    "(source group 3; see docs/rosters.md).",
    no_args_is_help=True,
)


class Source(StrEnum):
    provider = "provider"
    esobes = "esobes"
    portal = "portal"


class Format(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


AsOf = Annotated[
    datetime, typer.Option("--as-of", formats=["%Y-%m-%d"], help="The date to reconcile on (YYYY-MM-DD).")
]


@app.command("import")
def import_roster(
    source: Annotated[Source, typer.Argument(help="Whose roster: provider, esobes or portal.")],
    file: FileArgument,
    skip_invalid: SkipInvalid = False,
    rejected: RejectedOption = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Import a roster (iin,bin,form,start_date,end_date); the same file again changes nothing."""
    from tekseru.services import rosters

    importer = partial(rosters.import_roster, source=source.value)
    _import(importer, file, skip_invalid, rejected, db, by, chosen(lang))


@app.command()
def deliveries(
    file: FileArgument,
    skip_invalid: SkipInvalid = False,
    rejected: RejectedOption = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Import service-delivery records (iin,bin,kind,planned,delivered,date)."""
    from tekseru.services import rosters

    language = chosen(lang)
    importer = partial(rosters.import_deliveries, edition=_edition(language))
    _import(importer, file, skip_invalid, rejected, db, by, language)


@app.command()
def findings(
    file: FileArgument,
    skip_invalid: SkipInvalid = False,
    rejected: RejectedOption = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Import accessibility findings of local executive bodies (object,bin,element,found_on)."""
    from tekseru.services import rosters

    language = chosen(lang)
    importer = partial(rosters.import_findings, edition=_edition(language))
    _import(importer, file, skip_invalid, rejected, db, by, language)


def _import(
    importer: Callable[..., ImportReport],
    file: Path,
    skip_invalid: bool,
    rejected: Path | None,
    db: str | None,
    by: str | None,
    language: str,
) -> None:
    def run(database: Database, advance: Callable[[int, int], None]) -> ImportReport:
        return importer(
            database, path=file, actor=cli_actor(by), today=cli_today(), skip_invalid=skip_invalid,
            rejected_path=rejected, progress=advance, language=language,
        )  # fmt: skip

    run_import(run, file, db, language)


@app.command()
def reconcile(
    as_of: AsOf,
    format: Annotated[Format, typer.Option("--format", help="table, json or xlsx.")] = Format.table,
    output: Annotated[
        Path | None, typer.Option("--output", dir_okay=False, help="Where to write the XLSX file.")
    ] = None,
    show_iins: Annotated[
        bool, typer.Option("--show-iins", help="Show IINs in full (else only their first six digits).")
    ] = False,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Reconcile the three rosters by IIN for every provider on a date."""
    from tekseru.services import roster_reports

    console, errors, language = Console(soft_wrap=True), Console(stderr=True, soft_wrap=True), chosen(lang)
    words = Words(language)
    actor = cli_actor(by)
    database = open_database_or_exit(db, errors)
    try:
        found = roster_reports.reconcile(database, as_of.date(), actor=actor)
    finally:
        database.close()
    report = found.to_json(reveal=show_iins and roster_reports.sees_iins(actor))
    if format is Format.json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif format is Format.xlsx:
        out = output or Path(f"reconciliation-{as_of.date().isoformat()}.xlsx")
        out.write_bytes(roster_reports.reconciliation_xlsx(report, language))
        console.print(words("cli.rosters.written", path=str(out)), markup=False)
    else:
        _print_table(console, report, words)


def _print_table(console: Console, report: dict[str, object], words: Words) -> None:
    from tekseru.i18n import format_date
    from tekseru.services import roster_reports

    day = format_date(date.fromisoformat(str(report["as_of"])), words.language)
    table = Table(title=f"{words('rosters.title')} {day}")
    table.add_column(words("rosters.column.bin"))
    for kind in roster_reports.KINDS:
        table.add_column(words(f"rosters.kind.{kind}"), justify="right")
    providers = report["providers"]
    assert isinstance(providers, dict)
    for bin, entry in providers.items():
        table.add_row(bin, *(words.count(entry[kind]) for kind in roster_reports.KINDS))
    if not providers:
        console.print(words("cli.rosters.no_discrepancies", as_of=day), markup=False)
        return
    print_table(console, table)


@app.command()
def evidence(as_of: AsOf, db: DbOption = None, by: ByOption = None, lang: LangOption = None) -> None:
    """Turn what the rosters, delivery records and accessibility findings show into evidence (rows 78-84)."""
    from tekseru.services import roster_reports

    console, errors, words = (
        Console(soft_wrap=True),
        Console(stderr=True, soft_wrap=True),
        Words(chosen(lang)),
    )
    edition = _edition(chosen(lang))
    database = open_database_or_exit(db, errors)
    try:
        outcome = roster_reports.make_evidence(database, edition, as_of.date(), actor=cli_actor(by))
    finally:
        database.close()
    console.print(
        words(
            "cli.rosters.evidence_done",
            reports=outcome.reports_created,
            created=outcome.evidence_created,
            unchanged=outcome.evidence_unchanged,
        ),
        markup=False,
    )
    if outcome.not_in_registry:
        listed = ", ".join(outcome.not_in_registry)
        errors.print(words("cli.rosters.not_in_registry", bins=listed), markup=False)


@app.command()
def purge(db: DbOption = None, by: ByOption = None, lang: LangOption = None) -> None:
    """Delete the records no import has held for the retention period (catalogue data)."""
    from tekseru.services import rosters

    console, errors, words = (
        Console(soft_wrap=True),
        Console(stderr=True, soft_wrap=True),
        Words(chosen(lang)),
    )
    database = open_database_or_exit(db, errors)
    try:
        deleted = rosters.purge_expired(database, _edition(chosen(lang)), actor=cli_actor(by))
    finally:
        database.close()
    console.print(words("cli.rosters.purged", count=sum(deleted.values())), markup=False)


def _edition(language: str) -> CatalogueEdition:
    from tekseru.catalog.catalogue import NoEditionInForce

    try:
        return cli_catalogue().edition_at(cli_today())
    except NoEditionInForce as error:
        fail(error, language)
