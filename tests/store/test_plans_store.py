"""Stored semi-annual lists: drafts change, approved and published ones never do, in code and in SQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tekseru.store import Database
from tekseru.store.assessments import finish_run, start_run
from tekseru.store.plan_models import PlanList
from tekseru.store.plans import (
    PlanError,
    PlanFrozen,
    PlanNotApproved,
    PlanNotFound,
    PlanRecord,
    add_plan,
    approve_plan,
    delete_draft,
    finished_run,
    get_plan,
    list_plans,
    previous_plan,
    publish_plan,
    replace_draft,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PLAN = {"format": "tekseru-plan/1", "included": [{"bin": "200140000004", "rank": 1}]}


def run(database: Database, as_of: date = date(2026, 11, 15), status: str = "finished") -> uuid.UUID:
    with database.transaction() as session:
        started = start_run(
            session, as_of=as_of, edition_id="2022-29983", inputs_fingerprint="f", subjects_total=0, now=NOW
        )
        if status != "running":
            finish_run(session, started.id, now=NOW, status=status)
    return started.id


def add(database: Database, run_id: uuid.UUID, half_year: str = "2027-H1", **changes: Any) -> PlanRecord:
    values: dict[str, Any] = {
        "half_year": half_year,
        "as_of": date(2026, 11, 15),
        "assessment_id": run_id,
        "edition_id": "2022-29983",
        "plan": PLAN,
        "capacity": {"astana": 3},
        "created_by": "planner",
        "now": NOW,
    }
    values.update(changes)
    with database.transaction() as session:
        return add_plan(session, **values)


def approve(database: Database, plan_id: int) -> PlanRecord:
    with database.transaction() as session:
        return approve_plan(session, plan_id, approved_by="head", now=NOW)


def publish(database: Database, plan_id: int) -> PlanRecord:
    with database.transaction() as session:
        return publish_plan(session, plan_id, published_by="secretary", now=NOW)


def read(database: Database, plan_id: int) -> PlanRecord | None:
    with database.transaction() as session:
        return get_plan(session, plan_id)


def test_a_draft_is_stored_and_read_back(database: Database) -> None:
    run_id = run(database)
    record = add(database, run_id)
    assert (record.status, record.plan, record.capacity, record.assessment_id) == (
        "draft",
        PLAN,
        {"astana": 3},
        run_id,
    )
    assert (record.approved_by, record.approved_at, record.published_at) == (None, None, None)
    assert read(database, record.id) == record
    with database.transaction() as session:
        changed = replace_draft(session, record.id, plan={**PLAN, "included": []}, capacity={})
    assert (changed.plan["included"], changed.capacity) == ([], {})
    assert read(database, 12345) is None


def test_approve_then_publish(database: Database) -> None:
    record = add(database, run(database))
    with pytest.raises(PlanNotApproved):
        publish(database, record.id)
    approved = approve(database, record.id)
    assert (approved.status, approved.approved_by, approved.plan) == ("approved", "head", PLAN)
    published = publish(database, record.id)
    assert (published.status, published.published_by, published.approved_by) == (
        "published",
        "secretary",
        "head",
    )
    with pytest.raises(PlanNotFound):
        approve(database, 999)


@pytest.mark.parametrize("status", ["approved", "published"])
def test_the_repository_refuses_to_change_a_decided_list(database: Database, status: str) -> None:
    record = approve(database, add(database, run(database)).id)
    if status == "published":
        record = publish(database, record.id)
    attempts: list[Callable[[Session], object]] = [
        lambda session: approve_plan(session, record.id, approved_by="x", now=NOW),
        lambda session: replace_draft(session, record.id, plan={}, capacity={}),
        lambda session: delete_draft(session, record.id),
    ]
    if status == "published":
        attempts.append(lambda session: publish_plan(session, record.id, published_by="x", now=NOW))
    for attempt in attempts:
        with (
            pytest.raises(PlanFrozen, match=f"is {status} and cannot change"),
            database.transaction() as session,
        ):
            attempt(session)
    assert read(database, record.id) == record


@pytest.mark.parametrize(
    "change",
    [
        {"plan": {"format": "tekseru-plan/1", "included": []}},
        {"capacity": {}},
        {"approved_by": "someone else"},
        {"status": "draft", "approved_by": None, "approved_at": None},
        {"half_year": "2027-H2"},
    ],
    ids=["plan", "capacity", "approver", "back-to-draft", "half-year"],
)
def test_the_database_refuses_to_change_an_approved_list(database: Database, change: dict[str, Any]) -> None:
    record = approve(database, add(database, run(database)).id)
    with pytest.raises(DBAPIError, match="cannot change"), database.transaction() as session:
        session.execute(update(PlanList).where(PlanList.id == record.id).values(**change))
    with pytest.raises(DBAPIError, match="cannot change"), database.transaction() as session:
        session.execute(delete(PlanList).where(PlanList.id == record.id))
    assert read(database, record.id) == record


def test_the_database_lets_an_approved_list_be_published_once(database: Database) -> None:
    record = approve(database, add(database, run(database)).id)
    publication = {"status": "published", "published_by": "secretary", "published_at": NOW}
    with database.transaction() as session:
        session.execute(update(PlanList).where(PlanList.id == record.id).values(**publication))
    with pytest.raises(DBAPIError, match="cannot change"), database.transaction() as session:
        session.execute(update(PlanList).where(PlanList.id == record.id).values(published_by="another"))
    with pytest.raises(DBAPIError, match="cannot change"), database.transaction() as session:
        session.execute(update(PlanList).where(PlanList.id == record.id).values(status="approved"))


def test_the_database_keeps_the_status_and_its_record_consistent(database: Database) -> None:
    record = add(database, run(database))
    for values in ({"status": "cancelled"}, {"status": "approved"}, {"published_by": "secretary"}):
        with pytest.raises(DBAPIError), database.transaction() as session:
            session.execute(update(PlanList).where(PlanList.id == record.id).values(**values))
    with database.transaction() as session:  # a draft may still change, in SQL too
        session.execute(update(PlanList).where(PlanList.id == record.id).values(capacity={"abai": 1}))
        session.execute(text("DELETE FROM plans WHERE id = :id"), {"id": record.id})
    assert read(database, record.id) is None


def test_a_draft_that_a_later_list_refers_to_is_kept(database: Database) -> None:
    run_id = run(database)
    first = add(database, run_id)
    second = add(database, run_id, previous_plan_id=first.id)
    with pytest.raises(PlanError, match="previous list of a later plan"), database.transaction() as session:
        delete_draft(session, first.id)
    with database.transaction() as session:
        delete_draft(session, second.id)
        delete_draft(session, first.id)
    with database.transaction() as session:
        assert list_plans(session) == []


def test_the_previous_list(database: Database) -> None:
    run_id = run(database)
    with database.transaction() as session:
        assert previous_plan(session, "2027-H1", "2026-H2") is None
    h2_draft = add(database, run_id, "2026-H2")
    h2_approved = approve(database, add(database, run_id, "2026-H2").id)
    add(database, run_id, "2026-H2")  # a later draft: the approved list still comes first
    with database.transaction() as session:
        assert previous_plan(session, "2027-H1", "2026-H2") == h2_approved
    h1_draft = add(database, run_id)
    with database.transaction() as session:
        assert previous_plan(session, "2027-H1", "2026-H2") == h2_approved  # drafts of the same half-year: no
    h1_published = publish(database, approve(database, h1_draft.id).id)
    with database.transaction() as session:
        assert previous_plan(session, "2027-H1", "2026-H2") == h1_published
        assert [record.id for record in list_plans(session, half_year="2026-H2", status="draft")][
            -1
        ] == h2_draft.id


def test_the_finished_run_for_a_day(database: Database) -> None:
    early = run(database, date(2026, 6, 1))
    late = run(database, date(2026, 11, 1))
    run(database, date(2026, 12, 1), status="failed")
    run(database, date(2026, 12, 1), status="running")
    with database.transaction() as session:
        assert finished_run(session, date(2026, 12, 31)).id == late  # type: ignore[union-attr]
        assert finished_run(session, date(2026, 10, 31)).id == early  # type: ignore[union-attr]
        assert finished_run(session, date(2026, 5, 31)) is None
