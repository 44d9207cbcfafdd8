"""Migration 0026: each subject's class in a run is kept in its leading result (the table of classes
goes), and the classes and regions are 2-byte codes. A database holding runs before the upgrade (one of
them written at 0025 by SQL, whose subject's highest class is not that of its highest score, with a region
no other run has) reads the same results, classes, cards, histories and registry pages after it, the
downgrade makes the table of classes again, and the region trigger moves a subject's leading results."""

from __future__ import annotations

import uuid

from alembic import command
from sqlalchemy import inspect, select, text

from tekseru.store import Database, migrate
from tekseru.store.models import Assessment
from tekseru.store.run_results import run_result_rows, score_history
from tekseru.store.subject_classes import classes_of, count_by_region_and_class
from tekseru.store.subject_order import SubjectSort, tie_breaks
from tests.store.factories import add_subjects, moved_subjects_class_regions
from tests.store.test_pggrow10_migration import _coded_run
from tests.store.test_pggrow12_migration import _pages
from tests.store.test_run_keys import _finished_run, _read
from tests.store.test_subject_order import _store

PREVIOUS = "0025_pggrow13"
# A run's rows written by SQL at 0025: the subject's highest score (70, low) is not of its highest class
# (medium, 55); its class row names a region no other subject has and the counts of its leading group.
_ROWS_OF_0025 = (
    "INSERT INTO assessment_results (run_key, subject_id, group_code, score, risk_class, significant_part, "
    "minor_part, gross_found, violated_criteria, evidence_statuses) VALUES "
    "(:run, :subject, :first, 70.0, 'low', 70.0, 0, 0, '[4]', :statuses), "
    "(:run, :subject, :second, 55.0, 'medium', 55.0, 0, 0, '[2, 4]', :statuses)",
    "INSERT INTO assessment_subject_classes (run_key, subject_id, region, risk_class, score, gross_count, "
    "significant_count, minor_count) VALUES (:run, :subject, 'ulytau', 'medium', 70.0, 1, 2, 3)",
)


def _tables(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def _columns(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns("assessment_results")}


def _regions(database: Database) -> list[tuple[int, str]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT code, region FROM result_regions"))]


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
        counts = [count_by_region_and_class(session, run) for run in runs]
        ties = [tie_breaks(session, run, ids) for run in runs]
    return [_read(database, runs, ids), compared, histories, counts, ties, _pages(database, classed)]


def _downgrade(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), PREVIOUS)


def _rewrite_at_0025(database: Database, run: uuid.UUID, subject: int) -> None:
    """The run's rows replaced by those of one subject, written by SQL at 0025 (`_ROWS_OF_0025`)."""
    with database.engine.begin() as connection:
        run_key = connection.execute(select(Assessment.run_key).where(Assessment.id == run)).scalar_one()
        codes = dict(connection.execute(text("SELECT group_key, code FROM result_groups")).all())
        for table in ("assessment_results", "assessment_subject_classes"):
            connection.execute(text(f"DELETE FROM {table} WHERE run_key = :run"), {"run": run_key})
        values = {"run": run_key, "subject": subject, "statuses": b"\x02"}
        values.update(first=codes["stationary"], second=codes["home_care"])
        for statement in _ROWS_OF_0025:
            connection.execute(text(statement), values)


def test_runs_stored_before_read_the_same_after_the_upgrade_and_the_downgrade(database: Database) -> None:
    classed, _ = _store(database)
    ids = add_subjects(database, 3)
    runs = [_finished_run(database, ids, 5), _coded_run(database, ids), _finished_run(database, ids, 20)]
    _downgrade(database)
    assert {"assessment_subject_classes"} <= _tables(database) and "result_regions" not in _tables(database)
    assert "subject_class" not in _columns(database)
    _rewrite_at_0025(database, runs[2], ids[2])
    migrate.upgrade(database.engine)
    assert migrate.differences(database.engine) == []
    assert "assessment_subject_classes" not in _tables(database)
    assert {"subject_class", "region_code"} <= _columns(database)
    regions = _regions(database)
    names = [region for _, region in sorted(regions)]
    assert names == sorted(names) and "ulytau" in names  # codes in the regions' order
    before = _everything(database, runs, ids, classed)
    assert before[0][2][1] == {ids[2]: (70.0, "medium")}, "the run of 0025: highest score, highest class"
    assert before[3][2] == {("ulytau", "medium"): 1} and before[4][2] == {ids[2]: (1, 2, 3)}
    assert [row.risk_class for row in before[1][6][0]] == ["low", "medium"]  # each result's own class
    _downgrade(database)
    with database.engine.connect() as connection:
        classes = connection.execute(
            text("SELECT region, risk_class, score, gross_count FROM assessment_subject_classes")
        ).all()
        kinds = connection.execute(text("SELECT DISTINCT risk_class FROM assessment_results")).scalars()
        assert set(kinds) == {"low", "medium", "high"}
        assessed = connection.execute(
            text("SELECT count(*) FROM (SELECT DISTINCT run_key, subject_id FROM assessment_results) AS a")
        ).scalar_one()
    assert ("ulytau", "medium", 70.0, 1) in [tuple(row) for row in classes]
    assert len(classes) == assessed  # a row for each subject in each run
    migrate.upgrade(database.engine)
    assert _everything(database, runs, ids, classed) == before
    third = _coded_run(database, ids)  # a run stored after the upgrade reuses the regions' codes
    assert _regions(database) == regions
    with database.reading() as session:
        assert classes_of(session, third, ids) == {
            ids[0]: (12.5, "low"),
            ids[1]: (80.0, "high"),
            ids[2]: (0.0, "low"),
        }


def test_a_subject_moved_moves_its_leading_results_and_a_new_region_gets_one_code(database: Database) -> None:
    ids = add_subjects(database, 3)
    runs = [_finished_run(database, ids, 0), _coded_run(database, ids)]
    for region in ("abai", "astana", "abai", "astana", "abai"):
        assert moved_subjects_class_regions(database, ids[0], region) == [(region,)]
    regions = _regions(database)
    assert sorted(region for _, region in regions) == ["abai", "astana"]
    if database.engine.dialect.name == "postgresql":  # the moves took no more numbers of the sequence
        with database.engine.connect() as connection:
            assert (
                connection.execute(text("SELECT last_value FROM result_regions_code_seq")).scalar_one() == 2
            )
    with database.reading() as session:
        assert [count_by_region_and_class(session, run, region="abai") for run in runs] == [
            {("abai", "high"): 1},
            {("abai", "low"): 1},
        ]
    with database.engine.connect() as connection:
        leading = connection.execute(
            text(
                "SELECT run_key, count(*) FROM assessment_results "
                "WHERE subject_class IS NOT NULL GROUP BY run_key"
            )
        ).all()
    assert sorted(count for _, count in leading) == [3, 3]


def test_the_classes_are_codes_and_the_indexes_hold_the_leading_results(database: Database) -> None:
    ids = add_subjects(database, 3)
    _coded_run(database, ids)
    with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            kinds = dict(
                connection.execute(
                    text(
                        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                        "CAST('assessment_results' AS regclass) AND attname IN "
                        "('risk_class', 'subject_class', 'region_code', 'gross_count')"
                    )
                ).all()
            )
            assert set(kinds.values()) == {"smallint"} and len(kinds) == 4
            query = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'assessment_results'"
        else:
            query = (
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assessment_results'"
            )
        indexes = {name: sql for name, sql in connection.execute(text(query)) if sql and "lead" in name}
        stored = connection.execute(
            text("SELECT risk_class, subject_class FROM assessment_results ORDER BY subject_id")
        ).all()
    assert len(indexes) == 3 and all("subject_class IS NOT NULL" in sql for sql in indexes.values()), indexes
    assert [tuple(row) for row in stored] == [(1, 1), (3, 3), (1, 1)]
