"""The fast PostgreSQL filler of the benchmarks (bench/pg_fill.py) writes what a row-by-row writer writes,
and leaves the tables' constraints and indexes exactly as they were."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import psycopg
import pytest
from sqlalchemy import make_url

from tekseru.scoring.columns import NEVER_USED, from_day_number
from tekseru.store import Database
from tests.databases import database, database_url, postgres_server  # noqa: F401

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

import pg_fill
import synthetic


def _row_by_row(data: synthetic.SyntheticData) -> str:
    """COPY text of the evidence, one record at a time, as the benchmarks wrote it before."""
    columns = data.evidence
    lines = []
    for index in range(len(columns.criterion)):
        used = int(columns.used_on[index])
        confirmed = {1: "t", 0: "f", -1: "\\N"}[int(columns.confirmed[index])]
        fields = [
            str(int(data.subject_of[columns.subject_group[index]]) + 1),
            str(int(columns.criterion[index])),
            str(int(columns.source_group[index])),
            from_day_number(int(columns.observed_on[index])).isoformat(),
            f"SYN-{index + 1:09d}",
            confirmed,
            "bench",
            pg_fill.STAMP,
            "bench",
            "\\N" if used == NEVER_USED else from_day_number(used).isoformat(),
        ]
        lines.append("\t".join(fields) + "\n")
    return "".join(lines)


def test_the_copy_text_is_the_row_by_row_writers() -> None:
    data = synthetic.generate(300, 5_000, as_of=date(2024, 7, 1))
    blocks = list(pg_fill.evidence_copy_blocks(data, rows=1_234))
    assert len(blocks) == 5
    assert b"".join(blocks).decode() == _row_by_row(data)


def test_numbers_are_written_without_leading_zeros_unless_asked() -> None:
    values = np.array([0, 7, 10, 305, 99_999])
    written = pg_fill.number_bytes(values)
    assert [bytes(row[row != 0]).decode() for row in written] == ["0", "7", "10", "305", "99999"]
    padded = pg_fill.number_bytes(np.array([42]), 5, leading_zeros=True)
    assert bytes(padded[0]).decode() == "00042"


def _catalogue(connection: psycopg.Connection) -> list[tuple[object, ...]]:
    return connection.execute(
        "SELECT 'index', indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%(tables)s::regclass[]) UNION ALL "
        "SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%(tables)s::regclass[]) ORDER BY 1, 2",
        {"tables": list(pg_fill.TABLES)},
    ).fetchall()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_constraints_are_made_again_as_they_were(database: Database, database_url: str) -> None:  # noqa: F811
    target = make_url(database_url)
    options = target.query.get("options")
    with psycopg.connect(
        host=target.host,
        port=target.port,
        user=target.username,
        dbname=target.database,
        options=options if isinstance(options, str) else None,
    ) as connection:
        before = _catalogue(connection)
        assert any(kind == "constraint" and "FOREIGN KEY" in str(text) for kind, _, text in before)
        with connection.cursor() as cursor, pg_fill.constraints_dropped(cursor, pg_fill.TABLES):
            during = _catalogue(connection)
            assert {name for _, name, _ in during} < {name for _, name, _ in before}
        assert _catalogue(connection) == before
