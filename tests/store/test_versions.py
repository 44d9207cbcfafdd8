"""Version counters on SQLite and PostgreSQL: an answer, a follow-up and a list are written only at the
version their writer read (compare and set in the database), a stale write stores nothing, and writers
racing in threads of their own never lose a change."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest

from tekseru.store import Database, inspections
from tekseru.store import inspection_edits as edits
from tekseru.store.inspections import AnswerData
from tekseru.store.plans import approve_plan, delete_draft, get_plan, publish_plan
from tekseru.store.versions import StaleVersion
from tests.store.factories import add_subjects
from tests.store.test_inspections_store import NOW, complete, draft
from tests.store.test_plans_store import add, run


def write(
    database: Database, inspection_id: int, answers: dict[int, str], expected: dict[int, int] | None = None
) -> dict[int, int]:
    rows = [AnswerData(item, None, answer, "") for item, answer in answers.items()]
    with database.transaction() as session:
        return edits.set_answers(
            session, inspection_id, rows, answered_by="writer", now=NOW, expected=expected
        )


def stored(database: Database, inspection_id: int) -> dict[int, tuple[str, int]]:
    with database.transaction() as session:
        return {a.item: (a.answer, a.version) for a in inspections.answers_of(session, inspection_id)}


def test_an_answer_is_written_only_at_the_version_its_writer_read(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    assert write(database, record.id, {1: "required"}, {1: 0}) == {1: 1}
    assert write(database, record.id, {1: "compliant"}, {1: 1}) == {1: 2}
    with pytest.raises(StaleVersion) as refused:
        write(database, record.id, {1: "non_compliant", 2: "compliant"}, {1: 1, 2: 0})
    (conflict,) = refused.value.conflicts
    assert (conflict.kind, conflict.key, conflict.expected, conflict.stored_version) == ("item", 1, 1, 2)
    assert conflict.stored == {"answer": "compliant", "comment": ""}
    assert conflict.given == {"answer": "non_compliant", "comment": ""}
    assert conflict.changed_by == "writer" and conflict.changed_at is not None
    assert conflict.changed_at.replace(tzinfo=None) == NOW.replace(tzinfo=None)
    assert stored(database, record.id) == {1: ("compliant", 2)}  # item 2 of the refused write is not kept


def test_an_item_answered_since_it_was_read_unanswered_is_a_conflict(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    write(database, record.id, {3: "required"}, {3: 0})
    with pytest.raises(StaleVersion) as refused:
        write(database, record.id, {3: "compliant"}, {3: 0})
    assert refused.value.conflicts[0].stored == {"answer": "required", "comment": ""}
    assert "item 3 was changed by writer" in str(refused.value)
    assert write(database, record.id, {3: "required"}, {3: 0}) == {3: 1}  # the same answer: no conflict
    assert stored(database, record.id) == {3: ("required", 1)}


def test_a_write_without_versions_takes_the_stored_ones(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    write(database, record.id, {1: "required"})
    assert write(database, record.id, {1: "compliant", 2: "required"}) == {1: 2, 2: 1}


def race(writers: list[Callable[[], object]]) -> list[object]:
    """Run each writer in a thread of its own, all released at once; what each returned or raised."""
    start = threading.Barrier(len(writers))
    outcomes: list[object] = [None] * len(writers)

    def run_one(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = writers[index]()
        except Exception as error:  # the outcome under test
            outcomes[index] = error

    threads = [threading.Thread(target=run_one, args=(index,)) for index in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_of_writers_racing_at_one_version_exactly_one_wins(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    write(database, record.id, {1: "required"}, {1: 0})
    answers = ("compliant", "non_compliant", "not_required")  # each differs from the stored one
    outcomes = race(
        [lambda a=answer: write(database, record.id, {1: a, 9: a}, {1: 1, 9: 0}) for answer in answers]
    )
    won = [outcome for outcome in outcomes if isinstance(outcome, dict)]
    lost = [outcome for outcome in outcomes if isinstance(outcome, StaleVersion)]
    assert (len(won), len(lost)) == (1, len(answers) - 1), outcomes
    final = stored(database, record.id)
    assert final[1][1] == 2 and final[9][1] == 1 and final[1][0] == final[9][0]  # one writer's whole write


def test_writers_of_other_items_racing_lose_nothing(database: Database) -> None:
    """The command line writes what is stored now, read in its own transaction: changes of other items
    made at the same time are all kept."""
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    outcomes = race(
        [lambda item=item: write(database, record.id, {item: "compliant"}) for item in range(1, 7)]
    )
    assert outcomes == [{item: 1} for item in range(1, 7)]
    assert stored(database, record.id) == {item: ("compliant", 1) for item in range(1, 7)}


def test_a_follow_up_is_written_only_at_the_version_read(database: Database) -> None:
    (subject_id,) = add_subjects(database, 1)
    record = draft(database, subject_id)
    write(database, record.id, {n: "compliant" for n in range(1, 21)} | {5: "non_compliant"})
    complete(database, record.id)

    def follow_up(note: str, version: int | None) -> inspections.ViolationRecord:
        with database.transaction() as session:
            changes = {"note": note, "deadline": date(2024, 9, 1)}
            return edits.update_violation(
                session, record.id, 5, changes, by="head", now=NOW, expected_version=version
            )

    assert follow_up("first", 1).version == 2
    with pytest.raises(StaleVersion) as refused:
        follow_up("stale", 1)
    (conflict,) = refused.value.conflicts
    assert (conflict.kind, conflict.key, conflict.stored_version) == ("violation", 5, 2)
    assert conflict.stored is not None and conflict.stored["note"] == "first"
    assert conflict.given["note"] == "stale"
    assert follow_up("fresh", None).version == 3


def test_a_list_is_approved_published_or_discarded_only_at_the_version_read(database: Database) -> None:
    run_id = run(database)
    first, second = add(database, run_id), add(database, run_id)
    assert first.version == 1
    with database.transaction() as session:
        approved = approve_plan(session, first.id, approved_by="head", now=NOW, expected_version=1)
    assert approved.version == 2
    with pytest.raises(StaleVersion) as refused, database.transaction() as session:
        publish_plan(session, first.id, published_by="head", now=NOW, expected_version=1)
    assert refused.value.conflicts[0].stored == {"status": "approved"}
    assert refused.value.conflicts[0].changed_by == "head"
    with database.transaction() as session:  # the database's triggers let publishing raise the version
        assert publish_plan(session, first.id, published_by="sec", now=NOW, expected_version=2).version == 3
    with pytest.raises(StaleVersion), database.transaction() as session:
        delete_draft(session, second.id, expected_version=7)
    with database.transaction() as session:
        delete_draft(session, second.id, expected_version=1)
        assert get_plan(session, second.id) is None
