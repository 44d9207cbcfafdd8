"""An inspection item by item, as `show` presents it: each item with its answer, the previous inspection's
answer, the violations earlier inspections found in it that are still open, and its files."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tekseru.catalog import Catalogue
from tekseru.services.inspections.rules import ViolationView, violation_status
from tekseru.store import Database, SubjectRecord
from tekseru.store.documents_store import inspection_contents
from tekseru.store.inspections import AnswerRecord, AttachmentRecord, InspectionRecord
from tekseru.store.workflow import OriginRecord, assignments_of, origins_of


@dataclass(frozen=True)
class ItemView:
    number: int
    text: str
    criterion: int | None
    answer: AnswerRecord | None
    previous_answer: AnswerRecord | None  # of the previous inspection of the subject on this checklist
    open_violations: tuple[ViolationView, ...]  # found by earlier inspections and not eliminated yet
    attachments: tuple[AttachmentRecord, ...]

    @property
    def version(self) -> int:
        """The version of the item's answer, to send back with a change (0: no answer yet)."""
        return 0 if self.answer is None else self.answer.version


@dataclass(frozen=True)
class InspectionSheet:
    """An inspection as `show` presents it: items with previous answers, violations, revisions."""

    inspection: InspectionRecord
    subject: SubjectRecord
    items: tuple[ItemView, ...]
    previous: InspectionRecord | None
    violations: tuple[ViolationView, ...]
    attachments: tuple[AttachmentRecord, ...]  # attached to the whole inspection
    revisions: tuple[InspectionRecord, ...]
    origin: OriginRecord | None = None  # its number, and the list row it came from (migration 0013)
    assigned: tuple[str, ...] = ()  # the inspectors a planner assigned to it

    @property
    def number(self) -> str:
        return self.origin.number if self.origin else ""


def inspection_sheet(
    db: Database,
    inspection_id: int,
    *,
    language: str = "kk",
    today: date,
    catalogue: Catalogue,
) -> InspectionSheet:
    """The inspection item by item, each with the previous inspection's answer and the violations earlier
    inspections found in it that are still open (or overdue)."""
    day = today
    with db.transaction() as session:
        got = inspection_contents(session, inspection_id)
        series = got.record.series_id
        origin = origins_of(session, [series]).get(series)
        assigned = tuple(a.username for a in assignments_of(session, [series]).get(series, []))
    record, earlier = got.record, {r.id: r for r in got.earlier}
    still_open: defaultdict[int, list[ViolationView]] = defaultdict(list)
    for v in got.still_open:
        still_open[v.item].append(ViolationView(v, violation_status(v, day), earlier[v.inspection_id]))
    files = got.attachments
    checklist = catalogue.edition(record.edition_id).checklist(record.appendix)
    items = tuple(
        ItemView(
            item.number, item.text.in_language(language), item.criterion, got.answers.get(item.number),
            got.previous_answers.get(item.number), tuple(still_open[item.number]),
            tuple(f for f in files if f.item == item.number),
        )
        for item in checklist.items
    )  # fmt: skip
    own = tuple(ViolationView(v, violation_status(v, day), record) for v in got.violations)
    previous, general = got.earlier[0] if got.earlier else None, tuple(f for f in files if f.item is None)
    return InspectionSheet(
        record, got.subject, items, previous, own, general, got.revisions, origin, assigned
    )
