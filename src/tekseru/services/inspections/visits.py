"""What the connected workflow shows (docs/web.md, "From the list to the visit"): an inspection series with
its number, state and inspectors; a list row with its visit or the reason it has none; a list's fulfilment;
an inspector's visits. Built inside a use case's transaction (`tekseru.services.inspections.workflow`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tekseru.planning import PlanRow
from tekseru.services.inspections.rules import violation_status
from tekseru.services.plans.stored import StoredPlan
from tekseru.store import SubjectRecord
from tekseru.store.inspections import InspectionRecord, ViolationRecord, violations_of
from tekseru.store.subjects import get_subject
from tekseru.store.workflow import (
    OriginRecord,
    RowReasonRecord,
    assignments_of,
    origins_of,
    series_revisions,
)

# What a list row's visit stands at: done (a completed inspection), started (a draft), reason (a planner
# recorded why it will not be inspected), open (nothing yet).
DONE, STARTED, REASON, OPEN = "done", "started", "reason", "open"


@dataclass(frozen=True)
class Visit:
    """One inspection (all its revisions): its number, where it came from, its latest revision, its current
    completed revision (None before completion), its subject, the inspectors assigned and what it found."""

    series_id: int
    origin: OriginRecord | None
    latest: InspectionRecord
    completed: InspectionRecord | None
    subject: SubjectRecord
    assigned: tuple[str, ...]
    violations: tuple[ViolationRecord, ...]

    @property
    def number(self) -> str:
        return self.origin.number if self.origin else ""

    @property
    def id(self) -> int:
        """The revision to open: the latest one."""
        return self.latest.id

    @property
    def done(self) -> bool:
        return self.completed is not None

    @property
    def status(self) -> str:
        return self.latest.status

    @property
    def inspected_on(self) -> date | None:
        return self.completed.inspected_on if self.completed else None

    def overdue(self, today: date) -> tuple[ViolationRecord, ...]:
        return tuple(v for v in self.violations if violation_status(v, today) == "overdue")


def visits(session: Session, series_ids: Iterable[int]) -> list[Visit]:
    """The inspections with these first-revision ids, by id."""
    wanted = sorted(set(series_ids))
    revisions = series_revisions(session, wanted)
    origins, assigned = origins_of(session, wanted), assignments_of(session, wanted)
    completed = {
        series: next(
            (r for r in reversed(found) if r.status == "completed" and r.superseded_by_id is None), None
        )
        for series, found in revisions.items()
    }
    found_by = {r.id: r.series_id for r in completed.values() if r is not None}
    violations: dict[int, list[ViolationRecord]] = {}
    for violation in violations_of(session, found_by):
        violations.setdefault(found_by[violation.inspection_id], []).append(violation)
    subjects: dict[int, SubjectRecord | None] = {}
    result = []
    for series in wanted:
        if series not in revisions:
            continue
        latest = max(revisions[series], key=lambda record: record.revision)
        if latest.subject_id not in subjects:
            subjects[latest.subject_id] = get_subject(session, latest.subject_id)
        subject = subjects[latest.subject_id]
        assert subject is not None, "an inspection's subject is never deleted"
        names = tuple(a.username for a in assigned.get(series, []))
        result.append(
            Visit(
                series,
                origins.get(series),
                latest,
                completed[series],
                subject,
                names,
                tuple(violations.get(series, [])),
            )
        )
    return result


@dataclass(frozen=True)
class RowProgress:
    """A row of a list: its visit (None before one is started) or the reason recorded for it."""

    row: PlanRow
    visit: Visit | None
    reason: RowReasonRecord | None

    @property
    def state(self) -> str:
        if self.visit is not None and self.visit.done:
            return DONE
        if self.reason is not None:
            return REASON
        return STARTED if self.visit is not None else OPEN


@dataclass(frozen=True)
class PlanProgress:
    """A list row by row with its visits; fulfilled when every row is done or has a recorded reason."""

    plan: StoredPlan
    rows: tuple[RowProgress, ...]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    @property
    def fulfilled(self) -> bool:
        return all(row.state in (DONE, REASON) for row in self.rows)

    def row(self, rank: int) -> RowProgress | None:
        return next((one for one in self.rows if one.row.rank == rank), None)


@dataclass(frozen=True)
class VisitGroup:
    """Assigned visits planned in one month (None: no planned date) with one status."""

    month: date | None
    status: str
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class MyVisits:
    """An inspector's home page: assigned visits by planned month and status, the overdue follow-ups of
    those visits, and the drafts (assigned or recorded by the inspector) waiting to be completed."""

    groups: tuple[VisitGroup, ...]
    overdue: tuple[tuple[Visit, ViolationRecord], ...]
    drafts: tuple[Visit, ...]

    @property
    def empty(self) -> bool:
        return not (self.groups or self.overdue or self.drafts)


def group_visits(found: Iterable[Visit]) -> tuple[VisitGroup, ...]:
    by_key: dict[tuple[date | None, str], list[Visit]] = {}
    for visit in found:
        planned = visit.latest.planned_on
        month = None if planned is None else planned.replace(day=1)
        by_key.setdefault((month, visit.status), []).append(visit)
    order = sorted(by_key, key=lambda key: (key[0] is None, key[0] or date.min, key[1] != "draft"))
    return tuple(VisitGroup(month, status, tuple(by_key[(month, status)])) for month, status in order)


@dataclass(frozen=True)
class PlannedVisit:
    """A row of an approved or published list that names the subject, with its visit if started."""

    plan_id: int
    half_year: str
    plan_status: str
    progress: RowProgress

    @property
    def row(self) -> PlanRow:
        return self.progress.row

    @property
    def visit(self) -> Visit | None:
        return self.progress.visit


@dataclass(frozen=True)
class SubjectVisits:
    """A subject card's visits: the list rows that plan one, and every inspection of the subject."""

    planned: tuple[PlannedVisit, ...]
    past: tuple[Visit, ...]
