"""Runs of the risk engine and their results."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from tekseru.store import AssessmentResultData, Database
from tekseru.store.assessments import (
    FAILED,
    add_results,
    find_finished_run,
    finish_run,
    get_run,
    inputs_fingerprint,
    latest_run,
    list_runs,
    record_progress,
    results_for_run,
    start_run,
)
from tests.store.factories import NOW, add_subjects


def _result(
    subject_id: int, score: float, risk_class: str, group: str = "stationary"
) -> AssessmentResultData:
    return AssessmentResultData(
        subject_id=subject_id,
        group_key=group,
        score=score,
        risk_class=risk_class,
        significant_part=score * 0.7,
        minor_part=score * 0.3,
        gross_found=0,
        violated_criteria=(1, 20),
        explanation={
            "counted": [{"criterion": 1, "evidence": [5]}],
            "ignored": [{"evidence": 6, "reason": "old"}],
        },
    )


def test_a_run_from_start_to_finish(database: Database) -> None:
    first, second = add_subjects(database, 2)
    with database.transaction() as session:
        run = start_run(
            session,
            as_of=date(2024, 7, 1),
            edition_id="e",
            inputs_fingerprint="f" * 64,
            subjects_total=2,
            now=NOW,
        )
    with database.transaction() as session:
        record_progress(session, run.id, 1)
        progressing = get_run(session, run.id)
        assert progressing is not None
        assert (progressing.status, progressing.subjects_done, progressing.subjects_total) == (
            "running",
            1,
            2,
        )
        add_results(session, run.id, [_result(first, 40.0, "medium"), _result(second, 100.0, "high")])
        finish_run(session, run.id, now=NOW + timedelta(minutes=1))
    with database.transaction() as session:
        done = get_run(session, run.id)
        results = results_for_run(session, run.id)
        high = results_for_run(session, run.id, risk_class="high")
    assert done is not None and (done.status, done.subjects_done) == ("finished", 2)
    assert done.finished_at is not None
    assert [r.subject_id for r in results] == [second, first]
    assert results[0] == _result(second, 100.0, "high")
    assert [r.subject_id for r in high] == [second]


def test_finding_runs(database: Database) -> None:
    with database.transaction() as session:
        old = start_run(
            session, as_of=date(2024, 1, 1), edition_id="e", inputs_fingerprint="a", subjects_total=0, now=NOW
        )
        finish_run(session, old.id, now=NOW)
        new = start_run(
            session,
            as_of=date(2024, 7, 1),
            edition_id="e",
            inputs_fingerprint="b",
            subjects_total=0,
            now=NOW + timedelta(hours=1),
            run_id=uuid.UUID(int=7),
        )
        finish_run(session, new.id, now=NOW, status=FAILED, message="boom")
    with database.transaction() as session:
        assert [run.id for run in list_runs(session)] == [uuid.UUID(int=7), old.id]
        assert latest_run(session) == get_run(session, old.id)
        latest_any = latest_run(session, status=None)
        assert latest_any is not None and (latest_any.status, latest_any.message) == ("failed", "boom")
        found = find_finished_run(session, "a")
        assert found is not None and found.id == old.id
        assert find_finished_run(session, "b") is None
        assert get_run(session, uuid.uuid4()) is None


def test_a_run_ends_finished_or_failed_only(database: Database) -> None:
    with database.transaction() as session, pytest.raises(ValueError, match="ends as"):
        finish_run(session, uuid.uuid4(), now=NOW, status="running")


def test_the_fingerprint_ignores_the_order_of_the_inputs() -> None:
    inputs = [("BIN1", 1, date(2024, 1, 1)), {"edition": "e", "as_of": "2024-07-01"}, "x"]
    assert inputs_fingerprint(inputs) == inputs_fingerprint(list(reversed(inputs)))
    assert inputs_fingerprint(inputs) != inputs_fingerprint(inputs[:2])
    assert len(inputs_fingerprint([])) == 64
