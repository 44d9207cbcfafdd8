"""Semi-annual lists given an actor, on SQLite and PostgreSQL: who may draft, approve, publish and discard,
and the audit entry each change writes in its own transaction (none when the change is refused or fails)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from tekseru.services import audit, plans
from tekseru.services.audit import AuditFilter, AuditRecord
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.services.plans import (
    CapacityFileError,
    PlanError,
    PlanFrozen,
    PlanNotApproved,
    PlanNotFound,
    StoredPlan,
)
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.services.plan_data import SYSTEM

from .plan_data import NOW, add_assessed_registry, no_history

H1 = "2027-H1"
PLANNER = Actor("p-planner", Role.PLANNER, full_name="Planner Person")
ADMIN = Actor("p-admin", Role.ADMIN)
VIEWER = Actor("p-viewer", Role.VIEWER)
INSPECTOR = Actor("p-inspector", Role.INSPECTOR, "astana")


@pytest.fixture
def ids(database: Database) -> dict[int, int]:
    return add_assessed_registry(database)


def draft(database: Database, actor: Actor = PLANNER, **options: Any) -> StoredPlan:
    return plans.draft_plan(
        database,
        actor,
        options.pop("half_year", H1),
        visit_histories=no_history,
        now=NOW,
        catalogue=CATALOGUE,
        **options,
    )


def entries(database: Database, **where: str) -> list[AuditRecord]:
    """The audit entries of lists (of the list `entity_key`, of `action`), oldest first."""
    found = audit.browse(database, SYSTEM, AuditFilter(entity="plan", **where)).entries
    return sorted(found, key=lambda entry: entry.id)


def actions(database: Database) -> list[str]:
    return [entry.action for entry in entries(database)]


def test_each_change_writes_one_audit_entry(database: Database, ids: dict[int, int]) -> None:
    drafted = draft(database)
    assert drafted.record.created_by == "Planner Person"  # printed on the list, as the approver is
    approved = plans.approve_plan(database, ADMIN, drafted.id, now=NOW)
    assert approved.approval("Asia/Almaty") is not None and approved.approval("Asia/Almaty")[0] == "p-admin"
    published = plans.publish_plan(database, PLANNER, drafted.id, now=NOW, catalogue=CATALOGUE)
    assert published.record.published_by == "Planner Person"  # the name printed on the list
    key = str(drafted.id)
    log = entries(database, entity_key=key)
    assert [(e.action, e.actor) for e in log] == [
        ("plan.draft", "p-planner"),
        ("plan.approve", "p-admin"),
        ("plan.publish", "p-planner"),
    ]
    assert [e.after["status"] for e in log if e.after] == ["draft", "approved", "published"]
    assert all(e.before is None and e.region is None for e in log)
    assert log[0].after is not None and log[0].after["included_count"] == len(drafted.plan.included)
    assert log[0].after["capacity"] == {} and log[0].at.replace(tzinfo=None) == NOW.replace(tzinfo=None)

    second = draft(database, half_year="2027-H2")
    plans.discard_draft(database, PLANNER, second.id)
    (discarded,) = entries(database, entity_key=str(second.id), action="plan.discard")
    assert discarded.after is None and discarded.before is not None
    assert (discarded.before["id"], discarded.before["status"]) == (second.id, "draft")
    with pytest.raises(PlanNotFound):
        plans.get_plan(database, SYSTEM, second.id)


@pytest.mark.parametrize("actor", [VIEWER, INSPECTOR], ids=["viewer", "inspector"])
def test_who_may_not_write_plans_changes_nothing(
    database: Database, ids: dict[int, int], actor: Actor
) -> None:
    stored = draft(database)
    changes: dict[str, Callable[[], object]] = {
        "draft": lambda: draft(database, actor, half_year="2027-H2"),
        "approve": lambda: plans.approve_plan(database, actor, stored.id),
        "publish": lambda: plans.publish_plan(database, actor, stored.id, catalogue=CATALOGUE),
        "discard": lambda: plans.discard_draft(database, actor, stored.id),
        "capacity": lambda: plans.read_capacity_upload(
            actor, "c.csv", b"region,visits\nastana,1\n", CATALOGUE.regions
        ),
    }
    for name, change in changes.items():
        with pytest.raises(PermissionDenied):
            change()
            pytest.fail(f"{actor.role} may {name}")
    assert [(p.id, p.record.status) for p in plans.list_plans(database, SYSTEM)] == [(stored.id, "draft")]
    assert actions(database) == ["plan.draft"]
    # Reading is everyone's, except a draft for an inspector (tekseru.services.plans.visible_plan).
    if actor.region_scope is None:
        assert [p.id for p in plans.list_plans(database, actor)] == [stored.id]
        assert plans.get_plan(database, actor, stored.id).id == stored.id
        assert plans.plan_diff(database, actor, stored.id).previous is None
    else:
        assert plans.list_plans(database, actor) == []
        for read in (plans.get_plan, plans.plan_diff):
            with pytest.raises(PermissionDenied):
                read(database, actor, stored.id)


def test_a_change_that_fails_writes_no_audit_entry(database: Database, ids: dict[int, int]) -> None:
    stored = draft(database)
    with pytest.raises(PlanNotApproved):
        plans.publish_plan(database, PLANNER, stored.id, catalogue=CATALOGUE)
    plans.approve_plan(database, PLANNER, stored.id)
    with pytest.raises(PlanFrozen):
        plans.approve_plan(database, PLANNER, stored.id)
    with pytest.raises(PlanFrozen):
        plans.discard_draft(database, PLANNER, stored.id)
    with pytest.raises(PlanNotFound):
        plans.approve_plan(database, PLANNER, 999_999)
    with pytest.raises(PlanError, match="unknown region"):
        draft(database, half_year="2027-H2", capacity={"Nowhere": 3})
    assert actions(database) == ["plan.draft", "plan.approve"]
    assert [p.record.status for p in plans.list_plans(database, SYSTEM)] == ["approved"]


def test_a_capacity_upload(database: Database, ids: dict[int, int]) -> None:
    read = partial(plans.read_capacity_upload, regions=CATALOGUE.regions)
    assert read(PLANNER, "../../capacity.csv", "region,visits\nАстана,2\n".encode()) == {"astana": 2}
    with pytest.raises(PlanError, match=r"\.csv or \.xlsx"):
        read(PLANNER, "capacity.txt", b"region,visits\n")
    with pytest.raises(PlanError, match="larger than"):
        read(PLANNER, "capacity.csv", b"x" * (plans.CAPACITY_UPLOAD_LIMIT + 1))
    with pytest.raises(CapacityFileError):
        read(PLANNER, "capacity.csv", b"region,visits\nastana,many\n")


def test_the_printed_list_is_named_for_its_half_year(database: Database, ids: dict[int, int]) -> None:
    stored = draft(database)
    content, name = plans.plan_document(
        database, VIEWER, stored.id, format="xlsx", language="ru", catalogue=CATALOGUE, zone="Asia/Almaty"
    )
    assert name == f"plan-{stored.id}-2027-H1-ru.xlsx" and content.startswith(b"PK")
    with pytest.raises(PlanNotFound):
        plans.plan_document(
            database, VIEWER, 999_999, format="pdf", language="kk", catalogue=CATALOGUE, zone="Asia/Almaty"
        )
    assert actions(database) == ["plan.draft"]  # reading is not audited
