"""Runs are numbered (`assessments.run_key`) and their results and subjects' classes carry the number, on
SQLite and PostgreSQL; migration 0019 numbers the runs already there in the order they started and
converts their rows, and its downgrade gives them back their run id, with nothing lost either way."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from alembic import command
from sqlalchemy import inspect, select, text

from tekseru.store import Database, migrate
from tekseru.store.assessments import add_results, finish_run, results_for_run, start_run
from tekseru.store.models import Assessment, AssessmentResult
from tekseru.store.run_keys import run_key
from tekseru.store.subject_classes import classes_of
from tests.store.factories import NOW, add_subjects
from tests.store.test_subject_classes import _results


def _finished_run(database: Database, ids: list[int], minutes: int) -> uuid.UUID:
    with database.transaction() as session:
        run = start_run(
            session,
            as_of=date(2024, 6, 1),
            edition_id="e",
            inputs_fingerprint="f",
            subjects_total=5,
            now=NOW + timedelta(minutes=minutes),
        )
        add_results(session, run.id, _results(ids))
        finish_run(session, run.id, now=NOW + timedelta(minutes=minutes))
    return run.id


def _read(database: Database, runs: list[uuid.UUID], ids: list[int]) -> list[object]:
    with database.reading() as session:
        return [(results_for_run(session, run), classes_of(session, run, ids)) for run in runs]


def _columns(database: Database, table: str) -> set[str]:
    with database.engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns(table)}


def test_each_run_gets_the_next_number_and_its_rows_carry_it(database: Database) -> None:
    ids = add_subjects(database, 3)
    first, second = (_finished_run(database, ids, minutes) for minutes in (0, 1))
    with database.reading() as session:
        keys = [run_key(session, run) for run in (first, second)]
        stored = session.execute(
            select(AssessmentResult.run_key, Assessment.id)
            .join(Assessment, Assessment.run_key == AssessmentResult.run_key)
            .distinct()
        ).all()
    assert keys[1] == keys[0] + 1
    assert sorted(stored) == [(keys[0], first), (keys[1], second)]
    assert "run_id" not in _columns(database, "assessment_results")


def test_the_migration_converts_the_runs_there_and_its_downgrade_gives_them_back(database: Database) -> None:
    ids = add_subjects(database, 3)
    runs = [_finished_run(database, ids, minutes) for minutes in (5, 0)]  # the second started first
    before = _read(database, runs, ids)
    assert all(results and classes for results, classes in before)  # type: ignore[misc]
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0018_bulk18")
    assert {"run_id"} <= _columns(database, "assessment_results") - {"run_key"}
    assert "run_key" not in _columns(database, "assessments")
    with database.engine.connect() as connection:
        by_run = dict(
            connection.execute(
                text("SELECT run_id, count(*) FROM assessment_subject_classes GROUP BY run_id")
            ).all()
        )
        results = connection.execute(text("SELECT count(*) FROM assessment_results")).scalar_one()
    assert sorted(by_run.values()) == [3, 3] and results == 2 * len(_results(ids))
    migrate.upgrade(database.engine)
    assert _read(database, runs, ids) == before
    with database.reading() as session:
        keys = [run_key(session, run) for run in runs]
    assert keys == [2, 1]  # numbered in the order the runs started
    third = _finished_run(database, ids, 10)  # a new run after the migration gets the next number
    with database.reading() as session:
        assert run_key(session, third) == 3
    assert _read(database, [third], ids) == before[:1]
