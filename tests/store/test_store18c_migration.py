"""Migration 0020: both tables lose their index by subject alone, and on SQLite the results and the subjects'
classes become WITHOUT ROWID tables with the same columns, constraints and other indexes; the runs read back
as they were stored (runs with a JSON explanation among them), the region trigger still reaches the classes;
the downgrade gives back the indexes and tables with a rowid, nothing lost."""

from __future__ import annotations

from alembic import command
from sqlalchemy import delete, inspect, text

from tekseru.store import Database, migrate
from tekseru.store.models import Assessment, Subject
from tests.store.factories import add_subjects, moved_subjects_class_regions, stored_run_rows
from tests.store.test_run_keys import _finished_run, _read
from tests.store.test_subject_classes import _results

TABLES = ("assessment_results", "assessment_subject_classes")
HEAD_TABLES = ("assessment_results",)  # the subjects' classes in their leading results (migration 0026)
SUBJECT_INDEXES = {f"ix_{table}_subject_id" for table in TABLES}  # dropped by 0020


def _foreign_keys(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        found = inspect(connection)
        return {
            f"{table}.{key['constrained_columns'][0]}"
            for table in TABLES
            for key in found.get_foreign_keys(table)
        }


def _subject_indexes(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        found = inspect(connection)
        return {i["name"] for table in TABLES for i in found.get_indexes(table)} & SUBJECT_INDEXES


def _without_rowid(database: Database) -> dict[str, bool]:
    with database.engine.connect() as connection:
        return {
            table: "WITHOUT ROWID"
            in connection.execute(
                text("SELECT upper(sql) FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": table},
            ).scalar_one()
            for table in TABLES
        }


def _schema(database: Database) -> list[object]:
    with database.engine.connect() as connection:
        found = inspect(connection)
        return [
            (
                [
                    (column["name"], str(column["type"]), column["nullable"])
                    for column in found.get_columns(table)
                ],
                found.get_pk_constraint(table),
                sorted((i for i in found.get_indexes(table) if i["name"] not in SUBJECT_INDEXES), key=str),
                sorted(found.get_check_constraints(table), key=str),
            )
            for table in TABLES
        ]


def test_the_migration_keeps_every_run_and_its_downgrade_gives_them_back(database: Database) -> None:
    ids = add_subjects(database, 3)
    runs = [_finished_run(database, ids, minutes) for minutes in (5, 0)]
    before = _read(database, runs, ids)  # at the head: today's readers name the head's columns
    assert all(results and classes for results, classes in before)  # type: ignore[misc]
    with database.engine.begin() as connection:  # 0021 orders PostgreSQL's columns otherwise
        command.downgrade(migrate.alembic_config(connection), "0020_store18c")
    stored, schema = stored_run_rows(database), _schema(database)
    sqlite = database.engine.dialect.name == "sqlite"
    if sqlite:
        assert _without_rowid(database) == dict.fromkeys(TABLES, True)
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0019_runkey18")
    if sqlite:
        assert _without_rowid(database) == dict.fromkeys(TABLES, False)
    assert _subject_indexes(database) == SUBJECT_INDEXES
    assert _foreign_keys(database) == {
        f"{table}.{column}" for table in TABLES for column in ("run_key", "subject_id")
    }
    assert stored_run_rows(database) == stored and _schema(database) == schema
    migrate.upgrade(database.engine, "0020_store18c")
    assert stored_run_rows(database) == stored and _schema(database) == schema
    assert not _subject_indexes(database) and not _foreign_keys(database)
    if sqlite:
        assert _without_rowid(database) == dict.fromkeys(TABLES, True)
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM assessment_results")).scalar_one() == 2 * len(
            _results(ids)
        )
    # the region trigger still names the classes' table, and a new run is stored and read as before (at
    # the head, whose columns today's code writes)
    migrate.upgrade(database.engine)
    assert moved_subjects_class_regions(database, ids[0], "new-region") == [("new-region",)]
    third = _finished_run(database, ids, 10)
    assert _read(database, [third], ids)[0][0] == before[0][0]
    # deleting a run or a subject deletes its rows, as the foreign keys' ON DELETE CASCADE did
    with database.transaction() as session:
        session.execute(delete(Assessment).where(Assessment.id == third))
        session.execute(delete(Subject).where(Subject.id == ids[0]))
    with database.engine.connect() as connection:
        left = {
            table: connection.execute(
                text(
                    "SELECT count(*), count(DISTINCT run_key), "
                    f"sum(CASE WHEN subject_id = :id THEN 1 ELSE 0 END) FROM {table}"
                ),
                {"id": ids[0]},
            ).one()
            for table in HEAD_TABLES
        }
    assert {table: (runs, of_subject or 0) for table, (_, runs, of_subject) in left.items()} == dict.fromkeys(
        HEAD_TABLES, (2, 0)
    )
