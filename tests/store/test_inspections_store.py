"""The inspections repository on SQLite and PostgreSQL: drafts, answers, completion, revisions, evidence,
follow-up, visit histories and issued documents; a completed inspection is frozen in the database too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tekseru.store import Database, EvidenceData, inspections
from tekseru.store import documents_store as documents
from tekseru.store import inspection_edits as edits
from tekseru.store.evidence import evidence_for_subjects, mark_used, upsert_evidence
from tekseru.store.inspections import AnswerData, AttachmentData, InspectionData, InspectionFrozen
from tekseru.store.migrate import differences
from tests.store.factories import add_subjects

NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)


def draft(
    database: Database,
    subject_id: int,
    *,
    kind: str = "preventive_control",
    act_date: date = date(2024, 3, 1),
) -> inspections.InspectionRecord:
    data = InspectionData(
        subject_id, "2022-29983", 3, ("stationary_care",), kind, "7", act_date, ("Inspector",)
    )
    with database.transaction() as session:
        return inspections.add_inspection(session, data, created_by="planner", now=NOW)


def answer(database: Database, inspection_id: int, *answers: tuple[int, int | None, str]) -> None:
    rows = [AnswerData(item, criterion, value, f"item {item}") for item, criterion, value in answers]
    with database.transaction() as session:
        edits.set_answers(session, inspection_id, rows, answered_by="inspector", now=NOW)


def complete(
    database: Database, inspection_id: int, on: date = date(2024, 3, 5)
) -> inspections.InspectionRecord:
    with database.transaction() as session:
        done = inspections.complete(
            session, inspection_id, inspected_on=on, completed_by="inspector", now=NOW
        )
        inspections.add_violations(
            session, done, carried_from=done.revises_id, updated_by="inspector", now=NOW
        )
        return done


def test_the_migrated_tables_match_the_models(database: Database) -> None:
    assert differences(database.engine) == []


def test_a_draft_is_stored_and_answered(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    assert (record.status, record.revision, record.series_id, record.inspectors) == (
        "draft",
        1,
        record.id,
        ("Inspector",),
    )
    answer(database, record.id, (1, 3, "compliant"), (2, 4, "required"))
    answer(database, record.id, (2, 4, "non_compliant"))
    with database.transaction() as session:
        stored = inspections.answers_of(session, record.id)
    assert [(a.item, a.criterion, a.answer) for a in stored] == [(1, 3, "compliant"), (2, 4, "non_compliant")]


def test_an_unknown_answer_is_refused_by_the_database(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    with pytest.raises(DBAPIError):
        answer(database, record.id, (1, 3, "maybe"))


def test_a_completed_inspection_is_frozen_here_and_in_the_database(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    answer(database, record.id, (1, 3, "non_compliant"))
    done = complete(database, record.id)
    assert (done.status, done.inspected_on, done.completed_by) == ("completed", date(2024, 3, 5), "inspector")
    with pytest.raises(InspectionFrozen, match="cannot change"):
        answer(database, record.id, (1, 3, "compliant"))
    attachment = AttachmentData(None, "a.pdf", "application/pdf", 1, "0" * 64, "x")
    with pytest.raises(InspectionFrozen), database.transaction() as session:
        inspections.add_attachment(session, record.id, attachment, added_by="x", now=NOW)
    statements = [
        "UPDATE inspections SET act_number = 'forged'",
        "UPDATE inspection_answers SET answer = 'compliant'",
        "DELETE FROM inspection_answers",
        "DELETE FROM inspections",
        "INSERT INTO inspection_answers"
        " (inspection_id, item, criterion, answer, comment, answered_by, answered_at, version)"
        f" VALUES ({record.id}, 2, 4, 'compliant', '', 'x', '2024-01-01', 1)",
    ]
    for statement in statements:
        with (
            pytest.raises(DBAPIError, match="completed inspection cannot change"),
            database.transaction() as s,
        ):
            s.execute(text(statement))


def test_a_revision_supersedes_the_revision_it_corrects_when_completed(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    first = draft(database, subject_id)
    answer(database, first.id, (1, 3, "non_compliant"), (2, 4, "compliant"))
    complete(database, first.id)
    with database.transaction() as session:
        old = inspections.get_or_raise(session, first.id)
        data = InspectionData(**{name: getattr(old, name) for name in InspectionData.__dataclass_fields__})
        second = inspections.add_inspection(
            session, data, created_by="x", now=NOW, revises=old, reason="typo"
        )
        inspections.copy_parts(session, first.id, second.id)
        assert inspections.pending_revision(session, first.id) == second
    assert (second.revision, second.revises_id, second.first_revision_id) == (2, first.id, first.id)
    with pytest.raises(DBAPIError), database.transaction() as session:  # one correction at a time
        inspections.add_inspection(session, data, created_by="x", now=NOW, revises=old, reason="again")
    complete(database, second.id)
    with database.transaction() as session:
        assert inspections.get_or_raise(session, first.id).superseded_by_id == second.id
        assert [r.id for r in inspections.revisions(session, second)] == [first.id, second.id]
        assert [r.id for r in inspections.list_inspections(session)] == [second.id]
        assert len(inspections.list_inspections(session, current_only=False)) == 2
        assert [a.item for a in inspections.answers_of(session, second.id)] == [1, 2]


def test_replacing_evidence_removes_the_old_revision_and_keeps_use(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    old = [EvidenceData(subject_id, c, 1, date(2024, 3, 5), f"old {c}", True, "inspection:1") for c in (3, 4)]
    new = [EvidenceData(subject_id, c, 1, date(2024, 3, 5), f"new {c}", True, "inspection:2") for c in (3, 5)]
    with database.transaction() as session:
        upsert_evidence(session, old, entered_by="x", entered_at=NOW)
        used = [e.id for e in evidence_for_subjects(session, [subject_id]) if e.criterion == 3]
        mark_used(session, used, date(2024, 9, 1))
        counts, removed = inspections.replace_evidence(
            session, new, replaces_origin="inspection:1", entered_by="x", entered_at=NOW
        )
        stored = evidence_for_subjects(session, [subject_id])
    assert (counts.created, removed) == (2, 2)
    assert {(e.reference, e.used_on) for e in stored} == {("new 3", date(2024, 9, 1)), ("new 5", None)}


def test_a_visit_uses_the_unused_evidence_observed_up_to_a_day(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    rows = [
        EvidenceData(subject_id, 3, 2, date(2024, 1, 10), "before", None, "file.csv:2"),
        EvidenceData(subject_id, 4, 2, date(2024, 1, 11), "used before", None, "file.csv:3"),
        EvidenceData(subject_id, 5, 2, date(2024, 3, 2), "after", None, "file.csv:4"),
        EvidenceData(subject_id, 6, 1, date(2024, 2, 1), "own finding", True, "inspection:9"),
    ]
    with database.transaction() as session:
        upsert_evidence(session, rows, entered_by="x", entered_at=NOW)
        earlier = [e.id for e in evidence_for_subjects(session, [subject_id]) if e.reference == "used before"]
        mark_used(session, earlier, date(2024, 1, 20))
        marked = inspections.use_evidence_for_visit(
            session,
            subject_id,
            observed_up_to=date(2024, 3, 1),
            used_on=date(2024, 3, 5),
            exclude_origins=["inspection:9"],
        )
        used = {e.reference: e.used_on for e in evidence_for_subjects(session, [subject_id])}
    assert marked == 1
    assert used == {
        "before": date(2024, 3, 5),
        "used before": date(2024, 1, 20),
        "after": None,
        "own finding": None,
    }


def test_follow_up_of_a_violation(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    answer(database, record.id, (1, 3, "non_compliant"), (2, None, "non_compliant"), (3, 5, "compliant"))
    complete(database, record.id)
    with database.transaction() as session:
        violations = inspections.violations_of(session, [record.id])
        assert [(v.item, v.criterion, v.status) for v in violations] == [(1, 3, "open"), (2, None, "open")]
        changes = {"status": "eliminated", "eliminated_on": date(2024, 4, 1), "deadline": date(2024, 4, 5)}
        updated = edits.update_violation(session, record.id, 1, changes, by="inspector", now=NOW)
        assert (updated.status, updated.eliminated_on, updated.deadline) == (
            "eliminated",
            date(2024, 4, 1),
            date(2024, 4, 5),
        )
        with pytest.raises(inspections.InspectionError, match="no violation in item 3"):
            edits.update_violation(session, record.id, 3, {"note": "x"}, by="inspector", now=NOW)
    with pytest.raises(DBAPIError), database.transaction() as session:  # eliminated needs its date
        edits.update_violation(session, record.id, 2, {"status": "eliminated"}, by="inspector", now=NOW)


@pytest.mark.parametrize(
    ("eliminated", "expected"), [((), False), ((1,), False), ((1, 2), True)], ids=["none", "some", "all"]
)
def test_visit_histories(database: Database, eliminated: tuple[int, ...], expected: bool) -> None:
    first, second, third = add_subjects(database, 3)
    control = draft(database, first)
    answer(database, control.id, (1, 3, "non_compliant"), (2, 4, "non_compliant"))
    complete(database, control.id, date(2024, 3, 5))
    clean = draft(database, second)
    answer(database, clean.id, (1, 3, "compliant"))
    complete(database, clean.id, date(2024, 2, 1))
    later = draft(database, second, kind="unscheduled_inspection")
    answer(database, later.id, (1, 3, "non_compliant"))
    complete(database, later.id, date(2024, 5, 1))
    draft(database, third)
    with database.transaction() as session:
        for item in eliminated:
            changes = {"status": "eliminated", "eliminated_on": date(2024, 4, 1)}
            edits.update_violation(session, control.id, item, changes, by="x", now=NOW)
        histories = inspections.visit_histories(session)
    assert set(histories) == {first, second}
    assert histories[first].last_visit_on == date(2024, 3, 5)
    assert histories[first].last_visit_was_preventive_control is True
    assert histories[first].violations_of_last_preventive_control_eliminated_in_full is expected
    assert histories[first].subject_id == str(first)
    assert (histories[second].last_visit_on, histories[second].last_visit_was_preventive_control) == (
        date(2024, 5, 1),
        False,
    )
    assert histories[second].violations_of_last_preventive_control_eliminated_in_full is None


def test_issued_documents_are_recorded_once_per_file(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    code = "TK-0000-0000-0001"
    pdf = documents.DocumentData(code, "f" * 64, "a" * 64, "pdf", "kk", 3, record.id, "ref", None)
    docx = replace(pdf, file_sha256="b" * 64, format="docx")
    with database.transaction() as session:
        first = documents.record_document(session, pdf, created_by="x", now=NOW)
        assert documents.record_document(session, pdf, created_by="y", now=NOW) == first
        second = documents.record_document(session, docx, created_by="x", now=NOW)
        assert documents.documents_with_code(session, code) == [first, second]
        assert documents.documents_of_inspection(session, record.id) == [first, second]
        assert documents.documents_with_code(session, "TK-0000-0000-0002") == []
    assert (first.created_by, first.format, second.format) == ("x", "pdf", "docx")
