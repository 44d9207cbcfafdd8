"""The lists a subject's card shows (its planned visits) are found by the database among the stored lists'
rows (`store.subject_card.subject_plans`), and are what the card showed when it read every list whole:
for several lists (approved, published, a draft, one whose capacity left a subject beyond it), a started
row and a row with a reason, every BIN (listed, beyond capacity, excluded) and every role that reads
lists or cards; and a list written otherwise than the store writes it is still read. On SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import JSON, Text, cast, insert, literal, select

from tekseru.services import inspections, plans
from tekseru.services.inspections import InspectionHeader
from tekseru.services.inspections.visits import PlannedVisit, RowProgress, visits
from tekseru.services.inspections.workflow import visits_in_session
from tekseru.services.permissions import Actor, Permission, PermissionDenied, Role
from tekseru.services.plans.stored import stored, visible_plan
from tekseru.services.registry_queries import subject_card
from tekseru.store import Database
from tekseru.store.plan_models import PlanList
from tekseru.store.plans import APPROVED, PUBLISHED, list_plans
from tekseru.store.subject_card import subject_and_run, subject_plans
from tekseru.store.subjects import find_subject_by_bin
from tekseru.store.workflow import origins_of_plan, row_reasons
from tests.catalogue import CATALOGUE

from .plan_data import BINS, NOW, SYSTEM, add_assessed_registry, no_history

ACTORS = (
    SYSTEM,
    Actor("planner", Role.PLANNER, full_name="Planner"),
    Actor("viewer", Role.VIEWER),
    Actor("aigerim", Role.INSPECTOR, region="astana"),
    Actor("dana", Role.INSPECTOR, region="almaty_city"),
    Actor("subject", Role.SUBJECT, bins=frozenset(BINS[:2])),
)
HEADER = InspectionHeader("preventive_control", "7-ПК", date(2027, 1, 10), ("Асқаров А.",))
LATER = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
# Each list: its half-year, how far it goes (approved, published, or left a draft) and its capacity.
LISTS = (
    ("2027-H1", APPROVED, None),
    ("2027-H2", PUBLISHED, None),
    ("2028-H1", "draft", None),
    ("2028-H2", APPROVED, {"astana": 1}),
)


@pytest.fixture
def lists(database: Database) -> list[plans.StoredPlan]:
    add_assessed_registry(database)
    made = []
    for half_year, status, capacity in LISTS:
        draft = plans.draft_plan(
            database, SYSTEM, half_year, capacity=capacity, visit_histories=no_history, now=NOW,
            catalogue=CATALOGUE,
        )  # fmt: skip
        if status != "draft":
            plans.approve_plan(database, SYSTEM, draft.id, now=NOW)
        if status == PUBLISHED:
            plans.publish_plan(database, SYSTEM, draft.id, now=NOW, catalogue=CATALOGUE)
        made.append(plans.get_plan(database, SYSTEM, draft.id))
    first = made[0]
    rank = {row.bin: row.rank for row in first.plan.included}
    inspections.start_inspection(
        database, SYSTEM, first.id, rank[BINS[0]], HEADER, now=LATER, catalogue=CATALOGUE
    )
    inspections.record_row_reason(database, SYSTEM, first.id, rank[BINS[1]], "closed", now=LATER)
    return made


def _planned_as_before(database: Database, actor: Actor, bin: str) -> tuple[PlannedVisit, ...]:
    """The planned visits as the card found them before: every stored list read whole, then its rows."""
    planned = []
    if not actor.can(Permission.READ_PLANS):
        return ()
    with database.reading() as session:
        for record in list_plans(session):
            if record.status not in (APPROVED, PUBLISHED) or not actor.may_read_plan(record.status):
                continue
            plan = visible_plan(actor, stored(record))
            origins, reasons = origins_of_plan(session, plan.id), row_reasons(session, plan.id)
            found = {v.series_id: v for v in visits(session, [o.inspection_id for o in origins.values()])}
            for row in plan.plan.included:
                if row.bin == bin:
                    origin = origins.get(row.rank)
                    visit = None if origin is None else found.get(origin.inspection_id)
                    one = RowProgress(row, visit, reasons.get(row.rank))
                    planned.append(PlannedVisit(plan.id, record.half_year, record.status, one))
    return tuple(planned)


def test_the_card_shows_the_lists_it_showed_when_it_read_them_whole(
    database: Database, lists: list[plans.StoredPlan]
) -> None:
    beyond = {row.bin for row in lists[3].plan.overflow}
    excluded = {row.bin for row in lists[0].plan.excluded}
    assert beyond and excluded  # a subject beyond capacity, and one no list includes
    shown = {}
    for actor in ACTORS:
        for bin in BINS[:6]:
            wanted = _planned_as_before(database, actor, bin)
            with database.reading() as session:
                subject = find_subject_by_bin(session, bin)
                assert subject is not None
                found = visits_in_session(session, actor, subject.id, bin, subject.region)
            assert found.planned == wanted, (actor.username, bin)
            try:
                card = subject_card(database, actor, bin, catalogue=CATALOGUE, visits=True)
            except PermissionDenied:
                continue
            assert card.visits is not None and card.visits.planned == wanted
            shown[actor.username, bin] = [(visit.plan_id, visit.row.rank) for visit in wanted]
    planner = {bin: shown["planner", bin] for bin in BINS[:6]}
    assert planner[BINS[0]][:1] == [(lists[3].id, 1)] and len(planner[BINS[0]]) == 3  # not the draft
    assert all(plan_id != lists[3].id for bin in beyond for plan_id, _ in planner[bin])
    assert any(not found for bin, found in planner.items() if bin in excluded)
    started = next(
        visit for visit in _planned_as_before(database, SYSTEM, BINS[0]) if visit.plan_id == lists[0].id
    )
    assert started.progress.visit is not None
    reason = _planned_as_before(database, SYSTEM, BINS[1])[-1]
    assert reason.progress.reason is not None and reason.progress.reason.reason == "closed"
    assert shown["aigerim", BINS[0]] == planner[BINS[0]] and ("dana", BINS[0]) not in shown


def test_only_the_lists_and_rows_that_name_the_subject_are_read(
    database: Database, lists: list[plans.StoredPlan]
) -> None:
    with database.reading() as session:
        found = subject_plans(session, BINS[0], [APPROVED, PUBLISHED])
        assert [record.id for record in found] == [lists[3].id, lists[1].id, lists[0].id]
        for record in found:
            whole = next(plan for plan in lists if plan.id == record.id).record
            assert record.plan["included"] == [row for row in whole.plan["included"] if row["bin"] == BINS[0]]
            assert record.plan["overflow"] == record.plan["excluded"] == []
            header = ("format", "half_year", "rules", "capacity")
            assert {key: record.plan[key] for key in header} == {key: whole.plan[key] for key in header}
            assert record == type(record)(**{**vars_of(whole), "plan": record.plan})
        assert [r.id for r in subject_plans(session, BINS[0], [PUBLISHED])] == [lists[1].id]
        assert [r.id for r in subject_plans(session, BINS[0], [APPROVED], newest=2)] == [lists[3].id]
        assert subject_plans(session, BINS[0], []) == []
        assert subject_plans(session, "000000000000", [APPROVED, PUBLISHED]) == []


def vars_of(record: object) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__slots__}  # type: ignore[attr-defined]


def _raw_text(database: Database, plan_id: int) -> str:
    with database.reading() as session:
        return str(
            session.execute(select(cast(PlanList.plan, Text)).where(PlanList.id == plan_id)).scalar_one()
        )


def test_the_store_writes_lists_as_the_text_check_reads_them(
    database: Database, lists: list[plans.StoredPlan]
) -> None:
    """The database reads a list as JSON only when its text may list the subject: the text the store
    writes must say so, or the cards would read every list whole again (and the test above still pass)."""
    raw = _raw_text(database, lists[0].id)
    written = re.fullmatch(
        r'\{"format": .*"included": \[(.*)\], "overflow": \[.*\], "excluded": \[.*', raw, re.S
    )
    assert written is not None and f'"bin": "{BINS[0]}"' in written[1]


def _compact(plan: dict[str, object]) -> str:
    return json.dumps(plan, separators=(",", ":"))


def _overflow_first(plan: dict[str, object]) -> str:
    return json.dumps({"overflow": plan["overflow"]} | plan)


@pytest.mark.parametrize("written", [_compact, _overflow_first])
def test_a_list_written_otherwise_is_read_as_json(
    database: Database, lists: list[plans.StoredPlan], written: Any
) -> None:
    whole = lists[0].record
    text = written(whole.plan)
    value = cast(literal(text, Text), JSON) if database.dialect == "postgresql" else literal(text, Text)
    columns = {name: getattr(whole, name) for name in whole.__slots__ if name not in {"id", "plan"}}
    with database.transaction() as session:
        columns |= {"half_year": "2029-H1"}
        added = session.execute(
            insert(PlanList).values(**columns, plan=value).returning(PlanList.id)
        ).scalar_one()
    assert _raw_text(database, added) == text
    with database.reading() as session:
        found = subject_plans(session, BINS[0], [APPROVED])
    assert [record.id for record in found][:1] == [added]
    assert found[0].plan["included"] == [row for row in whole.plan["included"] if row["bin"] == BINS[0]]


def test_the_subject_statement_tells_which_cards_need_no_lists(
    database: Database, lists: list[plans.StoredPlan]
) -> None:
    """`subject_and_run` says whether `subject_plans` may find a list of the statuses asked: never "no"
    when it finds one, and "no" for a subject that no list includes (its card then skips that statement)."""
    spared = []
    with database.reading() as session:
        for bin in BINS[:6]:
            for statuses in ([APPROVED, PUBLISHED], [PUBLISHED], [APPROVED], []):
                found = subject_and_run(session, bin, statuses)
                assert found is not None and found.subject.bin == bin
                if subject_plans(session, bin, statuses):
                    assert found.maybe_planned, (bin, statuses)
                elif statuses and not found.maybe_planned:
                    spared.append((bin, tuple(statuses)))
    assert any(statuses == (APPROVED, PUBLISHED) for _, statuses in spared), spared
