"""`tekseru import`: load the registry of subjects and the evidence from CSV or XLSX files."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.clock import cli_today
from tekseru.cli.database_option import DbOption
from tekseru.cli.db_commands import open_database_or_exit
from tekseru.cli.language import LangOption, Words, chosen
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.catalog.edition import CatalogueEdition
    from tekseru.intake import ImportFileError, ImportReport, ReadAs
    from tekseru.services.registry import Database


app = typer.Typer(
    help="Import control subjects and evidence from CSV or XLSX files (see docs/import-formats.md).",
    no_args_is_help=True,
)

ERRORS_SHOWN = 50

FileArgument = Annotated[
    Path,
    typer.Argument(
        dir_okay=False, help="A .csv (UTF-8 or Windows-1251; comma, semicolon or tab) or .xlsx file."
    ),
]
SkipInvalid = Annotated[
    bool,
    typer.Option(
        "--skip-invalid",
        help="Import the valid rows and write the rejected ones, with their errors, to a CSV file.",
    ),
]
RejectedOption = Annotated[
    Path | None,
    typer.Option(
        "--rejected", dir_okay=False, help="Where to write rejected rows (default: FILE.rejected.csv)."
    ),
]
SheetOption = Annotated[
    str | None,
    typer.Option("--sheet", help="The sheet of an XLSX workbook to import (needed when it has several)."),
]
EnteredBy = Annotated[
    str | None, typer.Option("--entered-by", help="Who enters the data (default: your login).")
]


@app.command()
def subjects(
    file: FileArgument,
    skip_invalid: SkipInvalid = False,
    rejected: RejectedOption = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
    sheet: SheetOption = None,
) -> None:
    """Import control subjects (bin,name,region,address,groups); a BIN already there is updated."""
    from tekseru.services import registry

    importer = partial(registry.import_subjects, regions=cli_catalogue().regions)
    _run(importer, file, skip_invalid, rejected, db, "", by, chosen(lang), sheet)


@app.command()
def evidence(
    file: FileArgument,
    skip_invalid: SkipInvalid = False,
    rejected: RejectedOption = None,
    db: DbOption = None,
    entered_by: EnteredBy = None,
    by: ByOption = None,
    lang: LangOption = None,
    sheet: SheetOption = None,
) -> None:
    """Import evidence (bin,criterion,source_group,observed_on,reference,confirmed) for registry subjects."""
    from tekseru.services import registry

    who = entered_by or getpass.getuser()
    _run(registry.import_evidence, file, skip_invalid, rejected, db, who, by, chosen(lang), sheet)


Importer = Callable[..., "ImportReport"]


def _run(
    importer: Importer,
    file: Path,
    skip_invalid: bool,
    rejected: Path | None,
    db: str | None,
    who: str,
    by: str | None,
    language: str,
    sheet: str | None = None,
) -> None:
    today = cli_today()
    edition = _edition(today, Console(stderr=True, soft_wrap=True), language)

    def run(database: Database, advance: Callable[[int, int], None]) -> ImportReport:
        return importer(
            database,
            file,
            edition,
            skip_invalid=skip_invalid,
            entered_by=who,
            today=today,
            progress=advance,
            rejected_path=rejected,
            actor=cli_actor(by),
            sheet=sheet,
            language=language,
        )

    run_import(run, file, db, language)


def run_import(
    run: Callable[[Database, Callable[[int, int], None]], ImportReport],
    file: Path,
    db: str | None,
    language: str,
) -> None:
    """Run one import of `file` with a progress bar, then print its report, or its errors and exit 1."""
    from tekseru.intake import ImportFileError

    console, errors = Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)
    database = open_database_or_exit(db, errors)
    try:
        with _progress_bar(console, Words(language)("cli.import.progress", file=file.name)) as advance:
            report = run(database, advance)
    except ImportFileError as error:
        _print_errors(errors, error, language)
        raise typer.Exit(1) from None
    finally:
        database.close()
    _print_report(console, report, Words(language))


def edition_in_force(today: date) -> CatalogueEdition:
    """The edition of the act that imports check against: the one in force today."""
    return cli_catalogue().edition_at(today)


def _edition(today: date, errors: Console, language: str) -> CatalogueEdition:
    from tekseru.catalog.catalogue import NoEditionInForce
    from tekseru.i18n import say_error

    try:
        return edition_in_force(today)
    except NoEditionInForce as error:
        errors.print(f"[red]{escape(say_error(language, error))}[/red]")
        raise typer.Exit(1) from None


@contextmanager
def _progress_bar(console: Console, description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar; yields the callback an import reports (rows done, rows in all) to."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def _print_errors(console: Console, error: ImportFileError, language: str) -> None:
    from tekseru.intake import render

    file, count = error.errors[0].file, error.error_count
    console.print(
        f"[red]{escape(render('not_imported', language, file=file, count=count))}[/red] "
        + render("nothing_stored", language),
        highlight=False,
    )
    for row_error in error.errors[:ERRORS_SHOWN]:
        console.print(row_error.describe(language, name_setting=True), markup=False, highlight=False)
    if error.error_count > ERRORS_SHOWN:
        console.print(render("more_errors", language, count=error.error_count - ERRORS_SHOWN))


DELIMITER_WORDS = {
    ",": "import.delimiter.comma",
    ";": "import.delimiter.semicolon",
    "\t": "import.delimiter.tab",
}


def read_as_text(read_as: ReadAs, words: Words) -> str:
    """How the file was read, said so that the reader can tell a wrong guess (the sheet, or the encoding
    and delimiter detected)."""
    if read_as.sheet is not None:
        return words("import.read_as_sheet", sheet=read_as.sheet)
    delimiter = words(DELIMITER_WORDS.get(read_as.delimiter or ",", "import.delimiter.comma"))
    return words("import.read_as_text", encoding=read_as.encoding or "UTF-8", delimiter=delimiter)


def _print_report(console: Console, report: ImportReport, words: Words) -> None:
    table = Table(title=words("cli.import.title", file=report.file), show_header=False)
    for key, value in (
        ("cli.import.rows_read", report.rows_read),
        ("cli.import.created", report.created),
        ("cli.import.updated", report.updated),
        ("cli.import.unchanged", report.unchanged),
        ("cli.import.rejected", report.rejected),
    ):
        table.add_row(words(key), words.count(value))
    print_table(console, table)
    console.print(read_as_text(report.read_as, words), markup=False, highlight=False)
    if report.rows_read == 0:  # a header row alone: said, so that it is not taken for a finished import
        console.print(words("tester10.import.no_rows"), markup=False, highlight=False)
    if report.rejected_path is not None:
        console.print(words("cli.import.rejected_file", path=report.rejected_path), markup=False)
