"""From the list to the visit (docs/web.md, "From the list to the visit"): start the inspection of a list
row, assign inspectors to an inspection, record why a row will not be inspected; read a list's fulfilment,
an inspector's visits and a subject's planned and past visits. Each use case takes the `Actor` and checks
the permission first; each change is audited in its own transaction.

Who may do what: starting a row's inspection needs the right to record inspections in the row's region
(an inspector: its own region) and to read the list; assigning inspectors and recording a row's reason are
a planner's (`plans.write`); the readings follow the lists' and inspections' rules of reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.message import RegionName
from tekseru.planning import PlanRow
from tekseru.services import audit, notices
from tekseru.services.inspections.access import READ, WRITE, changing, region_of
from tekseru.services.inspections.recording import record_new
from tekseru.services.inspections.rules import PREVENTIVE_CONTROL, InspectionHeader, subject_of
from tekseru.services.inspections.visits import (
    DONE,
    MyVisits,
    PlannedVisit,
    PlanProgress,
    RowProgress,
    SubjectVisits,
    Visit,
    group_visits,
    visits,
)
from tekseru.services.permissions import Actor, Permission, Role
from tekseru.services.plans import drafting
from tekseru.services.plans.stored import StoredPlan, stored, visible_plan
from tekseru.store import Database
from tekseru.store.accounts import find_user, user_records
from tekseru.store.inspections import InspectionError, InspectionRecord, get_or_raise
from tekseru.store.plans import APPROVED, PUBLISHED
from tekseru.store.subject_card import subject_plans
from tekseru.store.workflow import (
    assigned_inspections,
    drafts_recorded_by,
    origin_of_row,
    origins_of_plan,
    row_reasons,
    set_assignments,
    set_row_reason,
    subject_series,
)

MAX_ROW_REASON = 500
PLAN_ENTITY = "plan"


# Starting from a list row ---------------------------------------------------------------------------------


def _frozen_row(session: Session, actor: Actor, plan_id: int, rank: int) -> tuple[StoredPlan, PlanRow]:
    """The row of an approved or published list the actor may read; InspectionError otherwise."""
    plan = visible_plan(actor, drafting.read(session, plan_id))
    if plan.record.status not in (APPROVED, PUBLISHED):
        refused = InspectionError(f"list {plan_id} is a draft: approve it before starting its inspections")
        raise refused.saying("refusal.workflow.plan_draft", plan=plan_id)
    row = next((row for row in plan.plan.included if row.rank == rank), None)
    if row is None:
        refused = InspectionError(f"list {plan_id} has no row {rank}")
        raise refused.saying("refusal.workflow.no_row", plan=plan_id, rank=rank)
    return plan, row


def planned_header(plan: StoredPlan, row: PlanRow, header: InspectionHeader) -> InspectionHeader:
    """The header of a row's inspection: preventive control with a visit, planned for the first day of the
    row's month unless the header says otherwise."""
    planned_on = header.planned_on
    if planned_on is None and row.planned_month is not None:
        planned_on = date(plan.plan.half_year.year, row.planned_month, 1)
    return replace(header, planned_on=planned_on)


def start_inspection(
    db: Database,
    actor: Actor,
    plan_id: int,
    rank: int,
    header: InspectionHeader,
    *,
    appendix: int | None = None,
    now: datetime | None = None,
    catalogue: Catalogue,
) -> InspectionRecord:
    """Record the draft inspection of the row `rank` of an approved or published list: numbered, keeping
    the list and row it came from; one per row (InspectionError for a row started already). Audited as
    `inspection.create` with its number, list and row."""
    actor.require(WRITE)
    actor.require(Permission.READ_PLANS)
    with db.transaction() as session:
        plan, row = _frozen_row(session, actor, plan_id, rank)
        actor.require(WRITE, row.region)
        started = origin_of_row(session, plan_id, rank)
        if started is not None:
            refused = InspectionError(f"row {rank} of list {plan_id} has inspection {started.number}")
            raise refused.saying(
                "refusal.workflow.row_started", plan=plan_id, rank=rank, number=started.number
            )
        subject = subject_of(session, row.bin)
        return record_new(
            session,
            actor,
            subject,
            planned_header(plan, row, header),
            appendix,
            now,
            catalogue,
            plan_id=plan_id,
            plan_rank=rank,
        )


def default_header(actor: Actor, today: date) -> InspectionHeader:
    """What a new visit's form starts with: preventive control, dated today, by the actor."""
    return InspectionHeader(PREVENTIVE_CONTROL, "", today, (actor.full_name or actor.username,))


# Assigning inspectors -------------------------------------------------------------------------------------


def assignable_inspectors(db: Database, actor: Actor, inspection_id: int) -> list[tuple[str, str]]:
    """(username, full name) of the active inspectors of the inspection's region, for a planner."""
    actor.require(Permission.WRITE_PLANS)
    with db.transaction() as session:
        region = region_of(session, inspection_id)
        users = user_records(session)
    return [
        (user.username, user.full_name)
        for user in sorted(users, key=lambda user: user.username)
        if user.active and user.role == Role.INSPECTOR and user.region == region
    ]


def assign_inspectors(
    db: Database,
    actor: Actor,
    inspection_id: int,
    usernames: Sequence[str],
    *,
    catalogue: Catalogue,
    now: datetime | None = None,
) -> tuple[str, ...]:
    """Make these users (active inspectors of the inspection's region) the ones assigned to the inspection;
    the usernames assigned now. A planner's; audited as `inspection.assign` with who was added and removed."""
    actor.require(Permission.WRITE_PLANS)
    wanted = tuple(dict.fromkeys(name.strip() for name in usernames if name.strip()))
    with changing(db, actor, inspection_id, "inspection.assign", now) as change:
        session = change.session
        series = get_or_raise(session, inspection_id).series_id
        region = region_of(session, inspection_id)
        for name in wanted:
            user = find_user(session, name)
            if user is None or not user.active or user.role != Role.INSPECTOR or user.region != region:
                refused = InspectionError(f"{name} is not an active inspector of region {region}")
                raise refused.saying("refusal.workflow.not_inspector", user=name, region=RegionName(region))
        stamp = now or datetime.now(UTC)
        added, removed = set_assignments(session, series, wanted, by=actor.username, now=stamp)
        change.after = {"inspectors": sorted(wanted), "added": added, "removed": removed}
        for name in added:  # told by e-mail, stored with the assignment (sent later by the outbox)
            assigned = find_user(session, name)
            notices.notify_inspector_assigned(
                session,
                inspection_id=inspection_id,
                username=name,
                regions=catalogue.regions,
                full_name=assigned.full_name if assigned is not None else "",
                now=stamp,
            )
    return tuple(sorted(wanted))


# Rows that will not be inspected --------------------------------------------------------------------------


def record_row_reason(
    db: Database, actor: Actor, plan_id: int, rank: int, reason: str, *, now: datetime | None = None
) -> None:
    """Record why the row of an approved or published list will not be inspected (an empty reason removes
    it); InspectionError for a row already inspected or a reason over MAX_ROW_REASON characters. A
    planner's; audited as `plan.row_reason` of the list."""
    actor.require(Permission.WRITE_PLANS)
    text = " ".join(reason.split())
    if len(text) > MAX_ROW_REASON:
        refused = InspectionError(f"a reason has at most {MAX_ROW_REASON} characters")
        raise refused.saying("refusal.workflow.reason_long", limit=MAX_ROW_REASON)
    with db.transaction() as session:
        _, row = _frozen_row(session, actor, plan_id, rank)
        started = origin_of_row(session, plan_id, rank)
        if started is not None and any(v.done for v in visits(session, [started.inspection_id])):
            refused = InspectionError(f"row {rank} of list {plan_id} was inspected: {started.number}")
            raise refused.saying("refusal.workflow.row_done", rank=rank, number=started.number)
        stamp = now or datetime.now(UTC)
        earlier = set_row_reason(session, plan_id, rank, text, by=actor.username, now=stamp)
        before = {"rank": rank, "reason": earlier.reason if earlier else None}
        after = {"rank": rank, "bin": row.bin, "reason": text or None}
        audit.record(
            session,
            actor,
            "plan.row_reason",
            PLAN_ENTITY,
            plan_id,
            region=row.region,
            before=before,
            after=after,
        )


# Reading --------------------------------------------------------------------------------------------------


def _progress(session: Session, plan: StoredPlan) -> PlanProgress:
    origins, reasons = origins_of_plan(session, plan.id), row_reasons(session, plan.id)
    # The visits of the rows shown only (an inspector's scoped list, a card's row): each is read alone.
    started = [origins[row.rank].inspection_id for row in plan.plan.included if row.rank in origins]
    found = {visit.series_id: visit for visit in visits(session, started)}
    rows = []
    for row in plan.plan.included:
        origin = origins.get(row.rank)
        rows.append(
            RowProgress(
                row, None if origin is None else found.get(origin.inspection_id), reasons.get(row.rank)
            )
        )
    return PlanProgress(plan, tuple(rows))


def plan_progress(db: Database, actor: Actor, plan_id: int) -> PlanProgress:
    """The list (as the actor may read it) row by row with each row's visit or reason, and whether it is
    fulfilled; PlanNotFound."""
    actor.require(Permission.READ_PLANS)
    with db.transaction() as session:
        plan = visible_plan(actor, drafting.read(session, plan_id))
        return _progress(session, plan)


def inspection_visit(db: Database, actor: Actor, inspection_id: int) -> Visit:
    """The inspection (any revision) as the workflow shows it: number, list row, inspectors assigned."""
    actor.require(READ)
    with db.transaction() as session:
        actor.require(READ, region_of(session, inspection_id))
        series = get_or_raise(session, inspection_id).series_id
        return visits(session, [series])[0]


def my_visits(db: Database, actor: Actor, *, today: date) -> MyVisits:
    """The actor's visits: those assigned to it by planned month and status, their overdue follow-ups, and
    the drafts assigned to it or recorded by it (of its region)."""
    actor.require(READ)
    day = today
    with db.transaction() as session:
        assigned = visits(session, assigned_inspections(session, actor.username))
        own = drafts_recorded_by(session, actor.username)
        drafts = [v for v in visits(session, own) if v.series_id not in {a.series_id for a in assigned}]
    scope = actor.region_scope
    assigned = [v for v in assigned if scope is None or v.subject.region == scope]
    waiting = [
        v for v in assigned + drafts if v.status == "draft" and (scope is None or v.subject.region == scope)
    ]
    overdue = tuple((v, violation) for v in assigned for violation in v.overdue(day))
    return MyVisits(group_visits(assigned), overdue, tuple(sorted(waiting, key=lambda v: v.series_id)))


def subject_visits(db: Database, actor: Actor, bin: str) -> SubjectVisits:
    """The subject's planned visits (rows of the approved and published lists the actor may read) and its
    inspections (when the actor may read them); SubjectNotFound."""
    actor.require(Permission.READ_REGISTRY)
    # Only reads (every subject card asks): a reading transaction, which on SQLite takes no write lock, so
    # a card waits for no writer and holds up none.
    with db.reading() as session:
        subject = subject_of(session, bin)
        actor.require(Permission.READ_REGISTRY, subject.region)
        return visits_in_session(session, actor, subject.id, subject.bin, subject.region)


def readable_plan_statuses(actor: Actor) -> list[str]:
    """The statuses of the lists whose planned visits the actor sees on a subject's card."""
    if not actor.can(Permission.READ_PLANS):
        return []
    return [status for status in (APPROVED, PUBLISHED) if actor.may_read_plan(status)]


def visits_in_session(
    session: Session,
    actor: Actor,
    subject_id: int,
    bin: str,
    region: str,
    series: Sequence[int] | None = None,
    *,
    maybe_planned: bool = True,
) -> SubjectVisits:
    """`subject_visits` of a subject the actor may read, in a transaction already open; `series`: the ids
    of the subject's inspections (first revisions), when the caller has read them already; `maybe_planned`
    False: the caller found that no list the actor may read names the subject (`subject_and_run`)."""
    planned: list[PlannedVisit] = []
    readable = readable_plan_statuses(actor)
    if readable and maybe_planned:
        # Only the lists whose rows name the subject, with only those rows (`subject_plans`).
        for record in subject_plans(session, bin, readable):
            plan = visible_plan(actor, stored(record))
            if not any(row.bin == bin for row in plan.plan.included):
                continue
            progress = _progress(session, plan)
            for one in progress.rows:
                if one.row.bin == bin:
                    planned.append(PlannedVisit(plan.id, record.half_year, record.status, one))
    past: list[Visit] = []
    if actor.can(READ, region):
        past = visits(session, subject_series(session, subject_id) if series is None else series)
    return SubjectVisits(tuple(planned), tuple(reversed(past)))


__all__ = [
    "DONE",
    "assign_inspectors",
    "assignable_inspectors",
    "default_header",
    "inspection_visit",
    "my_visits",
    "plan_progress",
    "readable_plan_statuses",
    "record_row_reason",
    "start_inspection",
    "subject_visits",
    "visits_in_session",
]
