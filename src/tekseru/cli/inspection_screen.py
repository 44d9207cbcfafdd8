"""How `tekseru inspection ...` puts an inspection on the screen, in the reader's language: statuses,
kinds, answers and dates in words, never their keys."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tekseru.cli.language import Words
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.services.inspections import InspectionRecord, InspectionSheet


def day_in(value: date | None, words: Words) -> str:
    from tekseru.i18n import format_date

    return "" if value is None else format_date(value, words.language)


def describe(record: InspectionRecord, words: Words) -> str:
    status = words(f"inspection.status.{record.status}")
    if record.revision > 1:
        status += words("cli.inspection.revision_of", revision=record.revision, series=record.series_id)
    kind = words(f"inspection.kind.{record.kind}")
    return words("cli.inspection.describe", id=record.id, status=status, kind=kind, appendix=record.appendix)


def violation_state(status: str, words: Words) -> str:
    return words(f"inspections.violation.{status}")


def print_sheet(sheet: InspectionSheet, words: Words) -> None:
    record, subject, console = sheet.inspection, sheet.subject, Console(soft_wrap=True)
    console.print(describe(record, words))
    act = words("cli.inspection.act", number=record.act_number, date=day_in(record.act_date, words))
    console.print(f"{subject.bin} {escape(subject.name)}; {escape(act)}")
    if sheet.previous:
        previous = sheet.previous
        day = day_in(previous.inspected_on, words)
        console.print(words("cli.inspection.previous", id=previous.id, date=day))
    headers = ("number", "requirement", "answer", "comment", "previous_answer", "still_open")
    table = Table(*(words(f"cli.column.{header}") for header in headers))
    for item in sheet.items:
        still_open = ", ".join(
            words("cli.inspection.open_in", status=violation_state(v.status, words), id=v.found_by.id)
            for v in item.open_violations
        )
        table.add_row(
            str(item.number),
            escape(item.text[:80]),
            answer_word(item.answer, words),
            escape(item.answer.comment) if item.answer else "",
            answer_word(item.previous_answer, words),
            still_open,
        )
    print_table(console, table)
    for view in sheet.violations:
        console.print(violation_line(view.record.item, view.status, view.record.deadline, words))
    for revision in sheet.revisions:
        reason = revision.reason or words("cli.inspection.first_revision")
        console.print(
            words("cli.inspection.revision", revision=revision.revision, id=revision.id, reason=reason),
            markup=False,
        )


def answer_word(answer: Any, words: Words) -> str:
    return words(f"inspections.answer.{answer.answer}") if answer else ""


def violation_line(item: int, status: str, deadline: date | None, words: Words) -> str:
    day = day_in(deadline, words) or words("cli.inspection.no_deadline")
    return words("cli.inspection.violation", item=item, status=violation_state(status, words), deadline=day)
