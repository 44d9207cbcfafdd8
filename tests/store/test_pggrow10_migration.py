"""Migration 0021: on PostgreSQL the results and the subjects' classes are made again with their columns in
the order of their widths, without the dropped column of 0019, and their indexes with a fillfactor of 100;
on both databases the indexes of the classes by class (and region) lose the subject. Runs stored before
(explanations as codes and as JSON) read back the same after the upgrade and after the downgrade, which
gives back the earlier order and indexes; the triggers still reach both tables, and new runs are stored
and read as before."""

from __future__ import annotations

import importlib
import uuid
from typing import Any

from alembic import command
from sqlalchemy import delete, inspect, text

from tekseru.store import Database, migrate
from tekseru.store.assessments import ResultBatch, add_result_batch, finish_run, start_run
from tekseru.store.explanation_codes import encode
from tekseru.store.models import Assessment, Subject
from tests.store.factories import NOW, add_subjects, moved_subjects_class_regions
from tests.store.test_run_keys import _finished_run, _read

MIGRATION = importlib.import_module("tekseru.store.migrations.versions.0021_pggrow10")
TABLES: dict[str, Any] = MIGRATION.TABLES
HEAD_TABLES = ("assessment_results",)  # the subjects' classes in their leading results (migration 0026)
INDEXES: dict[str, Any] = MIGRATION.INDEXES


def _coded_run(database: Database, ids: list[int]) -> uuid.UUID:
    """A run stored as the risk engine stores it: explanations as codes, rows by COPY on PostgreSQL."""
    with database.transaction() as session:
        run = start_run(
            session, as_of=NOW.date(), edition_id="e", inputs_fingerprint="c", subjects_total=3, now=NOW
        )
        explanation = {"counted": {"4": [7, 9]}, "ignored": {"outside_period": {"2": [3]}}}
        add_result_batch(
            session,
            run.id,
            ResultBatch(
                subject_id=ids,
                group_key=["home_care", "home_care", "temporary_stay"],
                score=[12.5, 80.0, 0.0],
                risk_class=["low", "high", "low"],
                significant_part=[12.5, 0.0, 0.0],
                minor_part=[0.0, 30.0, 0.0],
                gross_found=[0, 1, 0],
                violated_criteria=["[4]", "[1, 4]", "[]"],
                evidence_statuses=[encode(explanation)] * 3,
            ),
        )
        finish_run(session, run.id, now=NOW)
    return run.id


def _rows(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of both tables, each column by name (in one order whatever the table's)."""
    with database.engine.connect() as connection:
        return {
            table: [
                tuple(row)
                for row in connection.execute(
                    text(f"SELECT {', '.join(sorted(ordered))} FROM {table} ORDER BY {', '.join(key)}")
                )
            ]
            for table, (key, ordered, _) in TABLES.items()
        }


def _layout(database: Database) -> dict[str, tuple[list[str], bool, list[str]]]:
    """PostgreSQL: each table's columns in their order, whether a dropped column is left, and the storage
    options of its indexes."""
    with database.engine.connect() as connection:
        return {
            table: (
                list(
                    connection.execute(
                        text(
                            "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
                            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
                        ),
                        {"t": table},
                    ).scalars()
                ),
                connection.execute(
                    text(
                        "SELECT count(*) > 0 FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
                        "AND attisdropped"
                    ),
                    {"t": table},
                ).scalar_one(),
                sorted(
                    str(options)
                    for options in connection.execute(
                        text(
                            "SELECT c.reloptions FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                            "WHERE i.indrelid = CAST(:t AS regclass)"
                        ),
                        {"t": table},
                    ).scalars()
                ),
            )
            for table in TABLES
        }


def _indexes(database: Database) -> dict[str, list[str]]:
    with database.engine.connect() as connection:
        found = inspect(connection)
        return {
            index["name"]: list(index["column_names"])
            for table in TABLES
            for index in found.get_indexes(table)
            if index["name"]
        }


def _sqlite_schema(database: Database) -> list[tuple[str, str]]:
    with database.engine.connect() as connection:
        return [
            (name, sql)
            for name, sql in connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE tbl_name IN (:a, :b) ORDER BY name"),
                dict(zip("ab", TABLES, strict=True)),
            )
        ]


def test_the_migration_keeps_every_run_and_its_downgrade_gives_them_back(database: Database) -> None:
    postgres = database.engine.dialect.name == "postgresql"
    ids = add_subjects(database, 3)
    runs = [_finished_run(database, ids, 5), _coded_run(database, ids)]
    before = _read(database, runs, ids)  # at the head: today's readers name the head's columns
    assert all(results and classes for results, classes in before)  # type: ignore[misc]
    with database.engine.begin() as connection:  # 0022 narrows the counts, drops `explanation`
        command.downgrade(migrate.alembic_config(connection), "0021_pggrow10")
    rows = _rows(database)
    upgraded = _layout(database) if postgres else _sqlite_schema(database)
    assert _indexes(database) == {name: list(columns) for name, (_, columns, _) in INDEXES.items()}
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0020_store18c")
    assert _rows(database) == rows
    assert _indexes(database) == {name: list(earlier) for name, (_, _, earlier) in INDEXES.items()}
    if postgres:
        assert _layout(database) == {
            table: (list(earlier), False, ["None"] * (1 if table == "assessment_results" else 4))
            for table, (_, _, earlier) in TABLES.items()
        }
    else:  # only the indexes by class change on SQLite
        assert [entry for entry in _sqlite_schema(database) if entry[0] not in INDEXES] == [
            entry for entry in upgraded if entry[0] not in INDEXES
        ]
    migrate.upgrade(database.engine, "0021_pggrow10")
    assert _rows(database) == rows
    if postgres:
        assert (
            upgraded
            == _layout(database)
            == {
                table: (
                    list(ordered),
                    False,
                    ["['fillfactor=100']"] * (1 if table == "assessment_results" else 4),
                )
                for table, (_, ordered, _) in TABLES.items()
            }
        )
    else:
        assert _sqlite_schema(database) == upgraded
    migrate.upgrade(database.engine)  # the code of today reads and writes the head's columns
    assert _read(database, runs, ids) == before
    assert migrate.differences(database.engine) == []
    # the region trigger still reaches the classes; deleting a run or a subject deletes its rows
    assert moved_subjects_class_regions(database, ids[0], "new-region") == [("new-region",)]
    third = _coded_run(database, ids)
    assert _read(database, [third], ids)[0][0] == before[1][0]
    with database.transaction() as session:
        session.execute(delete(Assessment).where(Assessment.id == third))
        session.execute(delete(Subject).where(Subject.id == ids[0]))
    with database.engine.connect() as connection:
        left = {
            table: connection.execute(
                text(
                    f"SELECT count(DISTINCT run_key), sum(CASE WHEN subject_id = :id THEN 1 ELSE 0 END) "
                    f"FROM {table}"
                ),
                {"id": ids[0]},
            ).one()
            for table in HEAD_TABLES
        }
    assert {table: (runs, of_subject or 0) for table, (runs, of_subject) in left.items()} == dict.fromkeys(
        HEAD_TABLES, (2, 0)
    )
