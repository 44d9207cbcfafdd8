"""The semi-annual lists for people: the use cases of `tekseru.services.plans` given the `Actor`.

Everyone who may read plans reads the lists `tekseru.services.plans.visible_plan` lets them read (an
inspector: approved and published lists, only its own region's rows, in pages, API and documents alike);
only planners and admins
(and the command line, acting as the system) draft, approve, publish and discard: anyone else is refused
(`PermissionDenied`) before anything is read or changed. Each change and its audit entry are written in
one transaction, so that a change that fails (approving an approved list) leaves no entry either.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.services import audit
from tekseru.services import plans as service
from tekseru.services.checklists import sanitise_file_name
from tekseru.services.permissions import Actor, Permission
from tekseru.services.plans import PlanComparison, StoredPlan, VisitHistoryProvider
from tekseru.settings import Settings
from tekseru.store import Database

ENTITY = "plan"
CAPACITY_SUFFIXES = (".csv", ".xlsx")
CAPACITY_UPLOAD_LIMIT = 1024 * 1024  # bytes: a line per region, twenty regions


def audit_values(stored: StoredPlan) -> dict[str, object]:
    """What the audit log keeps of a list: its record without the rows, and how many rows it has."""
    record, plan = stored.record, stored.plan
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
        "included_count": len(plan.included),
        "overflow_count": len(plan.overflow),
        "excluded_count": len(plan.excluded),
    }


def _signature(actor: Actor) -> str:
    """The name that approves or publishes a list (it is printed on the list): the full name if known."""
    return actor.full_name or actor.username


# Reading --------------------------------------------------------------------------------------------------


def list_plans(
    db: Database, actor: Actor, *, half_year: str | None = None, status: str | None = None
) -> list[StoredPlan]:
    """Stored lists, the newest first."""
    actor.require(Permission.READ_PLANS)
    return service.visible_plans(actor, service.list_plans(db, half_year=half_year, status=status))


def get_plan(db: Database, actor: Actor, plan_id: int) -> StoredPlan:
    """The list as the actor may read it (`tekseru.services.plans.visible_plan`)."""
    actor.require(Permission.READ_PLANS)
    return service.visible_plan(actor, service.get_plan(db, plan_id))


def plan_diff(db: Database, actor: Actor, plan_id: int) -> PlanComparison:
    actor.require(Permission.READ_PLANS)
    return service.visible_comparison(actor, service.plan_diff(db, plan_id))


def plan_document(
    db: Database, actor: Actor, plan_id: int, *, format: str, language: str, settings: Settings | None = None
) -> tuple[bytes, str]:
    """The printed list (XLSX or PDF, kk or ru) and its file name, as `tekseru plans export` names it."""
    stored = get_plan(db, actor, plan_id)
    name = f"plan-{plan_id}-{stored.record.half_year}-{language}.{format}"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / name
        service.render_stored_plan(stored, format=format, language=language, out=out, settings=settings)
        return out.read_bytes(), name


def read_capacity_upload(actor: Actor, file_name: str, content: bytes) -> dict[str, int]:
    """The capacity file (CSV or XLSX, at most CAPACITY_UPLOAD_LIMIT bytes) that someone who may draft
    uploaded; PlanError for another type or size, CapacityFileError naming the row and field of every
    problem in it."""
    actor.require(Permission.WRITE_PLANS)
    if not file_name.lower().endswith(CAPACITY_SUFFIXES):
        raise service.PlanError("the capacity file must be .csv or .xlsx")
    if len(content) > CAPACITY_UPLOAD_LIMIT:
        raise service.PlanError(f"the capacity file is larger than {CAPACITY_UPLOAD_LIMIT // 1024} KiB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / sanitise_file_name(file_name)
        path.write_bytes(content)
        return service.read_capacity_file(path)


# Changing -------------------------------------------------------------------------------------------------


def draft_plan(
    db: Database,
    actor: Actor,
    half_year: str,
    *,
    as_of: date | None = None,
    capacity: Mapping[str, int] | None = None,
    visit_histories: VisitHistoryProvider | None = None,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> StoredPlan:
    """Form and store a draft list for `half_year` (see `tekseru.services.plans.draft_plan_in`), drafted by
    the actor; audited as `plan.draft`."""
    actor.require(Permission.WRITE_PLANS)
    with db.transaction() as session:
        stored = service.draft_plan_in(
            session,
            half_year,
            as_of=as_of,
            capacity=capacity,
            created_by=actor.username,
            visit_histories=visit_histories,
            now=now,
            catalogue=catalogue,
        )
        audit.record(session, actor, "plan.draft", ENTITY, stored.id, after=audit_values(stored), now=now)
    return stored


class _SigningStep(Protocol):
    """`plans.approve_plan_in` or `plans.publish_plan_in`: a step that signs the list with a name."""

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
) -> StoredPlan:
    """Approving and publishing differ only in the step of `tekseru.services.plans` and the audit action:
    both sign the list in the actor's name (while `version`, when given, is still the stored one) and
    audit it with the list as it is now."""
    actor.require(Permission.WRITE_PLANS)
    with db.transaction() as session:
        stored = step(session, plan_id, _signature(actor), now=now, expected_version=version)
        after = audit_values(stored) | audit.sealed(session, ENTITY, plan_id)
        audit.record(session, actor, action, ENTITY, plan_id, after=after, now=now)
    return stored


def approve_plan(
    db: Database, actor: Actor, plan_id: int, *, now: datetime | None = None, version: int | None = None
) -> StoredPlan:
    """Approve a draft in the actor's name; PlanFrozen when it is approved or published already;
    StaleVersion when `version` (the one the actor read) is not the stored one. Audited as `plan.approve`."""
    return _sign(db, actor, plan_id, "plan.approve", service.approve_plan_in, now, version)


def publish_plan(
    db: Database, actor: Actor, plan_id: int, *, now: datetime | None = None, version: int | None = None
) -> StoredPlan:
    """Publish an approved list in the actor's name; PlanNotApproved for a draft, PlanFrozen when published
    already; StaleVersion when `version` is not the stored one. Audited as `plan.publish`."""
    return _sign(db, actor, plan_id, "plan.publish", service.publish_plan_in, now, version)


def discard_draft(
    db: Database, actor: Actor, plan_id: int, *, now: datetime | None = None, version: int | None = None
) -> None:
    """Delete a draft; PlanFrozen for an approved or published list; StaleVersion when `version` is not the
    stored one. Audited as `plan.discard`, with the list as it was."""
    actor.require(Permission.WRITE_PLANS)
    with db.transaction() as session:
        before = audit_values(service.get_plan_in(session, plan_id))
        service.discard_draft_in(session, plan_id, expected_version=version)
        audit.record(session, actor, "plan.discard", ENTITY, plan_id, before=before, now=now)
