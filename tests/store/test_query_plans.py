"""The queries that read a run's rows (the desk's counts, the registry filtered by class, a subject's card,
comparing two runs) reach `assessment_results` (which holds the subjects' classes in their leading results
since migration 0026, with partial indexes of those) by an index, never by
reading the whole table: the statements the store really runs are captured and explained, on SQLite
(EXPLAIN QUERY PLAN) and on PostgreSQL (EXPLAIN, sequential scans turned off, since on tables this small
it would rightly prefer them: what is checked is that an index can answer)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from tekseru.store import Database
from tekseru.store.registry_queries import SubjectSearch, search_subjects
from tekseru.store.run_results import run_result_rows, score_history
from tekseru.store.subject_classes import classes_of, count_by_region_and_class
from tests.store.factories import add_subjects
from tests.store.test_run_keys import _finished_run

TABLES = ("assessment_results",)


@contextmanager
def _captured(database: Database) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and any(table in statement for table in TABLES):
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)


def _plans(database: Database, statements: list[tuple[str, Any]]) -> list[str]:
    plans = []
    with database.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(explain + statement, parameters).all()
            plans.append("\n".join(str(row[-1]) for row in rows))
    return plans


def _whole_table_reads(plan: str) -> list[str]:
    tables = "|".join(TABLES)
    return re.findall(rf"(?:Seq Scan on|SCAN) (?:{tables})\b(?! USING)", plan)


QUERIES: dict[str, Callable[[Session, Any, list[int]], object]] = {
    "desk: counts by region and class": lambda session, run, ids: count_by_region_and_class(session, run),
    "desk: counts of one region": lambda session, run, ids: count_by_region_and_class(
        session, run, region="astana"
    ),
    "registry: a class, paged": lambda session, run, ids: search_subjects(
        session, SubjectSearch(risk_class="high"), run_id=run, limit=50, offset=0
    ),
    "registry: a class of a region, paged": lambda session, run, ids: search_subjects(
        session, SubjectSearch(risk_class="medium", region="astana"), run_id=run, limit=50, offset=0
    ),
    "card: the subject's class": lambda session, run, ids: classes_of(session, run, ids[:1]),
    "card: the subject's scores over the runs": lambda session, run, ids: score_history(session, ids[0]),
    "compare: a run's results, paged": lambda session, run, ids: run_result_rows(
        session, run, limit=50, offset=0, counted=False
    ),
    "compare: one subject's results": lambda session, run, ids: run_result_rows(
        session, run, subject_id=ids[0]
    ),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_a_runs_rows_are_read_by_an_index(database: Database, name: str) -> None:
    ids = add_subjects(database, 3)
    run = _finished_run(database, ids, 0)
    _finished_run(database, ids, 1)
    with _captured(database) as statements, database.reading() as session:
        QUERIES[name](session, run, ids)
    assert statements, "the query read neither table"
    for plan in _plans(database, statements):
        assert not _whole_table_reads(plan), plan


def test_the_class_filter_pages_on_the_index_of_run_and_class(database: Database) -> None:
    """The filter by class alone is counted on the index of run and class of the leading results (which
    0021 keeps without the subject: on PostgreSQL each class a key with its rows); its subjects are paged
    in id order on that index (SQLite, whose entries end with the primary key) or on the primary key."""
    ids = add_subjects(database, 3)
    run = _finished_run(database, ids, 0)
    with _captured(database) as statements, database.reading() as session:
        search_subjects(session, SubjectSearch(risk_class="high"), run_id=run, limit=50, offset=0)
    plans = "\n".join(_plans(database, statements))
    assert "ix_assessment_results_lead_class" in plans, plans
