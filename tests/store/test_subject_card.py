"""What a subject card reads, one statement per kind, on SQLite and PostgreSQL: results with their stored
explanations and the leading group's counts (0 without a class), the history of finished runs only and of
the latest `limit`, the evidence of this subject only, and every revision of its inspections."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from tekseru.store import AssessmentResultData, Database
from tekseru.store.assessments import add_results, finish_run, start_run
from tekseru.store.evidence import upsert_evidence
from tekseru.store.inspection_models import InspectionData
from tekseru.store.inspections import add_inspection, complete
from tekseru.store.subject_card import (
    subject_and_run,
    subject_evidence,
    subject_inspections,
    subject_scores,
)
from tekseru.store.subject_classes import record_tie_breaks
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects
from tests.store.factories import BINS, NOW, evidence, subject

EXPLAINED = {"counted": {"1": [1]}, "ignored": {"outside_period": {"3": [2]}}}


def _registry(database: Database) -> tuple[list[uuid.UUID], dict[str, int]]:
    """Two subjects; three runs (the last one failed), each scoring both in two groups."""
    runs: list[uuid.UUID] = []
    with database.transaction() as session:
        upsert_subjects(session, [subject(0, groups=("a", "b")), subject(1, groups=("a",))], now=NOW)
        ids = subject_ids_by_bin(session, BINS[:2])
        for number in range(3):
            started = NOW + timedelta(days=number)
            run = start_run(
                session, as_of=date(2024, 6, 1), edition_id="e", inputs_fingerprint=f"f{number}",
                subjects_total=2, now=started,
            )  # fmt: skip
            add_results(
                session,
                run.id,
                [
                    AssessmentResultData(ids[BINS[0]], "a", 40.0 + number, "low", 0, 0, 0, (3,), EXPLAINED),
                    AssessmentResultData(ids[BINS[0]], "b", 100.0, "high", 0, 0, 1, (1,), EXPLAINED),
                    AssessmentResultData(ids[BINS[1]], "a", 10.0, "low", 0, 0, 0, ()),
                ],
            )
            if number < 2:
                finish_run(session, run.id, now=started)
            runs.append(run.id)
        record_tie_breaks(session, runs[1], {1: "gross", 3: "significant"})
        upsert_evidence(
            session,
            [evidence(ids[BINS[0]], 1), evidence(ids[BINS[0]], 3), evidence(ids[BINS[1]], 2)],
            entered_by="t",
            entered_at=NOW,
        )
    return runs, ids


def test_results_with_their_explanations_and_counts(database: Database) -> None:
    runs, ids = _registry(database)
    with database.reading() as session:
        found, _ = subject_scores(session, runs[1], ids[BINS[0]])
        first, _ = subject_scores(session, runs[0], ids[BINS[0]])
    assert [(r.data.group_key, r.data.score) for r in found] == [("b", 100.0), ("a", 41.0)]
    assert found[0].data.explanation == EXPLAINED and found[0].data.violated_criteria == (1,)
    assert {(r.gross_count, r.significant_count, r.minor_count) for r in found} == {(1, 0, 0)}
    assert {(r.gross_count, r.significant_count, r.minor_count) for r in first} == {(0, 0, 0)}  # no class


def test_history_evidence_and_inspections(database: Database) -> None:
    runs, ids = _registry(database)
    with database.transaction() as session:
        data = InspectionData(
            ids[BINS[0]], "e", 3, ("a",), "unscheduled_inspection", "1", date(2024, 3, 1), ("x",)
        )
        first = add_inspection(session, data, created_by="t", now=NOW)
        complete(session, first.id, inspected_on=date(2024, 3, 2), completed_by="t", now=NOW)
        second = add_inspection(session, data, created_by="t", now=NOW, revises=first, reason="typo")
    with database.reading() as session:
        results, history = subject_scores(session, runs[1], ids[BINS[0]])
        _, latest = subject_scores(session, runs[1], ids[BINS[0]], limit=1)
        own = subject_evidence(session, ids[BINS[0]])
        inspections = subject_inspections(session, ids[BINS[0]])
        none = subject_inspections(session, ids[BINS[1]])
    assert [(p.run_id, p.group_key) for p in history] == [
        (runs[0], "a"),
        (runs[0], "b"),
        (runs[1], "a"),
        (runs[1], "b"),
    ]
    assert [p.run_id for p in latest] == [runs[1], runs[1]]  # the failed run is no finished one
    assert [(r.data.group_key, r.data.score) for r in results] == [("b", 100.0), ("a", 41.0)]
    assert [e.criterion for e in own] == [1, 3] and own[0].id < own[1].id
    assert [(i.id, i.revision, i.first_revision_id) for i in inspections] == [
        (first.id, 1, None),
        (second.id, 2, first.id),
    ]
    assert none == []


def test_no_results_without_a_run(database: Database) -> None:
    """Without a finished run (None) the history is read all the same, and no row counts as a result."""
    _, ids = _registry(database)
    with database.reading() as session:
        results, history = subject_scores(session, None, ids[BINS[0]])
    assert results == [] and len(history) == 4


def test_subject_with_the_latest_finished_run(database: Database) -> None:
    runs, ids = _registry(database)
    with database.reading() as session:
        found = subject_and_run(session, BINS[0])
        missing = subject_and_run(session, "999999999999")
    assert found is not None and missing is None and not found.maybe_planned  # no statuses asked for
    row, run = found.subject, found.run
    assert run is not None and run.id == runs[1] and run.status == "finished"  # not the failed runs[2]
    assert (row.id, row.bin, row.groups) == (ids[BINS[0]], BINS[0], ("a", "b"))
    assert (row.risk_class, row.gross_count) == ("high", 1)  # its class in runs[1], with the tie-break


def test_subject_without_a_finished_run(database: Database) -> None:
    with database.transaction() as session:
        upsert_subjects(session, [subject(0)], now=NOW)
    with database.reading() as session:
        found = subject_and_run(session, BINS[0])
    assert found is not None
    row, run = found.subject, found.run
    assert run is None and row.risk_class is None and row.score is None
