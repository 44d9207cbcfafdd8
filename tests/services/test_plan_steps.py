"""The steps a list's page offers come from the service: what the list's status allows, for someone who may
write lists; and the store refuses every step the status does not allow. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tekseru.services import plans
from tekseru.services.permissions import Actor, Role
from tekseru.services.plans import PlanError, StoredPlan
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.services.test_plans import draft, ids

__all__ = ["ids"]

PLANNER = Actor("planner", Role.PLANNER)
VIEWER = Actor("viewer", Role.VIEWER)
STEPS = {
    "approve": lambda db, stored: plans.approve_plan(db, PLANNER, stored.id),
    "discard": lambda db, stored: plans.discard_draft(db, PLANNER, stored.id),
    "publish": lambda db, stored: plans.publish_plan(db, PLANNER, stored.id, catalogue=CATALOGUE),
}


def assert_only_allowed_steps_pass(database: Database, stored: StoredPlan, allowed: tuple[str, ...]) -> None:
    assert plans.allowed_steps(PLANNER, stored) == allowed and plans.allowed_steps(VIEWER, stored) == ()
    for name in set(STEPS) - set(allowed):
        with pytest.raises(PlanError):
            STEPS[name](database, stored)


@pytest.mark.usefixtures("ids")
def test_each_status_allows_its_steps_and_the_store_refuses_the_others(database: Database) -> None:
    stored = draft(database)
    assert_only_allowed_steps_pass(database, stored, ("approve", "discard"))
    approved = plans.approve_plan(database, PLANNER, stored.id)
    assert_only_allowed_steps_pass(database, approved, ("publish",))
    published = plans.publish_plan(database, PLANNER, stored.id, catalogue=CATALOGUE)
    assert_only_allowed_steps_pass(database, published, ())
    assert (stored.frozen, approved.frozen, published.frozen) == (False, True, True)
