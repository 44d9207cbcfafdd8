"""`tekseru checklist render`: print a checklist form, blank or prefilled from the registry; and
`tekseru verify FILE`: check a printed form against the documents tekseru issued (docs/inspections.md).

Wire them into the root app with `app.add_typer(checklist_commands.app, name="checklist")` and
`app.command("verify")(checklist_commands.verify)`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from tekseru.catalog import UnknownCatalogueEntry
from tekseru.cli.actors import cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.failures import fail, opened_database
from tekseru.cli.language import LangOption, Words, chosen
from tekseru.i18n import format_date
from tekseru.services import inspections
from tekseru.services.inspections import InspectionError

app = typer.Typer(help="Checklists (Appendices 2 to 7 of the act) as official forms.", no_args_is_help=True)


def _console() -> Console:
    """A console per command: it reads the terminal's width (COLUMNS) when it prints."""
    return Console(soft_wrap=True)


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        dir_okay=False,
        help="SQLite database file to use instead of TEKSERU_DATABASE_URL (default: tekseru.sqlite3).",
    ),
]


DOCUMENT_LANGUAGES = ("kk", "ru")


class DocumentFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


@app.callback()
def checklist() -> None:
    """Checklists (Appendices 2 to 7 of the act) as official forms."""


@app.command()
def render(
    appendix: Annotated[int, typer.Argument(help="The checklist: its appendix number, 2 to 7.")],
    bin: Annotated[
        str | None, typer.Option("--bin", help="Prefill the subject with this BIN from the registry.")
    ] = None,
    act_number: Annotated[
        str | None, typer.Option("--act-number", help="Number of the appointing act.")
    ] = None,
    act_date: Annotated[
        datetime | None,
        typer.Option("--act-date", formats=["%Y-%m-%d"], help="Date of the act (YYYY-MM-DD)."),
    ] = None,
    lang: LangOption = None,
    output_format: Annotated[
        DocumentFormat, typer.Option("--format", help="pdf or docx.")
    ] = DocumentFormat.PDF,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="Where to write it (checklist-APPENDIX-LANG.EXT)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Print the checklist of APPENDIX: blank, or prefilled with a subject and an act, to fill in by hand."""
    words = Words(chosen(lang))
    if words.language not in DOCUMENT_LANGUAGES:
        fail(words("cli.document_language"))
    out = output or Path(f"checklist-{appendix}-{words.language}.{output_format.value}")
    with opened_database(db) as database:
        try:
            content, _ = inspections.checklist_form(
                database,
                cli_actor(),
                appendix,
                bin=bin,
                act_number=act_number,
                act_date=None if act_date is None else act_date.date(),
                language=words.language,
                format=output_format.value,
                catalogue=cli_catalogue(),
            )
            out.write_bytes(content)
        except (InspectionError, UnknownCatalogueEntry, ValueError, OSError) as error:
            fail(error, words.language)
    _console().print(words("cli.checklist.written", path=out), markup=False)


def verify(
    file: Annotated[Path, typer.Argument(dir_okay=False, exists=True, help="A PDF or DOCX tekseru printed.")],
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Check a printed checklist: ok (exit 0), or altered, unknown or unsealed (exit 1)."""
    words = Words(chosen(lang))
    corrected_by = None
    with opened_database(db) as database:
        try:
            actor = cli_actor()
            check = inspections.verify_file(database, actor, str(file), file.read_bytes())
            if check.ok and check.inspection_id is not None:
                corrected_by = inspections.get_inspection(
                    database, actor, check.inspection_id
                ).superseded_by_id
        except (ValueError, InspectionError, OSError) as error:
            fail(error, words.language)
    colour = "green" if check.ok else "red"
    status = words(f"cli.verify.status.{check.status}")
    message = escape(_verdict(file, check, corrected_by, words))
    _console().print(f"[{colour}]{status}[/{colour}]: {message}")
    if check.inspection_id is not None:
        _console().print(words("cli.verify.inspection", id=check.inspection_id), markup=False)
    if not check.ok:
        raise typer.Exit(1)


def _verdict(file: Path, check: inspections.DocumentCheck, corrected_by: int | None, words: Words) -> str:
    """What the check found, in the reader's language (the service's own message is English)."""
    document, code = check.document, check.code or ""
    if check.status == "ok" and document is not None:
        issued_on = format_date(document.issued_on, words.language) if document.issued_on else "—"
        verdict = words("cli.verify.ok", file=file.name, reference=document.reference, issued_on=issued_on)
        if corrected_by is not None:
            verdict += words("cli.verify.corrected", id=corrected_by)
        return verdict
    if check.status == "altered":
        return words("cli.verify.altered", file=file.name, code=code)
    if check.status == "unknown":
        return words("cli.verify.unknown", code=code)
    return words("cli.verify.unsealed", file=file.name)
