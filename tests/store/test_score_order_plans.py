"""The registry in score order, highest first and lowest first, is read along the run's index by score
(`ix_assessment_subject_classes_priority`: run, score in hundredths, gross count), the database sorting only
within equal keys: PostgreSQL walks the index backwards for the highest first and forwards for the lowest
first, each an incremental sort on the index's two keys; SQLite walks it and sorts only the right part of
the order. Neither sorts the run's subjects in full. The statements the store really runs are captured and
explained (PostgreSQL with sequential and bitmap scans and full sorts off: on tables of three rows it would
rightly prefer them; what is checked is that the index can give the order).

What this does not make fast (session 13's analysis): the lowest-first page of a run
whose lowest keys tie for a third of its subjects (score 0, no violation) still reads that whole tie group
and each subject's BIN, the tie-break; an index cannot order by a subject's BIN without a migration."""

from __future__ import annotations

import pytest

from tekseru.store import Database
from tekseru.store.registry_queries import SubjectSearch, search_subjects
from tekseru.store.subject_order import SubjectSort
from tests.store.factories import add_subjects
from tests.store.test_query_plans import _captured
from tests.store.test_run_keys import _finished_run

INDEX = "ix_assessment_subject_classes_priority"


def _page_plan(database: Database, reverse: bool) -> str:
    ids = add_subjects(database, 3)
    run = _finished_run(database, ids, 0)
    with _captured(database) as statements, database.reading() as session:
        order = SubjectSort("score", reverse=reverse)
        rows, total = search_subjects(session, SubjectSearch(), run_id=run, limit=2, offset=0, sort=order)
    assert len(rows) == 2 and total == 3
    ordered = [(s, p) for s, p in statements if "ORDER BY" in s and "LIMIT" in s]
    ((statement, parameters),) = ordered
    with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                connection.exec_driver_sql(f"SET {setting} = off")
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        rows = connection.exec_driver_sql(explain + statement, parameters).all()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("reverse", [False, True], ids=["highest first", "lowest first"])
def test_a_page_in_score_order_walks_the_index_by_score(database: Database, reverse: bool) -> None:
    plan = _page_plan(database, reverse)
    if database.engine.dialect.name == "postgresql":
        walk = "Index Scan Backward using" if not reverse else "Index Scan using"
        assert f"{walk} {INDEX}" in plan, plan
        assert "Incremental Sort" in plan and "Presorted Key" in plan, plan
    else:
        assert f"USING INDEX {INDEX}" in plan, plan
        assert "TEMP B-TREE FOR RIGHT PART OF ORDER BY" in plan, plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
