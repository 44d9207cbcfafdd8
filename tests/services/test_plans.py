"""Semi-annual lists as a planner uses them: draft from stored results, approve, publish, compare, print."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tekseru.catalog_files import control_body, load_catalogue
from tekseru.planning import DiffReason, ExclusionReason, HalfYear, VisitHistory
from tekseru.planning.diff import FieldChange
from tekseru.services import plans
from tekseru.services.permissions import Actor
from tekseru.services.plans import (
    CapacityError,
    CapacityFileError,
    NoAssessment,
    PlanFrozen,
    PlanNotApproved,
    PlanNotFound,
    StoredPlan,
)
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.web.support import CHEAP_PASSWORDS, create_user

from .plan_data import BINS, FIRST_RUN, NOW, SYSTEM, add_assessed_registry, add_run, no_history

H1 = HalfYear(2027, 1)
LATER = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def ids(database: Database) -> dict[int, int]:
    return add_assessed_registry(database)


def draft(database: Database, **options: Any) -> StoredPlan:
    options.setdefault("visit_histories", no_history)
    options.setdefault("catalogue", CATALOGUE)
    drafter = Actor.system(options.pop("created_by", "planner"))
    return plans.draft_plan(database, drafter, options.pop("half_year", H1), now=NOW, **options)


def bins(rows: Any) -> list[str]:
    return [row.bin for row in rows]


def test_draft_from_stored_results(database: Database, ids: dict[int, int]) -> None:
    stored = draft(database, capacity={"Астана": 1})
    record, formed = stored.record, stored.plan
    assert (record.status, record.half_year, record.as_of, record.edition_id) == (
        "draft",
        "2027-H1",
        date(2026, 11, 15),
        "2022-29983",
    )
    assert record.created_by == "planner" and record.previous_plan_id is None
    assert record.capacity == {"astana": 1}
    assert bins(formed.included) == [BINS[0], BINS[5], BINS[2]]
    assert [row.rank for row in formed.included] == [1, 2, 3]
    assert [row.planned_month for row in formed.included] == [1, 1, 1]
    assert [(row.bin, row.rank, row.planned_month) for row in formed.overflow] == [(BINS[1], 4, None)]
    first = formed.included[0]
    assert (first.subject_id, first.region, first.groups, first.score, first.risk_class) == (
        str(ids[0]),
        "astana",
        ("stationary_care",),
        100.0,
        "high",
    )
    assert first.main_reasons == (7, 8, 1, 5)  # gross, then significant, then minor; each by number
    assert (first.gross_count, first.significant_count, first.minor_count) == (2, 1, 1)
    assert {(row.bin, row.reason) for row in formed.excluded} == {
        (BINS[3], ExclusionReason.NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA),
        (BINS[4], ExclusionReason.CLASS_NOT_CANDIDATE),
    }
    assert plans.get_plan(database, SYSTEM, stored.id) == stored


def test_draft_takes_the_assessment_as_of_a_day(database: Database, ids: dict[int, int]) -> None:
    later = {index: (10.0, "low", ()) for index in FIRST_RUN}
    add_run(database, ids, later, as_of=date(2026, 12, 1), started=LATER)
    assert draft(database).plan.included == ()
    on_or_before = draft(database, as_of=date(2026, 11, 30))
    assert on_or_before.record.as_of == date(2026, 11, 15) and len(on_or_before.plan.included) == 4
    with pytest.raises(NoAssessment, match="as of 2026-11-14 or earlier"):
        draft(database, as_of=date(2026, 11, 14))


def test_no_finished_assessment(database: Database) -> None:
    with pytest.raises(NoAssessment, match="run the assessment first"):
        draft(database)
    assert plans.list_plans(database, SYSTEM) == []


def test_visit_histories_come_from_the_provider(database: Database, ids: dict[int, int]) -> None:
    def visits(session: Session) -> Mapping[int, VisitHistory]:
        assert isinstance(session, Session)
        return {
            ids[5]: VisitHistory("ignored", last_visit_on=date(2026, 9, 1)),
            ids[0]: VisitHistory(
                "ignored",
                last_visit_on=date(2025, 10, 1),
                last_visit_was_preventive_control=True,
                violations_of_last_preventive_control_eliminated_in_full=True,
            ),
        }

    formed = draft(database, half_year="2027-H1", visit_histories=visits).plan
    reasons = {row.bin: row.reason for row in formed.excluded}
    assert reasons[BINS[5]] is ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT
    assert reasons[BINS[0]] is ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL
    assert bins(formed.included) == [BINS[1], BINS[2]]


def test_an_approved_list_cannot_change(database: Database, ids: dict[int, int]) -> None:
    stored = draft(database)
    approved = plans.approve_plan(database, Actor.system("Ә. Нұрғали"), stored.id, now=LATER)
    assert approved.record.status == "approved" and approved.approval("Asia/Almaty") == (
        "Ә. Нұрғали",
        date(2026, 12, 1),
    )
    assert approved.plan == stored.plan
    for attempt in (
        lambda: plans.approve_plan(database, Actor.system("someone else"), stored.id),
        lambda: plans.discard_draft(database, SYSTEM, stored.id),
    ):
        with pytest.raises(PlanFrozen, match=f"plan {stored.id} is approved and cannot change"):
            attempt()
    assert plans.get_plan(database, SYSTEM, stored.id) == approved


def test_the_list_names_an_accounts_full_name_not_its_login(database: Database, ids: dict[int, int]) -> None:
    """The command line acts as the system in an account's name (`--by head-planner`): the list printed for
    the prosecutor's office names the official, not the login."""
    create_user(database, SYSTEM, username="head-planner", full_name="Әлия Нұрланқызы", role="planner",
                password="correct horse battery", passwords=CHEAP_PASSWORDS)  # fmt: skip
    stored = draft(database)
    approved = plans.approve_plan(database, Actor.system("head-planner"), stored.id, now=LATER)
    assert approved.approval("Asia/Almaty") == ("Әлия Нұрланқызы", date(2026, 12, 1))
    published = plans.publish_plan(
        database, Actor.system("no-such-account"), stored.id, now=LATER, catalogue=CATALOGUE
    )
    assert published.record.published_by == "no-such-account"  # no account: the name given is all there is
    content, _ = plans.plan_document(
        database, SYSTEM, stored.id, format="pdf", language="ru", catalogue=CATALOGUE, zone="Asia/Almaty"
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages[:1])
    assert "Әлия Нұрланқызы" in text and "head-planner" not in text


def test_publish_only_after_approval(database: Database, ids: dict[int, int]) -> None:
    stored = draft(database)
    with pytest.raises(PlanNotApproved, match="only an approved plan can be published"):
        plans.publish_plan(database, Actor.system("secretary"), stored.id, catalogue=CATALOGUE)
    assert plans.get_plan(database, SYSTEM, stored.id) == stored
    plans.approve_plan(database, Actor.system("head"), stored.id, now=LATER)
    published = plans.publish_plan(
        database, Actor.system("secretary"), stored.id, now=LATER, catalogue=CATALOGUE
    )
    assert (published.record.status, published.record.published_by) == ("published", "secretary")
    assert published.approval("Asia/Almaty") == ("head", date(2026, 12, 1))
    with pytest.raises(PlanFrozen, match="is published"):
        plans.publish_plan(database, Actor.system("secretary"), stored.id, catalogue=CATALOGUE)
    with pytest.raises(PlanFrozen):
        plans.approve_plan(database, Actor.system("head"), stored.id)
    assert plans.get_plan(database, SYSTEM, stored.id) == published
    with pytest.raises(PlanNotFound):
        plans.approve_plan(database, Actor.system("head"), 9999)


def test_a_draft_can_be_discarded(database: Database, ids: dict[int, int]) -> None:
    stored = draft(database)
    plans.discard_draft(database, SYSTEM, stored.id)
    with pytest.raises(PlanNotFound, match=f"there is no plan {stored.id}"):
        plans.get_plan(database, SYSTEM, stored.id)


def test_a_new_draft_is_compared_with_the_approved_list(database: Database, ids: dict[int, int]) -> None:
    first = draft(database, capacity={"astana": 1})
    plans.approve_plan(database, Actor.system("head"), first.id, now=LATER)
    changed = dict(FIRST_RUN)
    changed[0] = (10.0, "low", ())
    changed[1] = (100.0, "high", (7,))
    changed[2] = (85.0, "high", (1, 2, 3))
    add_run(database, ids, changed, as_of=date(2026, 12, 1), started=LATER)
    second = draft(database, capacity={"astana": 1})
    assert second.record.previous_plan_id == first.id
    comparison = plans.plan_diff(database, SYSTEM, second.id)
    assert comparison.previous is not None and comparison.previous.id == first.id
    assert comparison.diff is not None
    assert [(item.row.bin, item.reason) for item in comparison.diff.added] == [
        (BINS[1], DiffReason.WAS_BEYOND_CAPACITY)
    ]
    [removed] = comparison.diff.removed
    assert (removed.row.bin, removed.reason) == (BINS[0], DiffReason.NOW_EXCLUDED)
    assert removed.exclusions == (ExclusionReason.CLASS_NOT_CANDIDATE,)
    moved = {item.current.bin: item.changes for item in comparison.diff.moved}
    assert set(moved) == {BINS[5], BINS[2]}
    assert FieldChange("rank", 3, 2) in moved[BINS[2]] and FieldChange("score", 45.0, 85.0) in moved[BINS[2]]
    assert plans.plan_diff(database, SYSTEM, first.id).diff is None


def test_the_first_list_of_a_half_year_is_compared_with_the_previous_half_year(
    database: Database, ids: dict[int, int]
) -> None:
    h1 = draft(database)
    h2_draft = draft(database, half_year="2027-H2")
    assert h2_draft.record.previous_plan_id == h1.id  # the previous half-year's last list, even a draft
    plans.approve_plan(database, Actor.system("head"), h2_draft.id)
    again = draft(database, half_year="2027-H2")
    assert again.record.previous_plan_id == h2_draft.id  # the approved list of the same half-year
    assert [stored.id for stored in plans.list_plans(database, SYSTEM, half_year="2027-H2")] == [
        again.id,
        h2_draft.id,
    ]
    assert [stored.id for stored in plans.list_plans(database, SYSTEM, status="approved")] == [h2_draft.id]


def test_an_unknown_region_in_the_capacity(database: Database, ids: dict[int, int]) -> None:
    with pytest.raises(CapacityError, match="unknown region 'Atlantis'"):
        draft(database, capacity={"Atlantis": 3})
    with pytest.raises(CapacityError, match="twice"):
        draft(database, capacity={"astana": 3, "Астана": 2})
    with pytest.raises(CapacityError, match="whole number"):
        draft(database, capacity={"astana": -1})
    assert plans.list_plans(database, SYSTEM) == []


# Capacity files ------------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "capacity.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_capacity_file_names_regions_in_any_language(tmp_path: Path) -> None:
    path = write(tmp_path, "region;visits\nАстана;4\nAlmaty region;0\nШымкент қаласы;12\n")
    assert plans.read_capacity_file(path, CATALOGUE.regions) == {
        "almaty_region": 0,
        "astana": 4,
        "shymkent": 12,
    }


def test_capacity_file_errors_name_the_file_row_and_field(tmp_path: Path) -> None:
    text = "region,visits\nAtlantis,3\nastana,many\n,2\nАстана,1\nastana,5\npavlodar,\nabai,1,9\n"
    with pytest.raises(CapacityFileError) as caught:
        plans.read_capacity_file(write(tmp_path, text), CATALOGUE.regions)
    found = [(error.file, error.row, error.field, error.kind.value) for error in caught.value.errors]
    assert found == [
        ("capacity.csv", 2, "region", "unknown_region"),
        ("capacity.csv", 3, "visits", "invalid_number"),
        ("capacity.csv", 4, "region", "missing_value"),
        ("capacity.csv", 6, "region", "duplicate_row"),
        ("capacity.csv", 7, "visits", "missing_value"),
        ("capacity.csv", 8, None, "too_many_values"),
    ]
    assert "is already in row 5" in str(caught.value.errors[3])
    assert caught.value.errors[3].text("ru") == "регион 'astana' уже есть в строке 5 этого файла"
    visits = caught.value.errors[1].text("kk")
    assert visits == "тексеру саны 0-ден кем емес бүтін сан болуы керек, 'many' емес"
    assert (
        str(caught.value.errors[1])
        == "capacity.csv, row 3, visits: visits must be a whole number >= 0, not 'many'"
    )


def test_a_capacity_file_without_its_columns(tmp_path: Path) -> None:
    with pytest.raises(CapacityFileError) as caught:
        plans.read_capacity_file(write(tmp_path, "oblast,visits\nastana,1\n"), CATALOGUE.regions)
    [error] = caught.value.errors
    assert (error.row, error.field, error.kind.value) == (1, "region", "missing_column")
    with pytest.raises(CapacityFileError, match="there is no file"):
        plans.read_capacity_file(tmp_path / "missing.csv", CATALOGUE.regions)


# Printed lists -------------------------------------------------------------------------------------------


def xlsx_text(path: Path) -> str:
    return "\n".join(
        str(cell)
        for sheet in load_workbook(path).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


EXPECTED = {
    "kk": (
        "Еңбек және әлеуметтік қорғау комитеті",
        "Стационар",
        "Астана",
        "Бекітілді: Ә. Нұрғали, 01.12.2026",
        "2027 жылғы бірінші жартыжылдық",
    ),
    "ru": (
        "Комитет труда и социальной защиты Министерства",
        "стационар",
        "Астана",
        "Утверждён: Ә. Нұрғали, 01.12.2026",
        "первое полугодие 2027 года",
    ),
}


def print_list(database: Database, plan_id: int, format: str, language: str, folder: Path) -> Path:
    """The printed list written to `folder` under the name a user downloads it with."""
    content, name = plans.plan_document(
        database, SYSTEM, plan_id, format=format, language=language, catalogue=CATALOGUE, zone="Asia/Almaty"
    )
    (folder / name).write_bytes(content)
    return folder / name


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_printed_lists_in_kazakh_and_russian(
    database: Database, ids: dict[int, int], tmp_path: Path, language: str
) -> None:
    stored = draft(database)
    plans.approve_plan(database, Actor.system("Ә. Нұрғали"), stored.id, now=LATER)
    for render_format, read in (("xlsx", xlsx_text), ("pdf", pdf_text)):
        path = print_list(database, stored.id, render_format, language, tmp_path)
        text = read(path)
        assert "халықты әлеуметтік қорғау комитеті" not in text  # the Committee's name before issue 13
        for expected in EXPECTED[language]:
            assert expected.lower() in text.lower(), (render_format, expected)
        assert BINS[0] in text and "«Қамқор-0» КММ" in text
        assert f"Список № {stored.id}" in text or f"Тізім № {stored.id}" in text
        # Rows cite criteria by number; the annex has each one's whole text.
        criterion = getattr(load_catalogue().edition("2022-29983").criteria[7].text, language)
        assert " ".join(criterion.split()) in " ".join(text.split())


def test_printed_list_of_a_draft(database: Database, ids: dict[int, int], tmp_path: Path) -> None:
    stored = draft(database)
    text = xlsx_text(print_list(database, stored.id, "xlsx", "kk", tmp_path))
    assert control_body().name.kk in text and "Бекітілмеген (жоба)" in text
    with pytest.raises(ValueError, match="xlsx or pdf"):
        print_list(database, stored.id, "docx", "kk", tmp_path)
    with pytest.raises(ValueError, match="kk or ru"):
        print_list(database, stored.id, "pdf", "en", tmp_path)


def test_a_list_of_one_region_names_its_territorial_department(
    database: Database, ids: dict[int, int]
) -> None:
    plan, bodies = draft(database).plan, load_catalogue().bodies
    assert plans.state_body(plan, "ru", bodies) == control_body().name.ru  # three regions: the Committee
    astana = replace(plan, included=tuple(r for r in plan.included if r.region == "astana"), overflow=())
    assert plans.state_body(astana, "kk", bodies) == control_body("astana").name.kk
    assert (
        plans.state_body(astana, "ru", bodies)
        == "Департамент Комитета труда и социальной защиты по городу Астана"
    )
