"""Migration 0024: the planning order's index keys the score by its hundredths (an integer, which
PostgreSQL's B-tree deduplicates, where it never does a float). A database holding runs stored at 0023 reads
the same classes, cards and pages in score order after the upgrade, the page in score order is read on the
new index, and the downgrade makes the index on the score again."""

from __future__ import annotations

import uuid
from typing import Any

from alembic import command
from sqlalchemy import event, text

from tekseru.store import Database, migrate
from tekseru.store import registry_queries as queries
from tekseru.store.subject_order import SubjectSort
from tests.store.factories import add_subjects
from tests.store.test_pggrow10_migration import _coded_run
from tests.store.test_run_keys import _finished_run, _read
from tests.store.test_subject_order import _names, _planning_order, _store

INDEX = "ix_assessment_subject_classes_priority"
HEAD_INDEX = "ix_assessment_results_lead_priority"  # migration 0026: the classes are in the leading results


def _index_definition(database: Database, name: str = INDEX) -> str:
    with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            query = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
        else:
            query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
        return str(connection.execute(text(query), {"name": name}).scalar_one())


def _pages(database: Database, run: uuid.UUID) -> list[object]:
    """Every order of the registry that reads the subjects' classes, both ways, and a class filtered."""
    pages: list[object] = [
        _names(database, run, SubjectSort(key, reverse=reverse))
        for key in ("score", "class", "name")
        for reverse in (False, True)
    ]
    pages.append(_names(database, run, SubjectSort("score"), risk_class="high"))
    return pages


def _downgrade(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0023_pglock11")


def test_runs_at_0023_read_the_same_after_the_upgrade(database: Database) -> None:
    # The runs are written by today's writers (their results name their groups by 0025's codes), then
    # taken down to 0023 with the database.
    run, _ = _store(database)
    pages = _pages(database, run)
    assert pages[0] == [*_planning_order(), "Жаңа"]
    ids = add_subjects(database, 3)  # (the first BINs again: new names, other runs)
    runs = [_coded_run(database, ids), _finished_run(database, ids, 5)]
    cards, pages = _read(database, runs, ids), _pages(database, run)
    # (read at the head only: today's readers name the columns of migration 0026)
    _downgrade(database)
    assert "round" not in _index_definition(database).lower()
    migrate.upgrade(database.engine, "0024_pggrow12")
    assert "round(" in _index_definition(database).lower()
    migrate.upgrade(database.engine)
    assert "round(" in _index_definition(database, HEAD_INDEX).lower()
    assert migrate.differences(database.engine) == []
    assert _read(database, runs, ids) == cards
    assert _pages(database, run) == pages
    _downgrade(database)
    assert "round" not in _index_definition(database).lower()
    migrate.upgrade(database.engine)
    assert _pages(database, run) == pages


def test_the_page_in_score_order_is_read_on_the_index_of_hundredths(database: Database) -> None:
    run, _ = _store(database)
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "ORDER BY" in statement and "subject_class IS NOT NULL" in statement:
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        with database.reading() as session:
            queries.search_subjects(
                session, queries.SubjectSearch(), run_id=run, limit=2, offset=0, sort=SubjectSort("score")
            )
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert statements
    with database.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:  # on tables this small it would rightly read them whole and sort
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
        statement, parameters = statements[0]
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = "\n".join(str(row[-1]) for row in connection.exec_driver_sql(explain + statement, parameters))
    assert HEAD_INDEX in plan, plan
