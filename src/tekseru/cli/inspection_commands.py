"""`tekseru inspection ...`: record an inspection, answer its checklist, complete it, correct it, follow up
its violations and print it (docs/inspections.md). Each command parses, calls a service and presents."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.checklist_commands import DocumentFormat
from tekseru.cli.clock import cli_today
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail
from tekseru.cli.inspection_choices import Kind, ShowFormat, Status, ViolationState
from tekseru.cli.inspection_database import inspection_database as _database
from tekseru.cli.inspection_screen import day_in, describe, print_sheet, violation_line
from tekseru.cli.language import DocumentLangOption, LangOption, Words, chosen, document_words
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.services import inspections


app = typer.Typer(
    help="Inspections and preventive control with a visit: record, answer, complete, correct, follow up, "
    "print.",
    no_args_is_help=True,
)

InspectionId = Annotated[int, typer.Argument(help="The inspection's number (see `tekseru inspection list`).")]
_DAY = ["%Y-%m-%d"]
KIND_HELP = "What the act appoints: preventive_control, unscheduled_inspection or compliance_inspection."


def _day(help: str) -> Any:
    return typer.Option(formats=_DAY, help=f"{help} (YYYY-MM-DD).")


def _console() -> Console:
    """A console per command: it reads the terminal's width (COLUMNS) when it prints."""
    return Console(soft_wrap=True)


def _date(value: datetime | None) -> date | None:
    return None if value is None else value.date()


@app.command()
def create(
    bin: Annotated[str, typer.Option("--bin", help="The subject's BIN (it must be in the registry).")],
    kind: Annotated[Kind, typer.Option("--kind", help=KIND_HELP)],
    act_number: Annotated[str, typer.Option("--act-number", help="Number of the appointing act.")],
    act_date: Annotated[datetime, _day("Date of the appointing act")],
    inspector: Annotated[
        list[str], typer.Option("--inspector", help="An inspector's name (repeat for more).")
    ],
    planned_on: Annotated[datetime | None, _day("The day the visit is planned")] = None,
    appendix: Annotated[
        int | None, typer.Option("--appendix", help="The checklist, when the subject's groups have several.")
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Unplanned: complaint, follow_up, request, other."),
    ] = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Record a draft inspection of a subject on the checklist of its group."""
    from tekseru.services import inspections
    from tekseru.services.inspections import InspectionHeader

    header = InspectionHeader(kind.value, act_number, act_date.date(), tuple(inspector), _date(planned_on))
    words = Words(chosen(lang))
    with _database(db, words) as database:
        record = inspections.create_inspection(
            database, cli_actor(by), bin, header, appendix=appendix, reason=reason, catalogue=cli_catalogue()
        )
    _console().print(describe(record, words))


@app.command()
def answer(
    inspection_id: InspectionId,
    file: Annotated[
        Path, typer.Argument(dir_okay=False, help="CSV, XLSX or JSON with columns item,answer,comment.")
    ],
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Answer items of a draft from a file; answer is required, not_required, compliant or non_compliant."""
    from tekseru.services import inspections

    words = Words(chosen(lang))
    with _database(db, words) as database:
        rows = inspections.read_answer_file(file)
        versions = inspections.answer_items(
            database, cli_actor(by), inspection_id, rows, source=file.name, catalogue=cli_catalogue()
        )
    answered = words.count(len(versions))
    _console().print(words("cli.inspection.answered", id=inspection_id, count=answered))


@app.command()
def attach(
    inspection_id: InspectionId,
    file: Annotated[Path, typer.Argument(dir_okay=False, exists=True, help="The file to attach.")],
    item: Annotated[int | None, typer.Option("--item", help="The item it belongs to (default: all).")] = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Attach a photo or document (PDF, JPEG, PNG, DOCX, XLSX, TXT; at most 20 MiB) to a draft."""
    from tekseru.services import inspections

    words = Words(chosen(lang))
    with _database(db, words) as database:
        limit = inspections.AttachmentLimits().max_bytes
        if file.stat().st_size > limit:
            fail(words("cli.inspection.too_big", file=file.name, limit=words.count(limit)))
        added = inspections.attach_file(
            database,
            cli_actor(by),
            inspection_id,
            file.name,
            file.read_bytes(),
            item=item,
            catalogue=cli_catalogue(),
        )
    _console().print(
        words(
            "cli.inspection.attached",
            file=added.file_name,
            media_type=added.media_type,
            size=words.count(added.size),
            sha256=added.sha256,
        ),
        markup=False,
    )


@app.command()
def complete(
    inspection_id: InspectionId,
    inspected_on: Annotated[datetime | None, _day("The day of the visit (default: today)")] = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Complete a draft: its violations become evidence for the next assessment and are followed up."""
    from tekseru.services import inspections

    words = Words(chosen(lang))
    with _database(db, words) as database:
        report = inspections.complete_inspection(
            database,
            cli_actor(by),
            inspection_id,
            inspected_on=_date(inspected_on),
            today=cli_today(),
            catalogue=cli_catalogue(),
        )
    _console().print(describe(report.inspection, words))
    _console().print(
        words(
            "cli.inspection.completed",
            violations=words.count(len(report.violations)),
            created=words.count(report.evidence.created),
            removed=words.count(report.evidence_removed),
            used=words.count(report.evidence_used),
        )
    )
    if report.unscored_items:
        items = ", ".join(str(item) for item in report.unscored_items)
        _console().print(words("cli.inspection.unscored", items=items))


@app.command()
def revise(
    inspection_id: InspectionId,
    reason: Annotated[str, typer.Option("--reason", help="Why the completed inspection is corrected.")],
    kind: Annotated[Kind | None, typer.Option("--kind", help="A corrected kind.")] = None,
    act_number: Annotated[str | None, typer.Option("--act-number", help="A corrected act number.")] = None,
    act_date: Annotated[datetime | None, _day("A corrected act date")] = None,
    inspector: Annotated[
        list[str] | None, typer.Option("--inspector", help="Corrected inspectors (repeat for more).")
    ] = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Start a correction of a completed inspection: a new draft revision; the old one stays readable."""
    from tekseru.services import inspections

    corrections = {
        "kind": kind and kind.value,
        "act_number": act_number,
        "act_date": _date(act_date),
        "inspectors": tuple(inspector or ()) or None,
    }
    words = Words(chosen(lang))
    with _database(db, words) as database:
        record = inspections.revise_inspection(
            database,
            cli_actor(by),
            inspection_id,
            reason=reason,
            corrections={key: value for key, value in corrections.items() if value is not None},
        )
    _console().print(describe(record, words))


@app.command("list")
def list_command(
    bin: Annotated[str | None, typer.Option("--bin", help="Only inspections of this subject.")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Only drafts or completed ones.")] = None,
    all_revisions: Annotated[bool, typer.Option("--all", help="Show superseded revisions too.")] = False,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """The inspections, by number."""
    from tekseru.services import inspections

    words = Words(chosen(lang))
    with _database(db, words) as database:
        found = inspections.list_inspections(
            database, cli_actor(), bin=bin, status=status and status.value, include_superseded=all_revisions
        )
    headers = ("id", "status", "kind", "act", "visited", "bin", "subject", "appendix", "revision")
    table = Table(*(words(f"cli.column.{header}") for header in headers))
    for record, subject in found:
        state = words(f"inspection.status.{record.status}")
        if record.superseded_by_id:
            state += words("cli.inspection.superseded_by", id=record.superseded_by_id)
        table.add_row(
            str(record.id),
            state,
            words(f"inspection.kind.{record.kind}"),
            words("cli.inspection.act", number=record.act_number, date=day_in(record.act_date, words)),
            day_in(record.inspected_on, words),
            subject.bin,
            subject.name,
            str(record.appendix),
            str(record.revision),
        )
    if found:
        print_table(_console(), table)
    else:
        _console().print(words("cli.inspection.none"))


@app.command()
def show(
    inspection_id: InspectionId,
    output_format: Annotated[ShowFormat, typer.Option("--format", help="table or json.")] = ShowFormat.TABLE,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    """An inspection item by item, with the previous inspection's answers and violations still open."""
    from tekseru.services import inspections

    words = Words(chosen(lang))
    with _database(db, words) as database:
        sheet = inspections.inspection_sheet(
            database,
            cli_actor(),
            inspection_id,
            language=words.language,
            today=cli_today(),
            catalogue=cli_catalogue(),
        )
    if output_format is ShowFormat.JSON:
        _console().print_json(json.dumps(_sheet_json(sheet), ensure_ascii=False, default=str))
        return
    print_sheet(sheet, words)


def _sheet_json(sheet: inspections.InspectionSheet) -> dict[str, Any]:
    record = sheet.inspection
    return {
        "inspection": {field: getattr(record, field) for field in record.__dataclass_fields__},
        "subject": {"bin": sheet.subject.bin, "name": sheet.subject.name},
        "previous_inspection": sheet.previous.id if sheet.previous else None,
        "items": [
            {
                "item": item.number,
                "criterion": item.criterion,
                "answer": item.answer.answer if item.answer else None,
                "comment": item.answer.comment if item.answer else "",
                "previous_answer": item.previous_answer.answer if item.previous_answer else None,
                "open_violations": [_violation(v) for v in item.open_violations],
                "attachments": [a.file_name for a in item.attachments],
            }
            for item in sheet.items
        ],
        "violations": [_violation(v) for v in sheet.violations],
        "revisions": [{"id": r.id, "revision": r.revision, "reason": r.reason} for r in sheet.revisions],
    }


def _violation(view: inspections.ViolationView) -> dict[str, Any]:
    record = view.record
    return {
        "inspection": view.found_by.id,
        "item": record.item,
        "criterion": record.criterion,
        "deadline": record.deadline,
        "status": view.status,
        "eliminated_on": record.eliminated_on,
    }


@app.command()
def followup(
    inspection_id: InspectionId,
    item: Annotated[int, typer.Argument(help="The item whose violation is followed up.")],
    deadline: Annotated[datetime | None, _day("The remediation deadline")] = None,
    status: Annotated[
        ViolationState | None, typer.Option("--status", help="open, or eliminated (on --eliminated-on).")
    ] = None,
    eliminated_on: Annotated[datetime | None, _day("The day it was eliminated (default: today)")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note on the follow-up.")] = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Set a violation's remediation deadline or status; overdue is open past its deadline."""
    from tekseru.services import inspections

    words = Words(chosen(lang))
    with _database(db, words) as database:
        view = inspections.follow_up(
            database,
            cli_actor(by),
            inspection_id,
            item,
            today=cli_today(),
            deadline=_date(deadline),
            status=status and status.value,
            eliminated_on=_date(eliminated_on),
            note=note,
        )
    _console().print(violation_line(item, view.status, view.record.deadline, words))


@app.command("print")
def print_command(
    inspection_id: InspectionId,
    output_format: Annotated[
        DocumentFormat, typer.Option("--format", help="pdf or docx.")
    ] = DocumentFormat.PDF,
    lang: DocumentLangOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="Where to write it (default: inspection-ID-LANG.EXT)."
        ),
    ] = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Print the filled checklist; a completed inspection carries a verification code and QR code."""
    from tekseru.services import inspections

    words = document_words(lang)
    with _database(db, words) as database:
        content, name, code = inspections.print_inspection(
            database,
            cli_actor(by),
            inspection_id,
            format=output_format.value,
            language=words.language,
            catalogue=cli_catalogue(),
        )
        out = output or Path(name)
        out.write_bytes(content)
    if code:
        _console().print(words("cli.inspection.printed_sealed", path=out, code=code), markup=False)
    else:
        _console().print(words("cli.inspection.printed_draft", path=out), markup=False)
