"""Inspections: drafts, answers, attachments, completion, revisions, follow-up, and the visit histories.

A completed inspection never changes (InspectionFrozen, triggers of migration 0003); a correction is a new
revision, whose completion supersedes the old one; `visit_histories(session)` is what planning reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, delete, insert, select, true, update
from sqlalchemy.orm import Session

from tekseru.message import Explained, tell
from tekseru.planning.inputs import VisitHistory
from tekseru.store._chunks import chunks
from tekseru.store.evidence import mark_used, upsert_evidence
from tekseru.store.inspection_models import (
    COMPLETED,
    DRAFT,
    ELIMINATED,
    NON_COMPLIANT,
    OPEN,
    PREVENTIVE_CONTROL,
    Inspection,
    InspectionAnswer,
    InspectionAttachment,
    InspectionViolation,
)
from tekseru.store.inspection_models import AnswerData as AnswerData
from tekseru.store.inspection_models import AnswerRecord as AnswerRecord
from tekseru.store.inspection_models import AttachmentData as AttachmentData
from tekseru.store.inspection_models import AttachmentRecord as AttachmentRecord
from tekseru.store.inspection_models import InspectionData as InspectionData
from tekseru.store.inspection_models import InspectionRecord as InspectionRecord
from tekseru.store.inspection_models import ViolationRecord as ViolationRecord
from tekseru.store.models import Evidence
from tekseru.store.portal import accepted_reports
from tekseru.store.records import EvidenceData, WriteCounts
from tekseru.store.violation_lineage import carriers

# What a completed inspection cannot be made to do (the words its callers use), with their messages.
FROZEN_ACTIONS = {
    "answer it": "refusal.inspection.action.answer",
    "complete it again": "refusal.inspection.action.complete",
    "delete it": "refusal.inspection.action.delete",
    "attach files to it": "refusal.inspection.action.attach",
}


class InspectionError(Explained, RuntimeError):
    """An inspection cannot be stored or changed as asked."""


class InspectionNotFound(InspectionError, LookupError):
    def __init__(self, inspection_id: int) -> None:
        super().__init__(f"there is no inspection {inspection_id}")
        self.inspection_id = inspection_id
        self.message = tell("refusal.inspection.not_found", inspection=inspection_id)


class InspectionFrozen(InspectionError):
    """The inspection is completed: it cannot change; a correction is a new revision."""

    def __init__(self, inspection_id: int, action: str) -> None:
        super().__init__(
            f"inspection {inspection_id} is completed and cannot change: cannot {action}; "
            "correct it with a new revision"
        )
        self.inspection_id, self.action = inspection_id, action
        key = FROZEN_ACTIONS.get(action)
        said = tell(key) if key else tell("refusal.inspection.action.change")
        self.message = tell("refusal.inspection.frozen", inspection=inspection_id, action=said)


_i, _a, _f, _v, _e = (
    Inspection.__table__.c,
    InspectionAnswer.__table__.c,
    InspectionAttachment.__table__.c,
    InspectionViolation.__table__.c,
    Evidence.__table__.c,
)


def _columns(table: Any, record: type) -> list[Any]:
    return [table[field.name] for field in fields(record)]


def _make(record: type, row: Row[Any]) -> Any:
    values = row._asdict()
    for name in ("group_keys", "inspectors"):
        if name in values:
            values[name] = tuple(values[name])
    return record(**values)


def _inspections(session: Session, condition: ColumnElement[bool], *, lock: bool = False) -> list[Any]:
    query = select(*_columns(_i, InspectionRecord)).where(condition).order_by(_i.id)
    return [
        _make(InspectionRecord, row) for row in session.execute(query.with_for_update() if lock else query)
    ]


# Inspections ----------------------------------------------------------------------------------------------


def add_inspection(
    session: Session,
    data: InspectionData,
    *,
    created_by: str,
    now: datetime,
    revises: InspectionRecord | None = None,
    reason: str | None = None,
) -> InspectionRecord:
    """Store a new draft: revision 1, or (`revises`) the next revision of a completed one."""
    values = {f.name: getattr(data, f.name) for f in fields(InspectionData)}
    values.update(group_keys=list(data.group_keys), inspectors=list(data.inspectors))
    values.update(status=DRAFT, created_by=created_by, created_at=now, revision=1)
    if revises is not None:
        values.update(
            revision=revises.revision + 1,
            revises_id=revises.id,
            first_revision_id=revises.series_id,
            reason=reason,
        )
    inspection_id = session.execute(insert(Inspection).values(**values).returning(_i.id)).scalar_one()
    return get_or_raise(session, inspection_id)


def get_inspection(session: Session, inspection_id: int, *, lock: bool = False) -> InspectionRecord | None:
    found = _inspections(session, _i.id == inspection_id, lock=lock)
    return found[0] if found else None


def get_or_raise(session: Session, inspection_id: int, *, lock: bool = False) -> InspectionRecord:
    record = get_inspection(session, inspection_id, lock=lock)
    if record is None:
        raise InspectionNotFound(inspection_id)
    return record


def draft_or_raise(session: Session, inspection_id: int, action: str) -> InspectionRecord:
    record = get_or_raise(session, inspection_id, lock=True)
    if record.status != DRAFT:
        raise InspectionFrozen(inspection_id, action)
    return record


def list_inspections(
    session: Session,
    *,
    subject_id: int | None = None,
    status: str | None = None,
    current_only: bool = True,
) -> list[InspectionRecord]:
    """Inspections by id; with `current_only`, revisions superseded by a completed one are left out."""
    condition: ColumnElement[bool] = true()
    if subject_id is not None:
        condition = condition & (_i.subject_id == subject_id)
    if status is not None:
        condition = condition & (_i.status == status)
    if current_only:
        condition = condition & _i.superseded_by_id.is_(None)
    return _inspections(session, condition)


def revisions(session: Session, record: InspectionRecord) -> list[InspectionRecord]:
    """Every revision of the inspection `record` is a revision of, the first first."""
    series = record.series_id
    return _inspections(session, (_i.id == series) | (_i.first_revision_id == series))


def pending_revision(session: Session, inspection_id: int) -> InspectionRecord | None:
    found = _inspections(session, _i.revises_id == inspection_id)
    return found[0] if found else None


def complete(
    session: Session, inspection_id: int, *, inspected_on: date, completed_by: str, now: datetime
) -> InspectionRecord:
    """Mark a draft completed; the revision it corrects (if any) becomes superseded by it."""
    record = draft_or_raise(session, inspection_id, "complete it again")
    values = {"status": COMPLETED, "inspected_on": inspected_on, "completed_by": completed_by}
    session.execute(update(Inspection).where(_i.id == inspection_id).values(completed_at=now, **values))
    if record.revises_id is not None:
        superseded = update(Inspection).where(_i.id == record.revises_id)
        session.execute(superseded.values(superseded_by_id=inspection_id))
    return get_or_raise(session, inspection_id)


def delete_draft(session: Session, inspection_id: int) -> None:
    draft_or_raise(session, inspection_id, "delete it")
    session.execute(delete(Inspection).where(_i.id == inspection_id))


# Answers and attachments ---------------------------------------------------------------------------------


def answers_of(session: Session, inspection_id: int) -> list[AnswerRecord]:
    query = select(*_columns(_a, AnswerRecord)).where(_a.inspection_id == inspection_id).order_by(_a.item)
    return [_make(AnswerRecord, row) for row in session.execute(query)]


def add_attachment(
    session: Session, inspection_id: int, data: AttachmentData, *, added_by: str, now: datetime
) -> AttachmentRecord:
    draft_or_raise(session, inspection_id, "attach files to it")
    values = {f.name: getattr(data, f.name) for f in fields(AttachmentData)}
    values.update(inspection_id=inspection_id, added_by=added_by, added_at=now)
    attachment_id = session.execute(
        insert(InspectionAttachment).values(**values).returning(_f.id)
    ).scalar_one()
    return next(a for a in attachments_of(session, inspection_id) if a.id == attachment_id)


def attachments_of(session: Session, inspection_id: int) -> list[AttachmentRecord]:
    query = select(*_columns(_f, AttachmentRecord)).where(_f.inspection_id == inspection_id).order_by(_f.id)
    return [_make(AttachmentRecord, row) for row in session.execute(query)]


def copy_parts(session: Session, source_id: int, target_id: int) -> None:
    """Copy the answers and attachments of one revision to a new draft revision."""
    for table, key in ((InspectionAnswer, None), (InspectionAttachment, "id")):
        columns = [c for c in table.__table__.c if c.name not in ("inspection_id", key)]
        rows = session.execute(select(*columns).where(table.__table__.c.inspection_id == source_id)).all()
        if rows:
            session.execute(insert(table), [row._asdict() | {"inspection_id": target_id} for row in rows])


# Evidence -------------------------------------------------------------------------------------------------


def replace_evidence(
    session: Session,
    rows: Sequence[EvidenceData],
    *,
    replaces_origin: str | None,
    entered_by: str,
    entered_at: datetime,
) -> tuple[WriteCounts, int]:
    """Store the evidence of a completed revision, first removing that of the revision it replaces.

    A removed row that had been taken into account for a later visit passes its `used_on` to the new row
    for the same criterion, so a correction does not bring used evidence back. (counts, rows removed)
    """
    used: dict[int, date] = {}
    removed = 0
    if replaces_origin is not None:
        old = session.execute(select(_e.criterion, _e.used_on).where(_e.origin == replaces_origin)).all()
        used = {criterion: used_on for criterion, used_on in old if used_on is not None}
        removed = session.connection().execute(delete(Evidence).where(_e.origin == replaces_origin)).rowcount
    counts = upsert_evidence(session, rows, entered_by=entered_by, entered_at=entered_at)
    origins = {row.origin for row in rows}
    by_day: defaultdict[date, list[int]] = defaultdict(list)
    if used and origins:
        query = select(_e.id, _e.criterion).where(_e.origin.in_(sorted(origins)) & _e.used_on.is_(None))
        for evidence_id, criterion in session.execute(query):
            if criterion in used:
                by_day[used[criterion]].append(evidence_id)
    for day, ids in by_day.items():
        mark_used(session, ids, day)
    return counts, removed


def use_evidence_for_visit(
    session: Session, subject_id: int, *, observed_up_to: date, used_on: date, exclude_origins: Iterable[str]
) -> int:
    """Mark the subject's evidence observed up to a day and not used yet as used for a visit on `used_on`;
    evidence from `exclude_origins` (the visit's own findings) is left alone. How many rows."""
    query = select(_e.id).where(
        (_e.subject_id == subject_id)
        & (_e.observed_on <= observed_up_to)
        & _e.used_on.is_(None)
        & _e.origin.not_in(sorted(set(exclude_origins)) or [""])
    )
    return mark_used(session, session.execute(query).scalars().all(), used_on)


# Violations -----------------------------------------------------------------------------------------------


def add_violations(
    session: Session,
    inspection: InspectionRecord,
    *,
    carried_from: int | None,
    updated_by: str,
    now: datetime,
) -> list[ViolationRecord]:
    """A violation for each non-compliant answer of the revision; follow-up carried over from the revision
    it corrects (`carried_from`) for the same item; the deadline proposed on the item when none is."""
    earlier = {v.item: v for v in violations_of(session, [carried_from] if carried_from else [])}
    fresh: dict[str, Any] = {"deadline": None, "status": OPEN, "eliminated_on": None, "note": ""}
    fresh |= {"updated_by": updated_by, "updated_at": now}
    rows = []
    for answer in answers_of(session, inspection.id):
        if answer.answer != NON_COMPLIANT:
            continue
        before = earlier.get(answer.item)
        row = fresh if before is None else {key: getattr(before, key) for key in fresh}
        # The deadline the inspector proposed on the item, unless the follow-up carried over sets one.
        deadline = row["deadline"] or answer.deadline
        rows.append(
            {"inspection_id": inspection.id, "item": answer.item, "criterion": answer.criterion}
            | row
            | {"deadline": deadline}
        )
    if rows:
        session.execute(insert(InspectionViolation), rows)
    return violations_of(session, [inspection.id])


def violations_of(session: Session, ids: Iterable[int], *, by_id: bool = False) -> list[ViolationRecord]:
    """The violations of these inspections, or (`by_id`) the violations with these ids."""
    column = _v.id if by_id else _v.inspection_id
    found: list[ViolationRecord] = []
    for part in chunks(sorted(set(ids))):
        query = select(*_columns(_v, ViolationRecord)).where(column.in_(part))
        found.extend(_make(ViolationRecord, row) for row in session.execute(query.order_by(_v.id)))
    return found


# Re-inspection and planning -------------------------------------------------------------------------------


def _completed_current(session: Session, condition: ColumnElement[bool]) -> list[InspectionRecord]:
    return _inspections(session, condition & (_i.status == COMPLETED) & _i.superseded_by_id.is_(None))


def _order(record: InspectionRecord) -> tuple[date, int]:
    assert record.inspected_on is not None, "completed inspections have a date"
    return record.inspected_on, record.series_id


def earlier_inspections(session: Session, record: InspectionRecord) -> list[InspectionRecord]:
    """The completed current inspections of the subject on the same checklist before `record` (other series),
    the latest first; for a draft, all of them."""
    same = (_i.subject_id == record.subject_id) & (_i.appendix == record.appendix)
    others = [r for r in _completed_current(session, same) if r.series_id != record.series_id]
    if record.inspected_on is not None and record.status == COMPLETED:
        others = [r for r in others if _order(r) < _order(record)]
    return sorted(others, key=_order, reverse=True)


def visit_histories(session: Session, *, before: date | None = None) -> dict[int, VisitHistory]:
    """The last visit of each inspected subject, by subject id, for planning.

    The last visit is the latest completed inspection of any kind. "Violations eliminated in full" is
    read from the last preventive control with a visit: True when it found violations and all are
    eliminated, False when some are not, None when it found none; the accepted remediation reports of those
    violations (or of those they carry on) are their proof. With `before`, as it stood the day before that
    day: visits and eliminations from that day on are left out (a backtest's replay).
    """
    latest: dict[int, InspectionRecord] = {}
    preventive: dict[int, InspectionRecord] = {}
    condition = true() if before is None else _i.inspected_on < before
    for record in _completed_current(session, condition):
        if record.subject_id not in latest or _order(record) > _order(latest[record.subject_id]):
            latest[record.subject_id] = record
        known = preventive.get(record.subject_id)
        if record.kind == PREVENTIVE_CONTROL and (known is None or _order(record) > _order(known)):
            preventive[record.subject_id] = record
    found: defaultdict[int, list[ViolationRecord]] = defaultdict(list)
    for violation in violations_of(session, [r.id for r in preventive.values()]):
        found[violation.inspection_id].append(violation)
    owner = carriers(session, [v for vs in found.values() for v in vs])
    proof: defaultdict[int, list[int]] = defaultdict(list)
    for report in accepted_reports(session, list(owner)):
        if before is None or (report.reviewed_at is not None and report.reviewed_at.date() < before):
            proof[owner[report.violation_id]].append(report.id)
    histories: dict[int, VisitHistory] = {}
    for subject_id, last in latest.items():
        control = preventive.get(subject_id)
        violations = found[control.id] if control else []
        eliminated = all(_eliminated(v, before) for v in violations) if violations else None
        histories[subject_id] = VisitHistory(
            subject_id=str(subject_id),
            last_visit_on=last.inspected_on,
            last_visit_was_preventive_control=last.kind == PREVENTIVE_CONTROL,
            violations_of_last_preventive_control_eliminated_in_full=eliminated,
            remediation_reports=tuple(sorted(n for v in violations for n in proof[v.id]))
            if eliminated
            else (),
        )
    return histories


def _eliminated(violation: ViolationRecord, before: date | None) -> bool:
    if violation.status != ELIMINATED:
        return False
    return before is None or (violation.eliminated_on is not None and violation.eliminated_on < before)


def open_violations(session: Session, inspections: Iterable[InspectionRecord]) -> list[ViolationRecord]:
    return [v for v in violations_of(session, [r.id for r in inspections]) if v.status == OPEN]
