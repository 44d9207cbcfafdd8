"""The inspection workflow as a service, on SQLite and PostgreSQL: record, answer, complete (evidence and
its effect on the score), correct by revision, re-inspect, follow up, and what planning reads."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tekseru.catalog import Severity
from tekseru.scoring import GroupProfile
from tekseru.services import inspections
from tekseru.services.permissions import Actor
from tekseru.store import Database
from tekseru.store.inspections import visit_histories
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import (
    ACT_DATE,
    BINS,
    EDITION,
    NOW,
    SYSTEM,
    TODAY,
    VISIT,
    add_evidence,
    add_subjects,
    answers,
    evidence_of,
    header,
    inspect,
    score,
)


@pytest.fixture
def ids(database: Database) -> dict[int, int]:
    return add_subjects(database)


# Recording ------------------------------------------------------------------------------------------------


def test_an_inspection_is_recorded_on_the_checklist_of_the_subjects_group(
    database: Database, ids: dict[int, int]
) -> None:
    record = inspections.create_inspection(
        database, Actor.system("planner"), BINS[0], header(), now=NOW, catalogue=CATALOGUE
    )
    assert (record.subject_id, record.appendix, record.group_keys) == (ids[0], 3, ("stationary_care",))
    assert (record.status, record.kind, record.act_number, record.act_date) == (
        "draft",
        "preventive_control",
        "12-ПК",
        ACT_DATE,
    )
    assert record.edition_id == "2022-29983" and record.inspectors == ("Асқаров А.", "Петрова Е.")


def test_a_subject_in_groups_with_two_checklists_needs_the_appendix(
    database: Database, ids: dict[int, int]
) -> None:
    with pytest.raises(inspections.InspectionError, match=r"Appendix 3 \(stationary_care\), Appendix 4"):
        inspections.create_inspection(
            database, Actor.system("planner"), BINS[2], header(), catalogue=CATALOGUE
        )
    record = inspections.create_inspection(
        database, Actor.system("planner"), BINS[2], header(), appendix=4, catalogue=CATALOGUE
    )
    assert (record.appendix, record.group_keys) == (4, ("home_care",))
    with pytest.raises(inspections.InspectionError, match="choose the checklist"):
        inspections.create_inspection(
            database, Actor.system("planner"), BINS[0], header(), appendix=7, catalogue=CATALOGUE
        )


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ({"bin": BINS[9]}, inspections.SubjectNotFound, "not in the registry|is in the registry"),
        ({"kind": "audit"}, inspections.InspectionError, "unknown kind"),
        ({"act_number": " "}, inspections.InspectionError, "act number"),
        ({"inspectors": ()}, inspections.InspectionError, "at least one inspector"),
    ],
)
def test_a_header_that_cannot_be_recorded(
    database: Database, ids: dict[int, int], bad: dict[str, Any], error: type, message: str
) -> None:
    fields: dict[str, Any] = {
        "kind": "preventive_control",
        "act_number": "1",
        "act_date": ACT_DATE,
        "inspectors": ("A",),
    }
    fields.update({key: value for key, value in bad.items() if key != "bin"})
    with pytest.raises(error, match=message):
        inspections.create_inspection(
            database,
            Actor.system("planner"),
            bad.get("bin", BINS[0]),
            inspections.InspectionHeader(**fields),
            catalogue=CATALOGUE,
        )


def test_answers_with_problems_are_all_named_and_nothing_is_stored(
    database: Database, ids: dict[int, int]
) -> None:
    record = inspections.create_inspection(
        database, Actor.system("planner"), BINS[0], header(), catalogue=CATALOGUE
    )
    rows = [
        inspections.AnswerRow("1", "compliant", row=2),
        inspections.AnswerRow("99", "compliant", row=3),
        inspections.AnswerRow("x", "yes", row=4),
        inspections.AnswerRow("1", "not_required", row=5),
        inspections.AnswerRow("2", "Non-Compliant", "x" * 2001, row=6),
    ]
    with pytest.raises(inspections.AnswerFileError) as raised:
        inspections.answer_items(
            database, Actor.system("inspector"), record.id, rows, source="answers.csv", catalogue=CATALOGUE
        )
    assert [str(problem) for problem in raised.value.problems] == [
        "answers.csv, row 3, item: Appendix 3 has items 1 to 20, not '99'",
        "answers.csv, row 4, item: Appendix 3 has items 1 to 20, not 'x'",
        "answers.csv, row 4, answer: 'yes' is not one of required, not_required, compliant, non_compliant",
        "answers.csv, row 5, item: item 1 is answered twice (first on row 2)",
        "answers.csv, row 6, comment: the comment has 2,001 characters, at most 2,000",
    ]
    assert (
        inspections.inspection_sheet(database, SYSTEM, record.id, catalogue=CATALOGUE, today=date.today())
        .items[0]
        .answer
        is None
    )


def test_a_later_answer_replaces_the_earlier_one(database: Database, ids: dict[int, int]) -> None:
    record = inspections.create_inspection(
        database, Actor.system("planner"), BINS[0], header(), catalogue=CATALOGUE
    )
    inspections.answer_items(
        database, Actor.system("a"), record.id, [inspections.AnswerRow(1, "required")], catalogue=CATALOGUE
    )
    inspections.answer_items(
        database,
        Actor.system("b"),
        record.id,
        [inspections.AnswerRow(1, "non-compliant", "no log")],
        catalogue=CATALOGUE,
    )
    first = (
        inspections.inspection_sheet(database, SYSTEM, record.id, catalogue=CATALOGUE, today=date.today())
        .items[0]
        .answer
    )
    assert first is not None and (first.answer, first.comment, first.answered_by, first.criterion) == (
        "non_compliant",
        "no log",
        "b",
        3,
    )


# Completion -----------------------------------------------------------------------------------------------


def test_an_incomplete_checklist_cannot_be_completed(database: Database, ids: dict[int, int]) -> None:
    record = inspections.create_inspection(
        database, Actor.system("planner"), BINS[0], header(), catalogue=CATALOGUE
    )
    partial = answers(3, {2: "required"})[:5]
    inspections.answer_items(database, Actor.system("inspector"), record.id, partial, catalogue=CATALOGUE)
    with pytest.raises(
        inspections.ChecklistIncomplete, match=r"not answered: \[6, 7.*required but not marked.*\[2\]"
    ):
        inspections.complete_inspection(
            database, Actor.system("inspector"), record.id, today=TODAY, catalogue=CATALOGUE
        )


@pytest.mark.parametrize("visit", [date(2024, 2, 29), date(2024, 7, 1)], ids=["before the act", "future"])
def test_the_inspection_date_lies_between_the_act_and_today(
    database: Database, ids: dict[int, int], visit: date
) -> None:
    record = inspect(database, 0, visit=None)
    with pytest.raises(inspections.InspectionError, match="between the act's date and today"):
        inspections.complete_inspection(
            database, SYSTEM, record.id, inspected_on=visit, today=TODAY, catalogue=CATALOGUE
        )


def test_completion_turns_non_compliant_items_into_evidence_that_scores(
    database: Database, ids: dict[int, int]
) -> None:
    before = score(database, ids[0])
    record = inspect(database, 0, non_compliant=[1, 3])
    evidence = evidence_of(database, ids[0])
    assert [(e.criterion, e.source_group, e.observed_on, e.confirmed, e.origin) for e in evidence] == [
        (3, 1, VISIT, True, f"inspection:{record.id}"),
        (5, 1, VISIT, True, f"inspection:{record.id}"),
    ]
    assert evidence[0].reference == f"inspection {record.id} (act № 12-ПК of 2024-03-01), Appendix 3 item 1"
    after = score(database, ids[0])
    assert (before.score, before.risk_class) == (0.0, "low")
    assert after.counted_criteria == (3, 5)
    profile = GroupProfile.from_edition(EDITION, "stationary_care")  # 15 significant, 3 minor criteria
    applicable = len(profile.numbers(Severity.SIGNIFICANT)), len(profile.numbers(Severity.MINOR))
    assert after.score == round(0.7 * 100 / applicable[0] + 0.3 * 100 / applicable[1], 2) == 14.67
    assert after.risk_class == "low"
    assert score(database, ids[0], "home_care").counted_criteria == (3, 5)  # evidence is the subject's


def test_a_gross_violation_found_makes_the_score_100(database: Database, ids: dict[int, int]) -> None:
    inspect(database, 3, non_compliant=[5])
    assert (score(database, ids[3]).score, score(database, ids[3]).risk_class) == (100.0, "high")


def test_items_with_no_criterion_are_kept_but_do_not_score(database: Database, ids: dict[int, int]) -> None:
    record = inspections.create_inspection(
        database, Actor.system("planner"), BINS[1], header(), catalogue=CATALOGUE
    )
    overrides = {1: "non_compliant", 12: "non_compliant", 13: "not_required"}
    inspections.answer_items(
        database, Actor.system("inspector"), record.id, answers(7, overrides), catalogue=CATALOGUE
    )
    report = inspections.complete_inspection(
        database, Actor.system("inspector"), record.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
    )
    assert report.unscored_items == (12,)
    assert [(v.item, v.criterion) for v in report.violations] == [(1, 61), (12, None)]
    assert [e.criterion for e in evidence_of(database, ids[1])] == [61]


def test_preventive_control_uses_the_evidence_that_put_the_subject_on_the_list(
    database: Database, ids: dict[int, int]
) -> None:
    add_evidence(database, ids[0], 4, date(2024, 1, 15), "portal report")
    add_evidence(database, ids[0], 6, date(2024, 3, 3), "after the act")
    assert score(database, ids[0], as_of=date(2024, 3, 4)).counted_criteria == (4, 6)
    record = inspections.create_inspection(
        database, Actor.system("planner"), BINS[0], header(), catalogue=CATALOGUE
    )
    inspections.answer_items(
        database, Actor.system("inspector"), record.id, answers(3, {9: "non_compliant"}), catalogue=CATALOGUE
    )
    report = inspections.complete_inspection(
        database, SYSTEM, record.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
    )
    assert report.evidence_used == 1
    used = {e.reference: e.used_on for e in evidence_of(database, ids[0])}
    assert used["portal report"] == VISIT and used["after the act"] is None
    assert score(database, ids[0]).counted_criteria == (6, 11)  # used evidence is not used again


def test_an_inspection_other_than_preventive_control_uses_no_evidence(
    database: Database, ids: dict[int, int]
) -> None:
    add_evidence(database, ids[0], 4, date(2024, 1, 15), "portal report")
    inspect(database, 0, kind="unscheduled_inspection")
    assert [e.used_on for e in evidence_of(database, ids[0])] == [None]


def test_evidence_used_for_one_visit_is_not_used_again(database: Database, ids: dict[int, int]) -> None:
    add_evidence(database, ids[0], 4, date(2024, 1, 15), "portal report")
    inspect(database, 0)
    inspect(database, 0, act_date=date(2024, 6, 1), visit=date(2024, 6, 10))
    assert [e.used_on for e in evidence_of(database, ids[0])] == [VISIT]


def test_a_completed_inspection_cannot_be_edited(database: Database, ids: dict[int, int]) -> None:
    record = inspect(database, 0)
    with pytest.raises(inspections.InspectionFrozen, match="correct it with a new revision"):
        inspections.answer_items(
            database, SYSTEM, record.id, [inspections.AnswerRow(1, "non_compliant")], catalogue=CATALOGUE
        )
    with pytest.raises(inspections.InspectionFrozen):
        inspections.complete_inspection(database, SYSTEM, record.id, today=TODAY, catalogue=CATALOGUE)
    with pytest.raises(inspections.InspectionNotFound):
        inspections.complete_inspection(database, SYSTEM, 999, today=TODAY, catalogue=CATALOGUE)


# Revisions ------------------------------------------------------------------------------------------------


def test_a_revision_replaces_the_evidence_and_the_old_one_stays_readable(
    database: Database, ids: dict[int, int]
) -> None:
    first = inspect(database, 0, non_compliant=[1, 3])
    inspections.follow_up(database, SYSTEM, first.id, 1, deadline=date(2024, 4, 30), today=TODAY)
    second = inspections.revise_inspection(
        database,
        SYSTEM,
        first.id,
        reason="item 3 was compliant",
        corrections={"act_number": "12-ПК/1"},
    )
    assert (second.status, second.revision, second.revises_id, second.act_number) == (
        "draft",
        2,
        first.id,
        "12-ПК/1",
    )
    assert [e.origin for e in evidence_of(database, ids[0])] == [
        f"inspection:{first.id}"
    ] * 2  # until completed
    inspections.answer_items(
        database,
        SYSTEM,
        second.id,
        [inspections.AnswerRow(3, "compliant"), inspections.AnswerRow(9, "non_compliant")],
        catalogue=CATALOGUE,
    )
    report = inspections.complete_inspection(
        database, SYSTEM, second.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
    )
    assert (report.evidence.created, report.evidence_removed) == (2, 2)
    evidence = evidence_of(database, ids[0])
    assert {(e.criterion, e.origin) for e in evidence} == {
        (3, f"inspection:{second.id}"),
        (11, f"inspection:{second.id}"),
    }
    assert all("12-ПК/1" in e.reference for e in evidence)
    assert score(database, ids[0]).counted_criteria == (3, 11)
    carried = {v.item: v.deadline for v in report.violations}
    assert carried == {1: date(2024, 4, 30), 9: None}
    old = inspections.inspection_sheet(database, SYSTEM, first.id, catalogue=CATALOGUE, today=date.today())
    assert (old.inspection.superseded_by_id, old.items[2].answer.answer) == (second.id, "non_compliant")  # type: ignore[union-attr]
    assert [r.id for r in old.revisions] == [first.id, second.id]


@pytest.mark.parametrize("case", ["draft", "superseded", "pending", "no reason", "unknown field"])
def test_what_cannot_be_revised(database: Database, ids: dict[int, int], case: str) -> None:
    record = inspect(database, 0, visit=None if case == "draft" else VISIT)
    if case in ("superseded", "pending"):
        second = inspections.revise_inspection(database, SYSTEM, record.id, reason="r")
        if case == "superseded":
            inspections.complete_inspection(
                database, SYSTEM, second.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
            )
    reason = "" if case == "no reason" else "r"
    corrections = {"subject_id": 5} if case == "unknown field" else None
    with pytest.raises(inspections.InspectionError):
        inspections.revise_inspection(database, SYSTEM, record.id, reason=reason, corrections=corrections)


# Re-inspection and follow-up ------------------------------------------------------------------------------


def test_a_reinspection_shows_previous_answers_and_violations_still_open(
    database: Database, ids: dict[int, int]
) -> None:
    first = inspect(database, 0, non_compliant=[1, 3])
    inspections.follow_up(database, SYSTEM, first.id, 1, deadline=date(2024, 4, 1), today=TODAY)
    inspections.follow_up(
        database,
        SYSTEM,
        first.id,
        3,
        status="eliminated",
        eliminated_on=date(2024, 4, 2),
        today=TODAY,
    )
    again = inspections.create_inspection(
        database, SYSTEM, BINS[0], header("unscheduled_inspection", date(2024, 6, 1)), catalogue=CATALOGUE
    )
    sheet = inspections.inspection_sheet(
        database, SYSTEM, again.id, language="ru", today=TODAY, catalogue=CATALOGUE
    )
    assert sheet.previous is not None and sheet.previous.id == first.id
    by_item = {item.number: item for item in sheet.items}
    assert by_item[1].previous_answer.answer == "non_compliant"  # type: ignore[union-attr]
    assert by_item[2].previous_answer.answer == "compliant"  # type: ignore[union-attr]
    assert [(v.found_by.id, v.status) for v in by_item[1].open_violations] == [(first.id, "overdue")]
    assert by_item[3].open_violations == () and by_item[1].answer is None
    assert by_item[1].text == EDITION.checklist(3).items[0].text.ru
    assert (
        inspections.inspection_sheet(
            database, SYSTEM, first.id, catalogue=CATALOGUE, today=date.today()
        ).previous
        is None
    )


def test_follow_up_statuses(database: Database, ids: dict[int, int]) -> None:
    record = inspect(database, 0, non_compliant=[1])
    view = inspections.follow_up(database, SYSTEM, record.id, 1, deadline=date(2024, 7, 1), today=TODAY)
    assert (view.status, view.record.deadline, view.found_by.id) == ("open", date(2024, 7, 1), record.id)
    assert inspections.violation_status(view.record, date(2024, 7, 2)) == "overdue"
    done = inspections.follow_up(
        database, Actor.system("y"), record.id, 1, status="eliminated", note="fixed", today=TODAY
    )
    assert (done.status, done.record.eliminated_on, done.record.note, done.record.updated_by) == (
        "eliminated",
        TODAY,
        "fixed",
        "y",
    )
    assert inspections.violation_status(done.record, date(2025, 1, 1)) == "eliminated"
    reopened = inspections.follow_up(database, SYSTEM, record.id, 1, status="open", today=TODAY)
    assert (reopened.status, reopened.record.eliminated_on) == ("open", None)


@pytest.mark.parametrize(
    ("item", "changes", "message"),
    [
        (2, {"deadline": date(2024, 4, 1)}, "no violation in item 2"),
        (1, {"deadline": date(2024, 3, 4)}, "before the inspection"),
        (1, {"status": "closed"}, "open or eliminated"),
    ],
)
def test_follow_up_that_is_refused(
    database: Database, ids: dict[int, int], item: int, changes: dict[str, Any], message: str
) -> None:
    record = inspect(database, 0, non_compliant=[1])
    with pytest.raises(inspections.InspectionError, match=message):
        inspections.follow_up(database, SYSTEM, record.id, item, today=TODAY, **changes)


def test_a_draft_has_nothing_to_follow_up(database: Database, ids: dict[int, int]) -> None:
    record = inspect(database, 0, non_compliant=[1], visit=None)
    with pytest.raises(inspections.InspectionError, match="is a draft"):
        inspections.follow_up(database, SYSTEM, record.id, 1, deadline=date(2024, 4, 1), today=date.today())


def test_a_misspelled_change_is_an_error_not_ignored(database: Database, ids: dict[int, int]) -> None:
    record = inspect(database, 0, non_compliant=[1])
    misspelled: dict[str, Any] = {"dead_line": date(2024, 4, 1)}
    with pytest.raises(TypeError, match="dead_line"):
        inspections.follow_up(database, SYSTEM, record.id, 1, today=TODAY, **misspelled)


def test_planning_reads_the_visit_histories(database: Database, ids: dict[int, int]) -> None:
    control = inspect(database, 0, non_compliant=[1, 3])
    inspect(database, 3, kind="compliance_inspection", visit=date(2024, 4, 1))
    with database.transaction() as session:
        histories = visit_histories(session)
    assert histories[ids[0]].violations_of_last_preventive_control_eliminated_in_full is False
    assert (histories[ids[3]].last_visit_on, histories[ids[3]].last_visit_was_preventive_control) == (
        date(2024, 4, 1),
        False,
    )
    for item in (1, 3):
        inspections.follow_up(database, SYSTEM, control.id, item, status="eliminated", today=TODAY)
    with database.transaction() as session:
        assert visit_histories(session)[ids[0]].violations_of_last_preventive_control_eliminated_in_full


def test_listing_inspections(database: Database, ids: dict[int, int]) -> None:
    first = inspect(database, 0)
    second = inspections.revise_inspection(database, SYSTEM, first.id, reason="r")
    other = inspect(database, 3, visit=None)
    assert [r.id for r, _ in inspections.list_inspections(database, SYSTEM)] == [
        first.id,
        second.id,
        other.id,
    ]
    assert [s.bin for _, s in inspections.list_inspections(database, SYSTEM, bin=BINS[3])] == [BINS[3]]
    assert [r.id for r, _ in inspections.list_inspections(database, SYSTEM, status="draft")] == [
        second.id,
        other.id,
    ]
    inspections.complete_inspection(
        database, SYSTEM, second.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
    )
    assert [r.id for r, _ in inspections.list_inspections(database, SYSTEM, bin=BINS[0])] == [second.id]
    assert len(inspections.list_inspections(database, SYSTEM, bin=BINS[0], include_superseded=True)) == 2
    with pytest.raises(inspections.SubjectNotFound):
        inspections.list_inspections(database, SYSTEM, bin=BINS[9])
