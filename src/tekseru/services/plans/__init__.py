"""The semi-annual lists of preventive control with a visit (docs/planning.md): every use case, given the
`Actor`, permission-checked and, when it changes a list, audited in the transaction of the change.

A draft is formed from a finished assessment run (`draft_plan`), then approved, then published; approved
and published lists never change (`PlanFrozen`). Everyone who may read plans reads the lists
`visible_plan` lets them read (an inspector: approved and published lists, only its own region's rows, in
pages, API and documents alike); only planners and admins (and the command line, acting as the system)
draft, approve, publish and discard: anyone else is refused (`PermissionDenied`) before anything is read or
changed. A change that fails (approving an approved list) leaves no audit entry either.

The steps within a transaction are in `drafting`, the capacity of the regions in `capacity`, the printed
list in `printing`, and who reads what in `stored`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.catalog.regions import Regions
from tekseru.intake import Upload
from tekseru.planning import HalfYear
from tekseru.services import audit
from tekseru.services.file_names import sanitise_file_name
from tekseru.services.notices import notify_list_published
from tekseru.services.permissions import Actor, Permission
from tekseru.services.plans import drafting
from tekseru.services.plans.capacity import (
    CAPACITY_COLUMNS,
    CapacityError,
    CapacityFileError,
    read_capacity_file,
    resolve_capacity,
)
from tekseru.services.plans.drafting import NoAssessment, VisitHistoryProvider
from tekseru.services.plans.printing import DOCUMENT_FORMATS, PLAN_LANGUAGES, render_stored_plan, state_body
from tekseru.services.plans.stored import (
    PlanComparison,
    StoredPlan,
    stored,
    visible_comparison,
    visible_plan,
    visible_plans,
)
from tekseru.store import Database
from tekseru.store.accounts import find_user
from tekseru.store.inspections import visit_histories as recorded_visit_histories
from tekseru.store.plans import (
    PlanAlreadyApproved,
    PlanError,
    PlanFrozen,
    PlanNotApproved,
    PlanNotFound,
    add_plan,
    delete_draft,
    latest_draft,
    lock_half_year,
    previous_plan,
    redraft,
)
from tekseru.store.plans import list_plans as stored_plans
from tekseru.store.versions import StaleVersion

__all__ = [
    "CAPACITY_COLUMNS",
    "CAPACITY_UPLOAD_LIMIT",
    "DOCUMENT_FORMATS",
    "PLAN_LANGUAGES",
    "CapacityError",
    "CapacityFileError",
    "NoAssessment",
    "PlanAlreadyApproved",
    "PlanComparison",
    "PlanError",
    "PlanFrozen",
    "PlanNotApproved",
    "PlanNotFound",
    "StaleVersion",
    "StoredPlan",
    "VisitHistoryProvider",
    "allowed_steps",
    "approve_plan",
    "discard_draft",
    "draft_plan",
    "get_plan",
    "list_plans",
    "plan_diff",
    "plan_document",
    "publish_plan",
    "read_capacity_file",
    "read_capacity_upload",
    "state_body",
    "visible_plan",
]

ENTITY = "plan"
CAPACITY_SUFFIXES = (".csv", ".xlsx")
CAPACITY_UPLOAD_LIMIT = 1024 * 1024  # bytes: a line per region, twenty regions


def audit_values(stored: StoredPlan) -> dict[str, object]:
    """What the audit log keeps of a list: its record without the rows, and how many rows it has."""
    record = stored.record
    return {
        "id": record.id,
        "half_year": record.half_year,
        "status": record.status,
        "as_of": record.as_of,
        "assessment_id": record.assessment_id,
        "edition_id": record.edition_id,
        "capacity": dict(record.capacity),
        "created_by": record.created_by,
        "approved_by": record.approved_by,
        "approved_at": record.approved_at,
        "published_by": record.published_by,
        "published_at": record.published_at,
        "previous_plan_id": record.previous_plan_id,
        "version": record.version,
        "included_count": stored.included_count,
        "overflow_count": stored.overflow_count,
        "excluded_count": stored.excluded_count,
    }


def _signature(session: Session, actor: Actor) -> str:
    """The name that approves or publishes a list (it is printed on the list): the full name if known, also
    when the command line acts in an account's name (`--by demo-planner`); the login only as a last resort."""
    if actor.full_name and actor.full_name != actor.username:
        return actor.full_name
    account = find_user(session, actor.username)
    return account.full_name if account is not None and account.full_name else actor.username


# Reading --------------------------------------------------------------------------------------------------


def list_plans(
    db: Database, actor: Actor, *, half_year: str | None = None, status: str | None = None
) -> list[StoredPlan]:
    """Stored lists the actor may read (`visible_plans`), the newest first."""
    actor.require(Permission.READ_PLANS)
    period = None if half_year is None else str(HalfYear.parse(half_year))
    with db.transaction() as session:
        found = [stored(record) for record in stored_plans(session, half_year=period, status=status)]
    return visible_plans(actor, found)


def get_plan(db: Database, actor: Actor, plan_id: int) -> StoredPlan:
    """The list as the actor may read it (`visible_plan`); PlanNotFound."""
    actor.require(Permission.READ_PLANS)
    with db.transaction() as session:
        found = drafting.read(session, plan_id)
    return visible_plan(actor, found)


def allowed_steps(actor: Actor, stored: StoredPlan) -> tuple[str, ...]:
    """The steps (approve, discard, publish) the actor may take on the list now: those its status allows,
    for someone who may write lists; none for the others."""
    return stored.steps if actor.can(Permission.WRITE_PLANS) else ()


def plan_diff(db: Database, actor: Actor, plan_id: int) -> PlanComparison:
    """The list against the one it was compared with when drafted (subjects added, removed and moved), as
    the actor may read them (`visible_comparison`)."""
    actor.require(Permission.READ_PLANS)
    with db.transaction() as session:
        current = drafting.read(session, plan_id)
        earlier = current.record.previous_plan_id
        previous = None if earlier is None else drafting.read(session, earlier)
    return visible_comparison(actor, current, previous)


def plan_document(
    db: Database,
    actor: Actor,
    plan_id: int,
    *,
    format: str,
    language: str,
    zone: str,
    catalogue: Catalogue,
) -> tuple[bytes, str]:
    """The printed list (XLSX or PDF, kk or ru, its dates in time zone `zone`) as the actor may read it,
    and its file name (plan-ID-HALF-YEAR-LANGUAGE.FORMAT)."""
    stored = get_plan(db, actor, plan_id)
    name = f"plan-{plan_id}-{stored.record.half_year}-{language}.{format}"
    return render_stored_plan(stored, format=format, language=language, zone=zone, catalogue=catalogue), name


def read_capacity_upload(actor: Actor, file_name: str, content: bytes, regions: Regions) -> dict[str, int]:
    """The capacity file (CSV or XLSX, at most CAPACITY_UPLOAD_LIMIT bytes) that someone who may draft
    uploaded; PlanError for another type or size, CapacityFileError naming the row and field of every
    problem in it."""
    actor.require(Permission.WRITE_PLANS)
    if not file_name.lower().endswith(CAPACITY_SUFFIXES):
        raise PlanError("the capacity file must be .csv or .xlsx").saying("refusal.capacity.file_type")
    if len(content) > CAPACITY_UPLOAD_LIMIT:
        refused = PlanError(f"the capacity file is larger than {CAPACITY_UPLOAD_LIMIT // 1024} KiB")
        raise refused.saying("refusal.capacity.too_large", kib=CAPACITY_UPLOAD_LIMIT // 1024)
    return read_capacity_file(Upload(sanitise_file_name(file_name), content), regions)


# Changing -------------------------------------------------------------------------------------------------


def draft_plan(
    db: Database,
    actor: Actor,
    half_year: HalfYear | str,
    *,
    as_of: date | None = None,
    capacity: Mapping[str, int] | None = None,
    visit_histories: VisitHistoryProvider | None = None,
    now: datetime | None = None,
    catalogue: Catalogue,
) -> StoredPlan:
    """Form and store a draft list for `half_year` from the latest finished assessment (with `as_of`: the
    one with the latest date on or before it), drafted by the actor; audited as `plan.draft`. `capacity`
    names regions in any way the registry accepts; NoAssessment, CapacityError."""
    actor.require(Permission.WRITE_PLANS)
    period = half_year if isinstance(half_year, HalfYear) else HalfYear.parse(half_year)
    region_capacity = resolve_capacity(capacity or {}, catalogue.regions)
    with db.transaction() as session:
        run, plan = drafting.formed_plan(
            session,
            period,
            as_of,
            region_capacity,
            visit_histories or recorded_visit_histories,
            catalogue,
        )
        previous = previous_plan(session, str(period), str(period.previous()))
        values = {
            "as_of": run.as_of,
            "assessment_id": run.id,
            "edition_id": run.edition_id,
            "plan": plan.to_dict(),
            "capacity": region_capacity,
            "created_by": _signature(session, actor),  # printed on the list, as the approver is
            "now": now or datetime.now(UTC),
            "previous_plan_id": None if previous is None else previous.id,
        }
        # A half-year has one draft at a time: drafting again replaces it (its number stays; its version
        # goes up), so that drafts do not pile up (docs/planning.md).
        lock_half_year(session, str(period))  # two planners drafting at once: one draft, not two
        draft = latest_draft(session, str(period))
        before = None if draft is None else audit_values(stored(draft))
        if draft is None:
            record = add_plan(session, half_year=str(period), **values)  # type: ignore[arg-type]
        else:
            record = redraft(session, draft.id, created_at=values.pop("now"), **values)
        made = stored(record)
        after = audit_values(made)
        audit.record(session, actor, "plan.draft", ENTITY, made.id, before=before, after=after, now=now)
    return made


class _SigningStep(Protocol):
    """`drafting.approve` or `drafting.publish`: a step that signs the list with a name."""

    def __call__(
        self,
        session: Session,
        plan_id: int,
        name: str,
        /,
        *,
        now: datetime | None = None,
        expected_version: int | None = None,
    ) -> StoredPlan: ...


def _sign(
    db: Database,
    actor: Actor,
    plan_id: int,
    action: str,
    step: _SigningStep,
    now: datetime | None,
    version: int | None,
    then: Callable[[Session, StoredPlan], object] | None = None,
) -> StoredPlan:
    """Approving and publishing differ only in the step, the audit action and what follows in the same
    transaction (`then`): both sign the list in the actor's name (while `version`, when given, is still the
    stored one) and audit it with the list as it is now."""
    actor.require(Permission.WRITE_PLANS)
    with db.transaction() as session:
        signed = step(session, plan_id, _signature(session, actor), now=now, expected_version=version)
        if then is not None:
            then(session, signed)
        after = audit_values(signed) | audit.sealed(session, ENTITY, plan_id)
        audit.record(session, actor, action, ENTITY, plan_id, after=after, now=now)
    return signed


def approve_plan(
    db: Database, actor: Actor, plan_id: int, *, now: datetime | None = None, version: int | None = None
) -> StoredPlan:
    """Approve a draft in the actor's name; PlanFrozen when it is approved or published already;
    StaleVersion when `version` (the one the actor read) is not the stored one. Audited as `plan.approve`."""
    return _sign(db, actor, plan_id, "plan.approve", drafting.approve, now, version)


def publish_plan(
    db: Database,
    actor: Actor,
    plan_id: int,
    *,
    catalogue: Catalogue,
    now: datetime | None = None,
    version: int | None = None,
) -> StoredPlan:
    """Publish an approved list in the actor's name; PlanNotApproved for a draft, PlanFrozen when published
    already; StaleVersion when `version` is not the stored one. Audited as `plan.publish`. The subjects on
    it learn of it by e-mail (the outbox, same transaction), naming the body of the catalogue's `bodies`."""

    def tell_the_subjects(session: Session, signed: StoredPlan) -> int:
        return notify_list_published(session, plan_id, signed.plan, catalogue=catalogue, now=now)

    return _sign(db, actor, plan_id, "plan.publish", drafting.publish, now, version, tell_the_subjects)


def discard_draft(
    db: Database, actor: Actor, plan_id: int, *, now: datetime | None = None, version: int | None = None
) -> None:
    """Delete a draft; PlanFrozen for an approved or published list; StaleVersion when `version` is not the
    stored one. Audited as `plan.discard`, with the list as it was."""
    actor.require(Permission.WRITE_PLANS)
    with db.transaction() as session:
        before = audit_values(drafting.read(session, plan_id))
        delete_draft(session, plan_id, expected_version=version)
        audit.record(session, actor, "plan.discard", ENTITY, plan_id, before=before, now=now)
