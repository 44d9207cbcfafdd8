"""`tekseru checklist render`: print a checklist form, blank or prefilled from the registry; and
`tekseru verify FILE`: check a printed form against the documents tekseru issued (docs/inspections.md).

Wire them into the root app with `app.add_typer(checklist_commands.app, name="checklist")` and
`app.command("verify")(checklist_commands.verify)`.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from tekseru.cli import signature_commands
from tekseru.cli.actors import cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.clock import cli_today
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail, opened_database
from tekseru.cli.language import DocumentLangOption, LangOption, Words, chosen, document_words

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.services import inspections


app = typer.Typer(help="Checklists (Appendices 2 to 7 of the act) as official forms.", no_args_is_help=True)


def _console() -> Console:
    """A console per command: it reads the terminal's width (COLUMNS) when it prints."""
    return Console(soft_wrap=True)


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
    lang: DocumentLangOption = None,
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
    from tekseru.catalog import UnknownCatalogueEntry
    from tekseru.services import inspections
    from tekseru.services.inspections import InspectionError

    words = document_words(lang)
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
                today=cli_today(),
                language=words.language,
                format=output_format.value,
                catalogue=cli_catalogue(),
            )
            out.write_bytes(content)
        except (InspectionError, UnknownCatalogueEntry, ValueError, OSError) as error:
            fail(error, words.language)
    _console().print(words("cli.checklist.written", path=out), markup=False)


def verify(
    file: Annotated[
        Path,
        typer.Argument(dir_okay=False, exists=True, help="A PDF or DOCX tekseru printed, or a signed file."),
    ],
    db: DbOption = None,
    lang: LangOption = None,
    signature: signature_commands.SignatureOption = None,
    trust: signature_commands.TrustOption = None,
    crl: signature_commands.CrlOption = None,
    signer: signature_commands.SignerOption = None,
    output_format: signature_commands.FormatOption = signature_commands.OutputFormat.TEXT,
) -> None:
    """Check a printed checklist (ok, or altered, unknown or unsealed) and the electronic digital signatures
    of a file (inside a PDF, or --signature FILE.cms): exit 0 only when everything holds."""
    from tekseru.services import inspections
    from tekseru.services.inspections import InspectionError

    words = Words(chosen(lang))
    signed = signature_commands.wants_signatures(file, signature, trust, crl, signer)
    check = None
    if not signed or _sealable(file):
        with opened_database(db) as database:
            try:
                check = inspections.verify_file(database, cli_actor(), str(file), file.read_bytes())
            except (ValueError, InspectionError, OSError) as error:
                fail(error, words.language)
    report = (
        signature_commands.check_signatures(file, signature, trust, crl, signer, words) if signed else None
    )
    # A signed file need not carry a seal (a list, a spreadsheet); a seal it carries must hold, and a signed
    # form's seal holds for its first revision when its signatures hold.
    signed_seal = report is not None and check is not None and check.status in ("unsealed", "signed")
    seal_holds = check is None or check.ok or signed_seal
    ok = seal_holds and (report is None or report.ok)
    if output_format is signature_commands.OutputFormat.JSON:
        seal = None if check is None else _seal_json(check, words)
        typer.echo(json.dumps(signature_commands.json_report(file, seal, report, ok), ensure_ascii=False))
    else:
        if check is not None:
            _print_seal(check, words)
        if report is not None:
            signature_commands.print_signatures(report, words)
    if not ok:
        raise typer.Exit(1)


def _sealable(file: Path) -> bool:
    """Whether the file can carry a tekseru seal: a PDF, or a DOCX (a ZIP named .docx)."""
    with file.open("rb") as handle:
        head = handle.read(4)
    return head.startswith(b"%PDF") or (head.startswith(b"PK") and file.suffix.lower() == ".docx")


def _print_seal(check: inspections.DocumentCheck, words: Words) -> None:
    colour = "green" if check.ok else "yellow" if check.status == "signed" else "red"
    status = words(f"cli.verify.status.{check.status}")
    _console().print(f"[{colour}]{status}[/{colour}]: {escape(check.said(words.language))}")
    if check.inspection_id is not None:
        number, shown = check.inspection_id, check.inspection_number or str(check.inspection_id)
        _console().print(words("docs13.verify.inspection", number=shown, id=number), markup=False)


def _seal_json(check: inspections.DocumentCheck, words: Words) -> dict[str, object]:
    return {
        "status": check.status,
        "code": check.code,
        "inspection_id": check.inspection_id,
        "inspection_number": check.inspection_number or None,
        "corrected_by": check.corrected_by,
        "message": check.said(words.language),
    }
