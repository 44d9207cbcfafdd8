"""Migration 0025: a run's results name their group by a 2-byte code of `result_groups`, not by its key. A
database holding runs before the upgrade (one of them written at 0024, with a key no other run has) reads
the same results, cards, classes and registry pages after it, each key gets one code, the downgrade puts
the keys back in the rows, and runs stored after the upgrade reuse the codes."""

from __future__ import annotations

import uuid

from alembic import command
from sqlalchemy import inspect, text

from tekseru.store import Database, migrate
from tekseru.store.run_results import run_result_rows, score_history
from tekseru.store.subject_order import SubjectSort
from tests.store.factories import add_subjects
from tests.store.test_pggrow10_migration import _coded_run
from tests.store.test_pggrow12_migration import _pages
from tests.store.test_run_keys import _finished_run, _read
from tests.store.test_subject_order import _store

PREVIOUS = "0024_pggrow12"
# A run written by SQL at 0024: its group is one no run of today's writers has, so the upgrade gives it
# its code from the rows alone.
_ROW_OF_0024 = (
    "INSERT INTO assessment_results (run_key, subject_id, group_key, score, risk_class, significant_part, "
    "minor_part, gross_found, violated_criteria, evidence_statuses) VALUES "
    "(:run, :subject, 'access_other_objects', 55.5, 'medium', 55.5, 0, 0, '[4]', :statuses)"
)


def _columns(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns("assessment_results")}


def _codes(database: Database) -> list[tuple[int, str]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT code, group_key FROM result_groups"))]


def _everything(
    database: Database, runs: list[uuid.UUID], ids: list[int], classed: uuid.UUID
) -> list[object]:
    with database.reading() as session:
        compared = [
            run_result_rows(session, run, sort=SubjectSort(key), limit=50, offset=0)
            for run in runs
            for key in ("score", "group", "name")
        ]
        histories = [score_history(session, subject_id) for subject_id in ids]
    return [_read(database, runs, ids), compared, histories, _pages(database, classed)]


def _downgrade(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), PREVIOUS)


def test_runs_stored_before_read_the_same_after_the_upgrade_and_the_downgrade(database: Database) -> None:
    classed, _ = _store(database)
    ids = add_subjects(database, 3)
    runs = [_finished_run(database, ids, 5), _coded_run(database, ids)]
    _downgrade(database)
    assert "group_key" in _columns(database) and "group_code" not in _columns(database)
    with database.engine.begin() as connection:
        tables = inspect(connection).get_table_names()
        assert "result_groups" not in tables
        run_key = connection.execute(text("SELECT max(run_key) FROM assessment_results")).scalar_one()
        connection.execute(text(_ROW_OF_0024), {"run": run_key, "subject": ids[0], "statuses": b"\x02"})
    migrate.upgrade(database.engine)
    assert migrate.differences(database.engine) == []
    assert "group_code" in _columns(database) and "group_key" not in _columns(database)
    codes = _codes(database)
    keys = [key for _, key in sorted(codes)]
    assert keys == sorted(keys) and "access_other_objects" in keys  # codes in the keys' order
    before = _everything(database, runs, ids, classed)
    assert any(row.group_key == "access_other_objects" for row in before[1][3][0]), (
        "the row written at 0024 is read with its key"
    )
    _downgrade(database)
    migrate.upgrade(database.engine)
    assert _everything(database, runs, ids, classed) == before
    third = _coded_run(database, ids)  # a run stored after the upgrade reuses the keys' codes
    assert _codes(database) == codes
    with database.reading() as session:
        assert {row.group_key for row in run_result_rows(session, third)[0]} == {
            "home_care",
            "temporary_stay",
        }


def test_the_results_key_holds_the_groups_code(database: Database) -> None:
    ids = add_subjects(database, 3)
    _coded_run(database, ids)
    with database.engine.connect() as connection:
        key = inspect(connection).get_pk_constraint("assessment_results")
        assert key["constrained_columns"] == ["run_key", "subject_id", "group_code"]
        if connection.dialect.name == "postgresql":
            kind = connection.execute(
                text(
                    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                    "WHERE attrelid = CAST('assessment_results' AS regclass) AND attname = 'group_code'"
                )
            ).scalar_one()
            assert kind == "smallint"
