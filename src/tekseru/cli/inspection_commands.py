"""`tekseru inspection ...`: record an inspection, answer its checklist, complete it, correct it, follow up
its violations and print it (docs/inspections.md). Each command parses, calls a service and presents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tekseru.catalog import UnknownCatalogueEntry
from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.checklist_commands import DbOption, DocumentFormat
from tekseru.cli.checklist_commands import Language as PrintLanguage
from tekseru.cli.failures import fail, opened_database, print_problems
from tekseru.services import checklists, inspection_actions, inspection_forms
from tekseru.services import inspections as service
from tekseru.services.database import Database
from tekseru.services.inspections import InspectionHeader, InspectionRecord

app = typer.Typer(
    help="Inspections and preventive control with a visit: record, answer, complete, correct, follow up, "
    "print.",
    no_args_is_help=True,
)

InspectionId = Annotated[int, typer.Argument(help="The inspection's number (see `tekseru inspection list`).")]
_DAY = ["%Y-%m-%d"]


def _day(help: str) -> Any:
    return typer.Option(formats=_DAY, help=f"{help} (YYYY-MM-DD).")


class Kind(StrEnum):
    PREVENTIVE_CONTROL = "preventive_control"
    UNSCHEDULED_INSPECTION = "unscheduled_inspection"
    COMPLIANCE_INSPECTION = "compliance_inspection"


class Status(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


class ViolationState(StrEnum):
    OPEN = "open"
    ELIMINATED = "eliminated"


class Language(StrEnum):
    KK = "kk"
    RU = "ru"
    EN = "en"


class ShowFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _console() -> Console:
    """A console per command: it reads the terminal's width (COLUMNS) when it prints."""
    return Console(soft_wrap=True)


@contextmanager
def _database(db: Path | None) -> Iterator[Database]:
    """The database for a command; any error of the use case is printed and exits with code 1."""
    with opened_database(db) as database:
        try:
            yield database
        except service.AnswerFileError as error:
            print_problems(error.problems)
            fail(f"nothing was stored: {len(error.problems)} problem(s)")
        except (
            service.InspectionError,
            service.StaleVersion,
            UnknownCatalogueEntry,
            ValueError,
            OSError,
        ) as error:
            fail(str(error))


def _date(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def _describe(record: InspectionRecord) -> str:
    revision = f", revision {record.revision} of {record.series_id}" if record.revision > 1 else ""
    return f"Inspection {record.id} ({record.status}{revision}): {record.kind}, Appendix {record.appendix}"


@app.command()
def create(
    bin: Annotated[str, typer.Option("--bin", help="The subject's BIN (it must be in the registry).")],
    kind: Annotated[Kind, typer.Option("--kind", help="What the act appoints.")],
    act_number: Annotated[str, typer.Option("--act-number", help="Number of the appointing act.")],
    act_date: Annotated[datetime, _day("Date of the appointing act")],
    inspector: Annotated[
        list[str], typer.Option("--inspector", help="An inspector's name (repeat for more).")
    ],
    planned_on: Annotated[datetime | None, _day("The day the visit is planned")] = None,
    appendix: Annotated[
        int | None, typer.Option("--appendix", help="The checklist, when the subject's groups have several.")
    ] = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Record a draft inspection of a subject on the checklist of its group."""
    header = InspectionHeader(kind.value, act_number, act_date.date(), tuple(inspector), _date(planned_on))
    with _database(db) as database:
        record = inspection_actions.create_inspection(database, cli_actor(by), bin, header, appendix=appendix)
    _console().print(_describe(record))


@app.command()
def answer(
    inspection_id: InspectionId,
    file: Annotated[
        Path, typer.Argument(dir_okay=False, help="CSV, XLSX or JSON with columns item,answer,comment.")
    ],
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Answer items of a draft from a file; answer is required, not_required, compliant or non_compliant."""
    with _database(db) as database:
        rows = checklists.read_answer_file(file)
        versions = inspection_actions.answer_items(
            database, cli_actor(by), inspection_id, rows, source=file.name
        )
    _console().print(f"Inspection {inspection_id}: {len(versions)} item(s) answered.")


@app.command()
def attach(
    inspection_id: InspectionId,
    file: Annotated[Path, typer.Argument(dir_okay=False, exists=True, help="The file to attach.")],
    item: Annotated[int | None, typer.Option("--item", help="The item it belongs to (default: all).")] = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Attach a photo or document (PDF, JPEG, PNG, DOCX, XLSX, TXT; at most 20 MiB) to a draft."""
    with _database(db) as database:
        limit = checklists.AttachmentLimits().max_bytes
        if file.stat().st_size > limit:
            fail(f"{file.name}: more than the limit of {limit} bytes")
        added = inspection_actions.attach_file(
            database, cli_actor(by), inspection_id, file.name, file.read_bytes(), item=item
        )
    _console().print(
        f"Attached {added.file_name} ({added.media_type}, {added.size} bytes, sha256 {added.sha256})."
    )


@app.command()
def complete(
    inspection_id: InspectionId,
    inspected_on: Annotated[datetime | None, _day("The day of the visit (default: today)")] = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Complete a draft: its violations become evidence for the next assessment and are followed up."""
    with _database(db) as database:
        report = inspection_actions.complete_inspection(
            database, cli_actor(by), inspection_id, inspected_on=_date(inspected_on)
        )
    _console().print(_describe(report.inspection))
    _console().print(
        f"Violations: {len(report.violations)}; evidence created {report.evidence.created}, "
        f"removed {report.evidence_removed} (earlier revision), marked used {report.evidence_used}."
    )
    if report.unscored_items:
        _console().print(f"Items with no criterion (kept, not scored): {list(report.unscored_items)}")


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
) -> None:
    """Start a correction of a completed inspection: a new draft revision; the old one stays readable."""
    corrections = {
        "kind": kind and kind.value,
        "act_number": act_number,
        "act_date": _date(act_date),
        "inspectors": tuple(inspector or ()) or None,
    }
    with _database(db) as database:
        record = inspection_actions.revise_inspection(
            database,
            cli_actor(by),
            inspection_id,
            reason=reason,
            corrections={key: value for key, value in corrections.items() if value is not None},
        )
    _console().print(_describe(record))


@app.command("list")
def list_command(
    bin: Annotated[str | None, typer.Option("--bin", help="Only inspections of this subject.")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Only drafts or completed ones.")] = None,
    all_revisions: Annotated[bool, typer.Option("--all", help="Show superseded revisions too.")] = False,
    db: DbOption = None,
) -> None:
    """The inspections, by number."""
    with _database(db) as database:
        found = service.list_inspections(
            database, bin=bin, status=status and status.value, include_superseded=all_revisions
        )
    table = Table("id", "status", "kind", "act", "visited", "BIN", "subject", "appendix", "revision")
    for record, subject in found:
        superseded = f" (superseded by {record.superseded_by_id})" if record.superseded_by_id else ""
        table.add_row(
            str(record.id),
            record.status + superseded,
            record.kind,
            f"№ {record.act_number} of {record.act_date}",
            str(record.inspected_on or ""),
            subject.bin,
            subject.name,
            str(record.appendix),
            str(record.revision),
        )
    _console().print(
        table if found else "No inspections are recorded yet: record one with `inspection create`."
    )


@app.command()
def show(
    inspection_id: InspectionId,
    output_format: Annotated[ShowFormat, typer.Option("--format", help="table or json.")] = ShowFormat.TABLE,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the item texts.")] = Language.KK,
    db: DbOption = None,
) -> None:
    """An inspection item by item, with the previous inspection's answers and violations still open."""
    with _database(db) as database:
        sheet = checklists.inspection_sheet(database, inspection_id, language=lang.value)
    if output_format is ShowFormat.JSON:
        _console().print_json(json.dumps(_sheet_json(sheet), ensure_ascii=False, default=str))
        return
    _print_sheet(sheet)


def _sheet_json(sheet: checklists.InspectionSheet) -> dict[str, Any]:
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


def _violation(view: service.ViolationView) -> dict[str, Any]:
    record = view.record
    return {
        "inspection": view.found_by.id,
        "item": record.item,
        "criterion": record.criterion,
        "deadline": record.deadline,
        "status": view.status,
        "eliminated_on": record.eliminated_on,
    }


def _print_sheet(sheet: checklists.InspectionSheet) -> None:
    record, subject = sheet.inspection, sheet.subject
    _console().print(_describe(record))
    _console().print(f"{subject.bin} {escape(subject.name)}; act № {record.act_number} of {record.act_date}")
    if sheet.previous:
        _console().print(f"Previous inspection: {sheet.previous.id} of {sheet.previous.inspected_on}")
    table = Table("No", "requirement", "answer", "comment", "previous", "still open")
    for item in sheet.items:
        still_open = ", ".join(f"{v.status} (inspection {v.found_by.id})" for v in item.open_violations)
        table.add_row(
            str(item.number),
            escape(item.text[:80]),
            item.answer.answer if item.answer else "",
            escape(item.answer.comment) if item.answer else "",
            item.previous_answer.answer if item.previous_answer else "",
            still_open,
        )
    _console().print(table)
    for view in sheet.violations:
        deadline = view.record.deadline or "no deadline"
        _console().print(f"Violation in item {view.record.item}: {view.status}, deadline {deadline}")
    for revision in sheet.revisions:
        _console().print(
            f"Revision {revision.revision}: inspection {revision.id}, {revision.reason or 'first'}"
        )


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
) -> None:
    """Set a violation's remediation deadline or status; overdue is open past its deadline."""
    with _database(db) as database:
        view = inspection_actions.follow_up(
            database,
            cli_actor(by),
            inspection_id,
            item,
            deadline=_date(deadline),
            status=status and status.value,
            eliminated_on=_date(eliminated_on),
            note=note,
        )
    _console().print(f"Violation in item {item}: {view.status}, deadline {view.record.deadline or 'none'}.")


@app.command("print")
def print_command(
    inspection_id: InspectionId,
    output_format: Annotated[
        DocumentFormat, typer.Option("--format", help="pdf or docx.")
    ] = DocumentFormat.PDF,
    lang: Annotated[PrintLanguage, typer.Option("--lang", help="kk (official) or ru.")] = PrintLanguage.KK,
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
    with _database(db) as database:
        content, name, code = inspection_forms.print_inspection(
            database, cli_actor(by), inspection_id, format=output_format.value, language=lang.value
        )
        out = output or Path(name)
        out.write_bytes(content)
    sealed = f" with verification code {code}" if code else " (a draft: no verification code)"
    _console().print(f"Wrote {out}{sealed}.")
