"""Semi-annual lists: store a draft, approve it, publish it, read lists back. Approved lists never change.

The rule is checked here (PlanFrozen, PlanNotApproved) and again in the database by the triggers of
migration 0002, so no other code path can change an approved or published list either.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, case, delete, insert, select, true, update
from sqlalchemy.orm import Session

from tekseru.message import Explained, tell
from tekseru.store._chunks import chunks
from tekseru.store.assessments import FINISHED, get_run, latest_run
from tekseru.store.models import Assessment, Subject
from tekseru.store.plan_models import APPROVED, DRAFT, PLAN_STATUSES, PUBLISHED, PlanList
from tekseru.store.records import AssessmentRun
from tekseru.store.turns import take_turns
from tekseru.store.versions import Conflict, StaleVersion, changed_one_row

__all__ = [
    "APPROVED",
    "DRAFT",
    "PLAN_STATUSES",
    "PUBLISHED",
    "PlanError",
    "PlanFrozen",
    "PlanNotApproved",
    "PlanNotFound",
    "PlanRecord",
    "SubjectCard",
    "add_plan",
    "approve_plan",
    "delete_draft",
    "finished_run",
    "get_plan",
    "list_plans",
    "lock_half_year",
    "previous_plan",
    "publish_plan",
    "replace_draft",
    "subject_cards",
]


# What a frozen list cannot be made to do, each with its message `refusal.plan.<action>`.
PLAN_ACTIONS = ("approve", "replace", "delete", "publish")


class PlanError(Explained, RuntimeError):
    """A list cannot be stored or changed as asked."""


class PlanNotFound(PlanError, LookupError):
    def __init__(self, plan_id: int) -> None:
        super().__init__(f"there is no plan {plan_id}")
        self.plan_id = plan_id
        self.message = tell("refusal.plan.not_found", plan=plan_id)


class PlanFrozen(PlanError):
    """The list is approved or published: it cannot change any more."""

    def __init__(self, plan_id: int, status: str, action: str) -> None:
        super().__init__(f"plan {plan_id} is {status} and cannot change: cannot {action} it")
        self.plan_id, self.status, self.action = plan_id, status, action
        said = {"plan": plan_id, "status": tell(f"plans.status.{status}")}
        if action in PLAN_ACTIONS:
            self.message = tell("refusal.plan.frozen", **said, action=tell(f"refusal.plan.{action}"))
        else:
            self.message = tell("refusal.plan.frozen_any", **said)


class PlanNotApproved(PlanError):
    """Only an approved list can be published."""

    def __init__(self, plan_id: int, status: str) -> None:
        super().__init__(
            f"plan {plan_id} is {status}: only an approved plan can be published; approve it first"
        )
        self.plan_id, self.status = plan_id, status
        self.message = tell("refusal.plan.not_approved", plan=plan_id, status=tell(f"plans.status.{status}"))


class PlanAlreadyApproved(PlanError):
    """Another list of the same half-year that covers a region this one covers is approved or published:
    for a half-year and a region, one list is in force (docs/planning.md)."""

    def __init__(self, plan_id: int, other: PlanRecord) -> None:
        super().__init__(
            f"plan {other.id} of {other.half_year} is {other.status} and covers the same regions: plan "
            f"{plan_id} cannot be approved as well"
        )
        self.plan_id, self.other_id = plan_id, other.id
        year, _, half = other.half_year.partition("-H")
        period = tell(f"half_year.{'first' if half == '1' else 'second'}", year=year)
        self.message = tell(
            "polish.plan.already_approved",
            plan=plan_id,
            other=other.id,
            status=tell(f"plans.status.{other.status}"),
            half_year=period,
        )


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """A stored list; `plan` is `Plan.to_dict()` as stored, `capacity` the region keys' visits."""

    id: int
    half_year: str
    as_of: date
    assessment_id: uuid.UUID
    edition_id: str
    status: str
    plan: dict[str, Any]
    capacity: dict[str, Any]
    created_by: str
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    published_by: str | None
    published_at: datetime | None
    previous_plan_id: int | None
    version: int = 1  # raised by each change; a change names the version it read


@dataclass(frozen=True, slots=True)
class SubjectCard:
    """What a list row shows of a subject: its BIN, name, region key and address."""

    id: int
    bin: str
    name: str
    region: str
    address: str


_p = PlanList
_COLUMNS = (
    _p.id,
    _p.half_year,
    _p.as_of,
    _p.assessment_id,
    _p.edition_id,
    _p.status,
    _p.plan,
    _p.capacity,
    _p.created_by,
    _p.created_at,
    _p.approved_by,
    _p.approved_at,
    _p.published_by,
    _p.published_at,
    _p.previous_plan_id,
    _p.version,
)


def _record(row: Row[Any]) -> PlanRecord:
    return PlanRecord(**row._asdict())


def add_plan(
    session: Session,
    *,
    half_year: str,
    as_of: date,
    assessment_id: uuid.UUID,
    edition_id: str,
    plan: Mapping[str, Any],
    capacity: Mapping[str, int],
    created_by: str,
    now: datetime,
    previous_plan_id: int | None = None,
) -> PlanRecord:
    """Store a new draft list and return it."""
    values = {
        "half_year": half_year,
        "as_of": as_of,
        "assessment_id": assessment_id,
        "edition_id": edition_id,
        "status": DRAFT,
        "plan": dict(plan),
        "capacity": dict(capacity),
        "created_by": created_by,
        "created_at": now,
        "previous_plan_id": previous_plan_id,
    }
    plan_id = session.execute(insert(PlanList).values(**values).returning(_p.id)).scalar_one()
    return _get_or_raise(session, plan_id)


def get_plan(session: Session, plan_id: int, *, for_update: bool = False) -> PlanRecord | None:
    query = select(*_COLUMNS).where(_p.id == plan_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return None if row is None else _record(row)


def _get_or_raise(session: Session, plan_id: int, *, for_update: bool = False) -> PlanRecord:
    record = get_plan(session, plan_id, for_update=for_update)
    if record is None:
        raise PlanNotFound(plan_id)
    return record


def list_plans(
    session: Session, *, half_year: str | None = None, status: str | None = None, limit: int = 100
) -> list[PlanRecord]:
    """Stored lists, the newest first, optionally of one half-year and/or status."""
    condition: ColumnElement[bool] = true()
    if half_year is not None:
        condition = condition & (_p.half_year == half_year)
    if status is not None:
        condition = condition & (_p.status == status)
    query = select(*_COLUMNS).where(condition).order_by(_p.id.desc()).limit(limit)
    return [_record(row) for row in session.execute(query)]


def previous_plan(session: Session, half_year: str, previous_half_year: str) -> PlanRecord | None:
    """What a new draft of `half_year` is compared with: the latest approved or published list of the same
    half-year; else the last list of `previous_half_year`, approved or published ones before drafts."""
    same = select(*_COLUMNS).where((_p.half_year == half_year) & (_p.status != DRAFT))
    row = session.execute(same.order_by(_p.id.desc()).limit(1)).first()
    if row is None:
        decided = case((_p.status == DRAFT, 1), else_=0)
        before = select(*_COLUMNS).where(_p.half_year == previous_half_year)
        row = session.execute(before.order_by(decided, _p.id.desc()).limit(1)).first()
    return None if row is None else _record(row)


def _conflict(record: PlanRecord, expected: int, action: str) -> StaleVersion:
    """The list was changed (approved, published) since the writer read it at version `expected`."""
    signed = ((record.published_by, record.published_at), (record.approved_by, record.approved_at))
    by, at = next(((by, at) for by, at in signed if by), (record.created_by, record.created_at))
    return StaleVersion(
        [
            Conflict(
                kind="plan",
                key=record.id,
                expected=expected,
                stored_version=record.version,
                stored={"status": record.status},
                given={"action": action},
                changed_by=by,
                changed_at=at,
            )
        ]
    )


def _locked(session: Session, plan_id: int, expected: int | None, action: str) -> PlanRecord:
    """The list, locked for the change; StaleVersion when `expected` is not its version any more."""
    record = _get_or_raise(session, plan_id, for_update=True)
    if expected is not None and record.version != expected:
        raise _conflict(record, expected, action)
    return record


def _change(
    session: Session, record: PlanRecord, expected: int | None, action: str, **values: object
) -> PlanRecord:
    """Write the change where the list's version is still the one read (compare and set in the database)."""
    statement = update(PlanList).where((_p.id == record.id) & (_p.version == (expected or record.version)))
    if not changed_one_row(session, statement.values(**values, version=_p.version + 1)):
        raise _conflict(_get_or_raise(session, record.id), expected or record.version, action)
    return _get_or_raise(session, record.id)


def _draft_or_raise(session: Session, plan_id: int, action: str, expected: int | None = None) -> PlanRecord:
    record = _locked(session, plan_id, expected, action)
    if record.status != DRAFT:
        raise PlanFrozen(plan_id, record.status, action)
    return record


def lock_half_year(session: Session, half_year: str) -> None:
    """Hold the lists of `half_year` still until the transaction ends, so that two planners approving (or
    drafting) lists of one half-year at the same time take turns: the second then sees what the first
    stored. On PostgreSQL a transaction-level advisory lock on the half-year (another list's row lock would
    not stop a list approved beside it); SQLite's transactions hold the database's write lock already."""
    take_turns(session, f"plan_lists.{half_year}")


def approve_plan(
    session: Session, plan_id: int, *, approved_by: str, now: datetime, expected_version: int | None = None
) -> PlanRecord:
    """Approve a draft; PlanFrozen when it is approved or published already; StaleVersion when
    `expected_version` (the version the approver read) is not the stored one; PlanAlreadyApproved when
    another list of the half-year covering one of its regions is approved or published (even by another
    planner at the same moment: `lock_half_year`)."""
    lock_half_year(session, _get_or_raise(session, plan_id).half_year)
    record = _draft_or_raise(session, plan_id, "approve", expected_version)
    in_force = select(*_COLUMNS).where(
        (_p.half_year == record.half_year) & (_p.status != DRAFT) & (_p.id != plan_id)
    )
    for row in session.execute(in_force.order_by(_p.id)):
        other = _record(row)
        if _overlap(plan_regions(record), plan_regions(other)):
            raise PlanAlreadyApproved(plan_id, other)
    values = {"status": APPROVED, "approved_by": approved_by, "approved_at": now}
    return _change(session, record, expected_version, "approve", **values)


def plan_regions(record: PlanRecord) -> frozenset[str]:
    """The regions a list covers: those of its rows and of its capacity (none known: every region)."""
    rows = [*record.plan.get("included", ()), *record.plan.get("overflow", ())]
    found = {str(row.get("region")) for row in rows if isinstance(row, Mapping) and row.get("region")}
    return frozenset(found | {str(key) for key in record.capacity})


def _overlap(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    return not mine or not theirs or bool(mine & theirs)


def latest_draft(session: Session, half_year: str) -> PlanRecord | None:
    """The newest draft of `half_year`, which a new draft of the same half-year replaces."""
    query = select(*_COLUMNS).where((_p.half_year == half_year) & (_p.status == DRAFT))
    row = session.execute(query.order_by(_p.id.desc()).limit(1)).first()
    return None if row is None else _record(row)


def redraft(session: Session, plan_id: int, **values: Any) -> PlanRecord:
    """Put a newly formed list (the columns `add_plan` writes, but `half_year`) in place of draft `plan_id`:
    same number, next version; PlanFrozen when it is approved or published by now."""
    return _change(session, _draft_or_raise(session, plan_id, "replace"), None, "replace", **values)


def publish_plan(
    session: Session, plan_id: int, *, published_by: str, now: datetime, expected_version: int | None = None
) -> PlanRecord:
    """Publish an approved list; PlanNotApproved for a draft, PlanFrozen when published already;
    StaleVersion when `expected_version` is not the stored one."""
    record = _locked(session, plan_id, expected_version, "publish")
    if record.status == DRAFT:
        raise PlanNotApproved(plan_id, record.status)
    if record.status == PUBLISHED:
        raise PlanFrozen(plan_id, record.status, "publish")
    values = {"status": PUBLISHED, "published_by": published_by, "published_at": now}
    return _change(session, record, expected_version, "publish", **values)


def replace_draft(
    session: Session, plan_id: int, *, plan: Mapping[str, Any], capacity: Mapping[str, int]
) -> PlanRecord:
    """Put a re-formed list in place of a draft's; PlanFrozen when the list is approved or published."""
    record = _draft_or_raise(session, plan_id, "replace")
    return _change(session, record, None, "replace", plan=dict(plan), capacity=dict(capacity))


def delete_draft(session: Session, plan_id: int, *, expected_version: int | None = None) -> None:
    """Delete a draft nothing refers to; PlanFrozen when the list is approved or published; StaleVersion
    when `expected_version` is not the stored one."""
    record = _draft_or_raise(session, plan_id, "delete", expected_version)
    referred = select(_p.id).where(_p.previous_plan_id == plan_id).limit(1)
    if session.execute(referred).first() is not None:
        raise PlanError(f"plan {plan_id} is the previous list of a later plan and cannot be deleted").saying(
            "refusal.plan.has_successor", plan=plan_id
        )
    statement = delete(PlanList).where((_p.id == plan_id) & (_p.version == record.version))
    if not changed_one_row(session, statement):
        raise _conflict(_get_or_raise(session, plan_id), record.version, "delete")


def finished_run(session: Session, as_of: date | None = None) -> AssessmentRun | None:
    """The latest finished assessment run; with `as_of`, the one with the latest `as_of` on or before the
    day (of those, the latest started)."""
    if as_of is None:
        return latest_run(session)
    query = (
        select(Assessment.id)
        .where((Assessment.status == FINISHED) & (Assessment.as_of <= as_of))
        .order_by(Assessment.as_of.desc(), Assessment.started_at.desc())
        .limit(1)
    )
    run_id = session.execute(query).scalar_one_or_none()
    return None if run_id is None else get_run(session, run_id)


def subject_cards(session: Session, subject_ids: Iterable[int]) -> dict[int, SubjectCard]:
    """The subjects with these ids that exist, by id."""
    found: dict[int, SubjectCard] = {}
    columns = (Subject.id, Subject.bin, Subject.name, Subject.region, Subject.address)
    for part in chunks(sorted(set(subject_ids))):
        for row in session.execute(select(*columns).where(Subject.id.in_(part))):
            found[row.id] = SubjectCard(*row)
    return found
