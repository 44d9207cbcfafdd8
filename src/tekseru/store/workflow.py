"""Where an inspection came from, its number, who is assigned to it, and why a list row is not inspected
(the tables of `tekseru.store.workflow_models`, migration 0013)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tekseru.store._chunks import chunks
from tekseru.store.inspection_models import Inspection, InspectionRecord
from tekseru.store.workflow_models import (
    AssignmentRecord,
    InspectionAssignment,
    InspectionCounter,
    InspectionOrigin,
    OriginRecord,
    PlanRowReason,
    RowReasonRecord,
)

__all__ = [
    "AssignmentRecord",
    "OriginRecord",
    "RowReasonRecord",
    "add_origin",
    "assigned_inspections",
    "assignments_of",
    "drafts_recorded_by",
    "inspection_number",
    "next_sequence",
    "origin_of_row",
    "origins_of",
    "origins_of_plan",
    "row_reasons",
    "series_revisions",
    "set_assignments",
    "set_row_reason",
    "subject_series",
]


def inspection_number(region_code: str, year: int, sequence: int) -> str:
    """The printed number of an inspection: the region's code, year, sequence ("63-2027-0001")."""
    return f"{region_code}-{year}-{sequence:04d}"


def next_sequence(session: Session, region: str, year: int) -> int:
    """The next sequence of the region and year, taken by one atomic upsert (the row stays locked until
    the transaction ends on PostgreSQL; SQLite's transactions write one at a time)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = InspectionCounter.__table__
    statement = (
        dialect.insert(table)
        .values(region=region, year=year, last=1)
        .on_conflict_do_update(index_elements=["region", "year"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    return int(session.execute(statement).scalar_one())


def add_origin(
    session: Session,
    inspection_id: int,
    *,
    region: str,
    region_code: str,
    year: int,
    plan_id: int | None = None,
    plan_rank: int | None = None,
    reason: str | None = None,
    now: datetime,
) -> OriginRecord:
    """Number the inspection (the next sequence of its region and year, printed after the region's code) and
    record where it came from."""
    sequence = next_sequence(session, region, year)
    record = OriginRecord(
        inspection_id,
        inspection_number(region_code, year, sequence),
        region,
        year,
        sequence,
        plan_id,
        plan_rank,
        reason,
        now,
    )
    session.execute(insert(InspectionOrigin).values(**asdict(record)))
    return record


def _origin(row: InspectionOrigin) -> OriginRecord:
    return OriginRecord(
        row.inspection_id,
        row.number,
        row.region,
        row.year,
        row.sequence,
        row.plan_id,
        row.plan_rank,
        row.reason,
        row.created_at,
    )


def origins_of(session: Session, series_ids: Iterable[int]) -> dict[int, OriginRecord]:
    """The origins of these inspections (ids of their first revisions), by id."""
    found: dict[int, OriginRecord] = {}
    for part in chunks(sorted(set(series_ids))):
        query = select(InspectionOrigin).where(InspectionOrigin.inspection_id.in_(part))
        found.update((row.inspection_id, _origin(row)) for row in session.scalars(query))
    return found


def origins_of_plan(session: Session, plan_id: int) -> dict[int, OriginRecord]:
    """The inspections started from the list's rows, by the row's rank."""
    query = select(InspectionOrigin).where(InspectionOrigin.plan_id == plan_id)
    return {row.plan_rank: _origin(row) for row in session.scalars(query) if row.plan_rank is not None}


def origin_of_row(session: Session, plan_id: int, rank: int) -> OriginRecord | None:
    query = select(InspectionOrigin).where(
        InspectionOrigin.plan_id == plan_id, InspectionOrigin.plan_rank == rank
    )
    row = session.scalars(query).first()
    return None if row is None else _origin(row)


def set_assignments(
    session: Session, inspection_id: int, usernames: Sequence[str], *, by: str, now: datetime
) -> tuple[list[str], list[str]]:
    """Make these users the ones assigned to the inspection; (added, removed) usernames."""
    current = {a.username for a in assignments_of(session, [inspection_id]).get(inspection_id, [])}
    wanted = set(usernames)
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if removed:
        session.execute(
            delete(InspectionAssignment).where(
                InspectionAssignment.inspection_id == inspection_id,
                InspectionAssignment.username.in_(removed),
            )
        )
    if added:
        rows = [
            {"inspection_id": inspection_id, "username": name, "assigned_by": by, "assigned_at": now}
            for name in added
        ]
        session.execute(insert(InspectionAssignment), rows)
    return added, removed


def assignments_of(session: Session, series_ids: Iterable[int]) -> dict[int, list[AssignmentRecord]]:
    """The users assigned to these inspections, by inspection id, in the order of their names."""
    found: dict[int, list[AssignmentRecord]] = {}
    for part in chunks(sorted(set(series_ids))):
        query = (
            select(InspectionAssignment)
            .where(InspectionAssignment.inspection_id.in_(part))
            .order_by(InspectionAssignment.username)
        )
        for row in session.scalars(query):
            record = AssignmentRecord(row.inspection_id, row.username, row.assigned_by, row.assigned_at)
            found.setdefault(row.inspection_id, []).append(record)
    return found


def assigned_inspections(session: Session, username: str) -> list[int]:
    """The inspections (first revisions) the user is assigned to."""
    query = (
        select(InspectionAssignment.inspection_id)
        .where(func.lower(InspectionAssignment.username) == username.lower())
        .order_by(InspectionAssignment.inspection_id)
    )
    return list(session.scalars(query))


def set_row_reason(
    session: Session, plan_id: int, rank: int, reason: str, *, by: str, now: datetime
) -> RowReasonRecord | None:
    """Record (or with an empty reason, remove) why the row will not be inspected; the earlier one."""
    earlier = row_reasons(session, plan_id).get(rank)
    session.execute(delete(PlanRowReason).where(PlanRowReason.plan_id == plan_id, PlanRowReason.rank == rank))
    if reason:
        values = {"plan_id": plan_id, "rank": rank, "reason": reason, "recorded_by": by, "recorded_at": now}
        session.execute(insert(PlanRowReason).values(**values))
    return earlier


def row_reasons(session: Session, plan_id: int) -> dict[int, RowReasonRecord]:
    """The recorded reasons of the list's rows, by rank."""
    query = select(PlanRowReason).where(PlanRowReason.plan_id == plan_id)
    return {
        row.rank: RowReasonRecord(row.plan_id, row.rank, row.reason, row.recorded_by, row.recorded_at)
        for row in session.scalars(query)
    }


def series_revisions(session: Session, series_ids: Iterable[int]) -> dict[int, list[InspectionRecord]]:
    """Every revision of these inspections (ids of their first revisions), the first first, by series."""
    columns = [Inspection.__table__.c[f.name] for f in fields(InspectionRecord)]
    found: dict[int, list[InspectionRecord]] = {}
    for part in chunks(sorted(set(series_ids))):
        condition = Inspection.id.in_(part) | Inspection.first_revision_id.in_(part)
        for row in session.execute(select(*columns).where(condition).order_by(Inspection.id)):
            values = row._asdict()
            values.update(group_keys=tuple(values["group_keys"]), inspectors=tuple(values["inspectors"]))
            record = InspectionRecord(**values)
            found.setdefault(record.series_id, []).append(record)
    return found


def subject_series(session: Session, subject_id: int) -> list[int]:
    """The inspections (first revisions) of the subject, by id."""
    query = select(Inspection.id).where(
        Inspection.subject_id == subject_id, Inspection.first_revision_id.is_(None)
    )
    return list(session.scalars(query.order_by(Inspection.id)))


def drafts_recorded_by(session: Session, username: str) -> list[int]:
    """The inspections (first revisions) with a draft revision the user recorded."""
    query = select(Inspection.id, Inspection.first_revision_id).where(
        Inspection.status == "draft", Inspection.created_by == username
    )
    return sorted({first or own for own, first in session.execute(query)})
