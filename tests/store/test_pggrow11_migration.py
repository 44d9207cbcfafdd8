"""Migration 0022: every result keeps its explanation in `evidence_statuses` (codes, or the JSON text of the
runs before and of results stored one by one), the column `explanation` is gone, and the counts of criteria
are smallint on PostgreSQL (whose rows then carry no bitmap of NULLs). Runs stored before read back the same
after the upgrade, the downgrade gives each explanation back to its column of 0021, and new runs are stored
and read as before."""

from __future__ import annotations

import uuid

from alembic import command
from sqlalchemy import inspect, text

from tekseru.store import Database, migrate
from tekseru.store.assessments import AssessmentResultData, add_results, finish_run, start_run
from tekseru.store.explanation_codes import as_json, read
from tests.store.factories import NOW, add_subjects, stored_run_rows
from tests.store.test_pggrow10_migration import _coded_run
from tests.store.test_run_keys import _read

# An explanation of a shape the codes cannot hold (results stored one by one keep any mapping)
FREE_FORM = {"counted": [{"criterion": 1, "evidence": [5]}], "note": "Қазақша"}
SMALL = {
    "assessment_results": ("gross_found",),
    "assessment_subject_classes": ("gross_count", "significant_count", "minor_count"),
}


def _json_run(database: Database, ids: list[int]) -> uuid.UUID:
    with database.transaction() as session:
        run = start_run(
            session, as_of=NOW.date(), edition_id="e", inputs_fingerprint="j", subjects_total=2, now=NOW
        )
        results = [
            AssessmentResultData(ids[0], "home_care", 40.0, "medium", 40.0, 0.0, 0, (3,), FREE_FORM),
            AssessmentResultData(ids[1], "home_care", 100.0, "high", 0.0, 0.0, 2, (1, 2), FREE_FORM),
        ]
        add_results(session, run.id, results)
        finish_run(session, run.id, now=NOW)
    return run.id


def _columns(database: Database) -> dict[str, dict[str, str]]:
    """Each table's columns and their types, as the database names them."""
    with database.engine.connect() as connection:
        found = inspect(connection)
        return {
            table: {column["name"]: str(column["type"]) for column in found.get_columns(table)}
            for table in SMALL
            if found.has_table(table)  # the classes' table: up to migration 0026
        }


def _explanations_of_0021(database: Database) -> list[tuple[bool, bool]]:
    """Whether each result at revision 0021 has its JSON explanation, and its codes."""
    with database.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT explanation IS NOT NULL, evidence_statuses IS NOT NULL FROM assessment_results "
                "ORDER BY run_key, subject_id, group_key"
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_explanations_move_to_one_column_and_back(database: Database) -> None:
    postgres = database.engine.dialect.name == "postgresql"
    ids = add_subjects(database, 3)
    runs = [_coded_run(database, ids), _json_run(database, ids)]
    before = _read(database, runs, ids)
    assert before[1][0][0].explanation == FREE_FORM  # type: ignore[index]
    columns = _columns(database)
    assert "explanation" not in columns["assessment_results"]
    if postgres:
        # (the counts of the subjects' classes in their leading results since migration 0026)
        kinds = {columns["assessment_results"][name] for names in SMALL.values() for name in names}
        assert kinds == {"SMALLINT"}
        with database.engine.connect() as connection:
            # no column left behind as NULL in every row (it would give each row a bitmap of NULLs)
            dropped = connection.execute(
                text(
                    "SELECT count(*) FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attisdropped"
                ),
                {"t": "assessment_results"},
            ).scalar_one()
        assert dropped == 0
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0021_pggrow10")
    # the coded run keeps its codes, the other run its JSON in `explanation`, as 0021 stored them
    assert _explanations_of_0021(database) == [(False, True)] * 3 + [(True, False)] * 2
    assert "explanation" in _columns(database)["assessment_results"]
    if postgres:
        assert set(_columns(database)["assessment_subject_classes"].values()) >= {"INTEGER"}
        assert "SMALLINT" not in {kind for table in _columns(database).values() for kind in table.values()}
    rows = stored_run_rows(database)
    migrate.upgrade(database.engine)
    assert _read(database, runs, ids) == before
    assert migrate.differences(database.engine) == []
    with database.engine.begin() as connection:  # and once more, the rows of 0021 as they were
        command.downgrade(migrate.alembic_config(connection), "0021_pggrow10")
    assert stored_run_rows(database) == rows
    migrate.upgrade(database.engine)
    third = _json_run(database, ids)
    assert _read(database, [third], ids)[0] == before[1]


def test_an_explanation_is_kept_as_codes_or_as_its_json() -> None:
    coded = {"counted": {"4": [7, 9]}, "ignored": {"outside_period": {"2": [3]}}}
    from tekseru.store.explanation_codes import encode

    assert read(encode(coded)) == coded
    assert read(as_json(FREE_FORM)) == FREE_FORM
    assert read(as_json({})) == {}
