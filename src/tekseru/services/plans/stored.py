"""A stored semi-annual list as the services give it, and who reads which list and which of its rows.

Who reads what is decided here, once (`visible_plan`, `visible_plans`, `visible_comparison`): pages, the
API and the printed XLSX and PDF all get their rows through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from tekseru.i18n.formats import local_day
from tekseru.message import tell
from tekseru.planning import Plan, PlanDiff, diff_plans
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.store.plans import APPROVED, DRAFT, PUBLISHED, PlanRecord

# The steps each status of a list allows; the store refuses the others (PlanFrozen, PlanNotApproved).
STEPS_BY_STATUS = {DRAFT: ("approve", "discard"), APPROVED: ("publish",), PUBLISHED: ()}


@dataclass(frozen=True)
class StoredPlan:
    """A stored list: `record` says who formed, approved and published it and when; `plan` is read back."""

    record: PlanRecord
    plan: Plan

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def included_count(self) -> int:
        return len(self.plan.included)

    @property
    def overflow_count(self) -> int:
        return len(self.plan.overflow)

    @property
    def excluded_count(self) -> int:
        return len(self.plan.excluded)

    @property
    def steps(self) -> tuple[str, ...]:
        """What its status allows to be done to the list next: approve or discard a draft, publish an
        approved list; nothing once it is published."""
        return STEPS_BY_STATUS[self.record.status]

    @property
    def frozen(self) -> bool:
        """Approved or published: its rows no longer change."""
        return self.record.status != DRAFT

    def approval(self, zone: str) -> tuple[str, date] | None:
        """(approved by, approved on) for an approved or published list, None for a draft: the day in time
        zone `zone` (the `time_zone` setting) of the moment it was approved, which the store keeps in UTC."""
        approved_by, approved_at = self.record.approved_by, self.record.approved_at
        return (
            None
            if approved_by is None or approved_at is None
            else (approved_by, local_day(approved_at, zone))
        )


@dataclass(frozen=True)
class PlanComparison:
    """A list, the list it was compared with when drafted (None for the first), and what changed."""

    plan: StoredPlan
    previous: StoredPlan | None
    diff: PlanDiff | None


def stored(record: PlanRecord) -> StoredPlan:
    return StoredPlan(record, Plan.from_dict(record.plan))


def visible_plan(actor: Actor, stored: StoredPlan) -> StoredPlan:
    """The list as the actor may read it: whole for actors of every region; for an actor bound to one region
    (an inspector) an approved or published list with only that region's rows (its capacity too); for a
    subject's account an approved or published list with only the rows of its BINs; PermissionDenied for a
    draft. The one rule of region scoping for lists (see `Actor.may_read_plan`)."""
    if not actor.may_read_plan(stored.record.status):
        raise PermissionDenied(
            f"{actor.username} ({actor.role}) may not read list {stored.id} ({stored.record.status})"
        ).saying(
            "refusal.plan.may_not_read",
            user=actor.username,
            role=tell(f"role.{actor.role}"),
            plan=stored.id,
            status=tell(f"plans.status.{stored.record.status}"),
        )
    if actor.role is Role.SUBJECT:  # a subject's account: only its own rows, no capacity of any region
        own = actor.bins
        return StoredPlan(
            stored.record,
            replace(
                stored.plan,
                capacity={},
                included=tuple(row for row in stored.plan.included if row.bin in own),
                overflow=tuple(row for row in stored.plan.overflow if row.bin in own),
                excluded=tuple(row for row in stored.plan.excluded if row.bin in own),
            ),
        )
    region = actor.region_scope
    if region is None:
        return stored
    plan = stored.plan
    scoped = replace(
        plan,
        capacity={key: value for key, value in plan.capacity.items() if key == region},
        included=tuple(row for row in plan.included if row.region == region),
        overflow=tuple(row for row in plan.overflow if row.region == region),
        excluded=tuple(row for row in plan.excluded if row.region == region),
    )
    return StoredPlan(stored.record, scoped)


def visible_plans(actor: Actor, stored: Iterable[StoredPlan]) -> list[StoredPlan]:
    """The lists among `stored` the actor may read, each as `visible_plan` gives it."""
    return [visible_plan(actor, one) for one in stored if actor.may_read_plan(one.record.status)]


def visible_comparison(actor: Actor, current: StoredPlan, previous: StoredPlan | None) -> PlanComparison:
    """The list against the one it was compared with when drafted, as the actor may read them: both scoped
    by `visible_plan` (the earlier one left out when the actor may not read it) and the changes among the
    rows left."""
    mine = visible_plan(actor, current)
    if previous is None or not actor.may_read_plan(previous.record.status):
        return PlanComparison(mine, None, None)
    earlier = visible_plan(actor, previous)
    return PlanComparison(mine, earlier, diff_plans(earlier.plan, mine.plan))
