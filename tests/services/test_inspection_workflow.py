"""From the list to the visit: start a list row's inspection (numbered, keeping its row), assign inspectors,
the inspector's visits, a row's reason and the list's fulfilment, a subject's visits; on SQLite and
PostgreSQL (the `database` fixture), and numbers taken by concurrent writers."""

from __future__ import annotations

import io
import threading
from datetime import UTC, date, datetime
from functools import partial

import pytest
from argon2 import PasswordHasher
from docx import Document
from pypdf import PdfReader

from tekseru.catalog.catalogue import Catalogue
from tekseru.catalog.regions import Regions
from tekseru.services import accounts, audit, inspections, plans
from tekseru.services.inspections import InspectionError, InspectionHeader
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.store import Database
from tekseru.store.audit import AuditFilter
from tests.catalogue import CATALOGUE

from .plan_data import BINS, NOW, SYSTEM, add_assessed_registry, no_history

create_user = partial(
    accounts.create_user,
    passwords=Passwords(PasswordHasher(time_cost=1, memory_cost=1024)),
    regions=CATALOGUE.regions,
)
PLANNER = Actor("planner", Role.PLANNER, full_name="Planner")
INSPECTOR = Actor("aigerim", Role.INSPECTOR, region="astana", full_name="Айгерім")
OTHER_INSPECTOR = Actor("dana", Role.INSPECTOR, region="almaty_city")
ACT = date(2027, 1, 10)
TODAY = date(2027, 3, 1)
LATER = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
HEADER = InspectionHeader("preventive_control", "7-ПК", ACT, ("Асқаров А.",))


@pytest.fixture
def approved(database: Database) -> plans.StoredPlan:
    """An approved list for 2027-H1 of plan_data's registry: rows of astana, almaty_city and shymkent."""
    add_assessed_registry(database)
    stored = plans.draft_plan(
        database, SYSTEM, "2027-H1", visit_histories=no_history, now=NOW, catalogue=CATALOGUE
    )
    plans.approve_plan(database, SYSTEM, stored.id, now=NOW)
    for user in (INSPECTOR, OTHER_INSPECTOR):
        create_user(database, SYSTEM, username=user.username, full_name=user.username, role="inspector",
                    region=user.region)  # fmt: skip
    return plans.get_plan(database, SYSTEM, stored.id)


def rank_of(stored: plans.StoredPlan, index: int) -> int:
    return next(row.rank for row in stored.plan.included if row.bin == BINS[index])


def start(
    database: Database, stored: plans.StoredPlan, index: int, actor: Actor = INSPECTOR
) -> inspections.InspectionRecord:
    rank = rank_of(stored, index)
    return inspections.start_inspection(
        database, actor, stored.id, rank, HEADER, now=LATER, catalogue=CATALOGUE
    )


def complete(
    database: Database, record: inspections.InspectionRecord, non_compliant: tuple[int, ...] = ()
) -> None:
    checklist = CATALOGUE.edition(record.edition_id).checklist(record.appendix)
    rows = [
        inspections.AnswerRow(
            item.number, "non_compliant" if item.number in non_compliant else "compliant", ""
        )
        for item in checklist.items
    ]
    inspections.answer_items(database, SYSTEM, record.id, rows, now=LATER, catalogue=CATALOGUE)
    inspections.complete_inspection(
        database,
        SYSTEM,
        record.id,
        inspected_on=date(2027, 1, 20),
        today=TODAY,
        now=LATER,
        catalogue=CATALOGUE,
    )


def test_a_list_row_is_started_numbered_assigned_done_and_the_list_fulfilled(
    database: Database, approved: plans.StoredPlan
) -> None:
    record = start(database, approved, 0)
    assert (record.kind, record.status, record.planned_on) == (
        "preventive_control",
        "draft",
        date(2027, 1, 1),
    )
    visit = inspections.inspection_visit(database, INSPECTOR, record.id)
    assert visit.number == "71-2027-0001"
    assert (visit.origin.plan_id, visit.origin.plan_rank) == (approved.id, rank_of(approved, 0))
    second = start(database, approved, 1)
    assert inspections.inspection_visit(database, INSPECTOR, second.id).number == "71-2027-0002"
    with pytest.raises(InspectionError, match="71-2027-0001"):
        start(database, approved, 0)

    assert inspections.assign_inspectors(
        database, PLANNER, record.id, ["aigerim"], now=LATER, catalogue=CATALOGUE
    ) == ("aigerim",)
    with pytest.raises(InspectionError, match="dana is not an active inspector of region astana"):
        inspections.assign_inspectors(database, PLANNER, record.id, ["dana"], catalogue=CATALOGUE)
    with pytest.raises(PermissionDenied):
        inspections.assign_inspectors(database, INSPECTOR, record.id, ["aigerim"], catalogue=CATALOGUE)
    mine = inspections.my_visits(database, INSPECTOR, today=TODAY)
    assert [(g.month, g.status, [v.number for v in g.visits]) for g in mine.groups] == [
        (date(2027, 1, 1), "draft", ["71-2027-0001"])
    ]
    assert [v.number for v in mine.drafts] == ["71-2027-0001", "71-2027-0002"]  # assigned; recorded
    assert inspections.my_visits(database, OTHER_INSPECTOR, today=TODAY).empty

    progress = inspections.plan_progress(database, PLANNER, approved.id)
    assert not progress.fulfilled
    assert progress.row(rank_of(approved, 0)).state == "started"
    complete(database, record, non_compliant=(1,))
    complete(database, second)
    inspections.follow_up(database, SYSTEM, record.id, 1, deadline=date(2027, 2, 1), today=TODAY, now=LATER)
    mine = inspections.my_visits(database, INSPECTOR, today=TODAY)
    assert [(v.number, violation.item) for v, violation in mine.overdue] == [("71-2027-0001", 1)]
    assert mine.drafts == ()

    progress = inspections.plan_progress(database, PLANNER, approved.id)
    done = progress.row(rank_of(approved, 0))
    assert (done.state, done.visit.inspected_on, len(done.visit.violations)) == ("done", date(2027, 1, 20), 1)
    assert not progress.fulfilled  # almaty_city and shymkent rows are open
    with pytest.raises(InspectionError):
        inspections.record_row_reason(database, PLANNER, approved.id, rank_of(approved, 0), "closed")
    with pytest.raises(PermissionDenied):
        inspections.record_row_reason(database, INSPECTOR, approved.id, rank_of(approved, 2), "closed")
    for index in (2, 5):
        inspections.record_row_reason(
            database, PLANNER, approved.id, rank_of(approved, index), "  closed  down "
        )
    progress = inspections.plan_progress(database, PLANNER, approved.id)
    assert progress.fulfilled and (progress.count("done"), progress.count("reason")) == (2, 2)
    assert progress.row(rank_of(approved, 2)).reason.reason == "closed down"
    # An inspector reads its region's rows only, and they are all done.
    assert inspections.plan_progress(database, INSPECTOR, approved.id).fulfilled

    actions = [e.action for e in audit.browse(database, SYSTEM, AuditFilter(entity="inspection")).entries]
    assert actions.count("inspection.create") == 2 and actions.count("inspection.assign") == 1
    created = audit.browse(database, SYSTEM, AuditFilter(action="inspection.create")).entries
    assert {entry.after["number"] for entry in created} == {"71-2027-0001", "71-2027-0002"}
    reasons = audit.browse(database, SYSTEM, AuditFilter(action="plan.row_reason")).entries
    assert [entry.after["reason"] for entry in reasons] == ["closed down", "closed down"]


def test_only_approved_lists_in_the_actors_region_are_started(database: Database) -> None:
    add_assessed_registry(database)
    draft = plans.draft_plan(
        database, SYSTEM, "2027-H1", visit_histories=no_history, now=NOW, catalogue=CATALOGUE
    )
    rank = next(row.rank for row in draft.plan.included if row.bin == BINS[0])
    with pytest.raises(InspectionError, match="draft"):
        inspections.start_inspection(database, SYSTEM, draft.id, rank, HEADER, catalogue=CATALOGUE)
    plans.approve_plan(database, SYSTEM, draft.id, now=NOW)
    with pytest.raises(
        InspectionError, match=f"no row {rank}"
    ):  # an almaty_city inspector sees no astana row
        inspections.start_inspection(database, OTHER_INSPECTOR, draft.id, rank, HEADER, catalogue=CATALOGUE)
    with pytest.raises(InspectionError, match="no row 99"):
        inspections.start_inspection(database, SYSTEM, draft.id, 99, HEADER, catalogue=CATALOGUE)


def test_an_unplanned_visit_from_the_subject_card(database: Database, approved: plans.StoredPlan) -> None:
    record = inspections.create_inspection(
        database, INSPECTOR, BINS[4], HEADER, reason="complaint", now=LATER, catalogue=CATALOGUE
    )
    with pytest.raises(InspectionError):
        inspections.create_inspection(
            database, INSPECTOR, BINS[4], HEADER, reason="boredom", catalogue=CATALOGUE
        )
    start(database, approved, 0)
    card = inspections.subject_visits(database, INSPECTOR, BINS[4])
    assert card.planned == () and [(v.number, v.origin.reason) for v in card.past] == [
        ("71-2027-0001", "complaint")
    ]
    assert inspections.inspection_visit(database, INSPECTOR, record.id).origin.plan_id is None
    planned = inspections.subject_visits(database, INSPECTOR, BINS[0])
    assert [(p.plan_id, p.visit.number) for p in planned.planned] == [(approved.id, "71-2027-0002")]
    assert [v.number for v in planned.past] == ["71-2027-0002"]


def test_numbers_are_unique_under_concurrent_creation(database: Database) -> None:
    add_assessed_registry(database)
    made: list[str] = []
    failures: list[BaseException] = []

    def create() -> None:
        try:
            for _ in range(3):
                record = inspections.create_inspection(database, SYSTEM, BINS[0], HEADER, catalogue=CATALOGUE)
                made.append(inspections.inspection_visit(database, SYSTEM, record.id).number)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and not any(thread.is_alive() for thread in threads)
    assert sorted(made) == [f"71-2027-{n:04d}" for n in range(1, 13)]


def test_the_number_begins_with_the_code_the_catalogue_gives_the_region(database: Database) -> None:
    add_assessed_registry(database)
    regions = Regions(
        tuple(
            region.model_copy(update={"code": "99"}) if region.key == "astana" else region
            for region in CATALOGUE.regions
        )
    )
    catalogue = Catalogue(CATALOGUE.editions, regions=regions, bodies=CATALOGUE.bodies)
    record = inspections.create_inspection(database, SYSTEM, BINS[0], HEADER, catalogue=catalogue)
    assert inspections.inspection_visit(database, SYSTEM, record.id).number == "99-2027-0001"


def test_the_number_is_printed_on_the_forms(database: Database, approved: plans.StoredPlan) -> None:
    record = start(database, approved, 0)
    content, _, code = inspections.print_inspection(
        database, SYSTEM, record.id, format="docx", language="ru", catalogue=CATALOGUE
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert code is None and "Номер проверки" in text and "71-2027-0001" in text
    complete(database, record)
    content, _, code = inspections.print_inspection(
        database, SYSTEM, record.id, format="pdf", language="kk", catalogue=CATALOGUE
    )
    pages = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert code is not None and "71-2027-0001" in pages and "Тексеру нөмірі" in pages


def test_a_subject_card_s_visits_wait_for_no_writer(database: Database) -> None:
    """The card's visits only read: while another connection holds the write lock (SQLite's BEGIN
    IMMEDIATE; on PostgreSQL a writer blocks no reader anyway), they are read at once."""
    add_assessed_registry(database)
    with database.transaction() as writer:
        writer.connection().exec_driver_sql("UPDATE subjects SET address = address WHERE id = 0")
        started = datetime.now(UTC)
        card = inspections.subject_visits(database, INSPECTOR, BINS[0])
        assert (datetime.now(UTC) - started).total_seconds() < 5  # the busy wait would be 30 s
    assert card.planned == () and card.past == ()
