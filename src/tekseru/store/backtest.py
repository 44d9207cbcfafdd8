"""What a backtest reads besides the registry: the visits made in a period and the violations they found."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tekseru.store.inspection_models import COMPLETED, Inspection, InspectionViolation
from tekseru.store.models import Subject


@dataclass(frozen=True)
class VisitRecord:
    """A completed, current inspection: its subject, day, edition and the criteria of its violations
    (None for a violated item linked to no criterion)."""

    inspection_id: int
    subject_id: int
    region: str
    visited_on: date
    edition_id: str
    kind: str
    violations: tuple[int | None, ...]


def visits_between(session: Session, start: date, end: date) -> list[VisitRecord]:
    """The completed current inspections with a visit day in [start, end], by day then id."""
    inspection, subject = Inspection.__table__.c, Subject.__table__.c
    query = (
        select(
            inspection.id,
            inspection.subject_id,
            subject.region,
            inspection.inspected_on,
            inspection.edition_id,
            inspection.kind,
        )
        .join(Subject, subject.id == inspection.subject_id)
        .where(
            (inspection.status == COMPLETED)
            & inspection.superseded_by_id.is_(None)
            & (inspection.inspected_on >= start)
            & (inspection.inspected_on <= end)
        )
        .order_by(inspection.inspected_on, inspection.id)
    )
    rows = session.execute(query).all()
    found: defaultdict[int, list[int | None]] = defaultdict(list)
    violation = InspectionViolation.__table__.c
    if rows:
        ids = select(inspection.id).where(
            (inspection.status == COMPLETED)
            & (inspection.inspected_on >= start)
            & (inspection.inspected_on <= end)
        )
        query_violations = select(violation.inspection_id, violation.criterion).where(
            violation.inspection_id.in_(ids)
        )
        for inspection_id, criterion in session.execute(query_violations.order_by(violation.id)):
            found[inspection_id].append(criterion)
    return [VisitRecord(row[0], row[1], row[2], row[3], row[4], row[5], tuple(found[row[0]])) for row in rows]
