"""Filling a PostgreSQL benchmark database with 100,000,000 evidence records in minutes, not hours.

Two things make the difference (PostgreSQL's own advice for populating a database):
- the COPY text is built by NumPy, a block of rows at a time, instead of one Python tuple per row: every
  field is laid out in a fixed-width byte matrix whose unused places hold NUL, which is then dropped;
- the tables' unique constraints, foreign keys and indexes other than their primary keys are dropped for
  the load and made again after it, exactly as they were (their definitions read from the catalogue): one
  sort per index and one join for a foreign key instead of 100M random insertions and lookups;
- the tables are emptied (TRUNCATE) in the loading transaction, so COPY can write its rows frozen: the
  first reading of 100M rows does not rewrite every page to set their hint bits.

    with constraints_dropped(cursor, TABLES):
        with cursor.copy(f"COPY evidence ({EVIDENCE_TEXT_COLUMNS}) FROM STDIN (FREEZE)") as copy:
            for block in evidence_copy_blocks(data):
                copy.write(block)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt

from tekseru.scoring.columns import NEVER_USED, NOT_KNOWN, from_day_number

EVIDENCE_TEXT_COLUMNS = (
    "subject_id, criterion, source_group, observed_on, reference, confirmed, "
    "entered_by, entered_at, origin, used_on"
)
BLOCK_ROWS = 1_000_000
TABLES = ("subjects", "subject_groups", "evidence")  # the tables the benchmarks fill
STAMP = "2024-06-30 12:00:00.000000"
_PAD = 0  # a place left empty in the byte matrix; removed before the block is sent
Bytes = npt.NDArray[np.uint8]


def _text(value: str, rows: int) -> Bytes:
    return np.broadcast_to(np.frombuffer(value.encode(), np.uint8), (rows, len(value.encode())))


def number_bytes(values: npt.NDArray[Any], width: int | None = None, *, leading_zeros: bool = False) -> Bytes:
    """The decimal digits of non-negative integers, one row each, right-aligned; without `leading_zeros`
    the places before the first digit are left empty (NUL)."""
    values = np.asarray(values, dtype=np.int64)
    if width is None:
        width = len(str(int(values.max()))) if len(values) else 1
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (values[:, None] // powers % 10 + ord("0")).astype(np.uint8)
    if not leading_zeros:
        digits[values[:, None] < np.r_[powers[:-1], 0]] = _PAD
    return digits


def _day_table(days: npt.NDArray[np.int32], never: bytes) -> tuple[int, Bytes]:
    """The text of every day from the smallest to the largest of `days` (NEVER_USED: `never`, padded)."""
    real = days[days != NEVER_USED]
    low = int(real.min()) if len(real) else 0
    high = int(real.max()) if len(real) else 0
    table = np.zeros((high - low + 2, 10), np.uint8)
    for offset in range(high - low + 1):
        table[offset] = np.frombuffer(from_day_number(low + offset).isoformat().encode(), np.uint8)
    table[-1, : len(never)] = np.frombuffer(never, np.uint8)
    return low, table


def _days(days: npt.NDArray[np.int32], low: int, table: Bytes) -> Bytes:
    index = days.astype(np.int64) - low
    index[days == NEVER_USED] = len(table) - 1
    return table[index]


def evidence_copy_blocks(data: Any, rows: int = BLOCK_ROWS) -> Iterator[bytes]:
    """COPY text (tab-separated, `\\N` for null) of the evidence of synthetic `data`, in blocks of `rows`
    records, in the order and with the values of `bench_end_to_end`'s row-by-row writer (reference
    SYN-<number>, entered by "bench" at STAMP, origin "bench")."""
    columns = data.evidence
    count = len(columns.criterion)
    observed_low, observed = _day_table(columns.observed_on, b"")
    used_low, used = _day_table(columns.used_on, b"\\N")
    confirmed = np.zeros((3, 2), np.uint8)  # by code + 1: not known, false, true
    confirmed[0], confirmed[1, 0], confirmed[2, 0] = np.frombuffer(b"\\N", np.uint8), ord("f"), ord("t")
    assert NOT_KNOWN == -1
    criterion_width = len(str(int(columns.criterion.max()))) if count else 1
    source_width = len(str(int(columns.source_group.max()))) if count else 1
    subject_width = len(str(int(data.subject_of.max()) + 1)) if len(data.subject_of) else 1
    tab = "\t"
    for start in range(0, count, rows):
        part = slice(start, min(start + rows, count))
        size = part.stop - part.start
        subject = data.subject_of[columns.subject_group[part]] + 1
        matrix = np.hstack(
            [
                number_bytes(subject, subject_width),
                _text(tab, size),
                number_bytes(columns.criterion[part], criterion_width),
                _text(tab, size),
                number_bytes(columns.source_group[part], source_width),
                _text(tab, size),
                _days(columns.observed_on[part], observed_low, observed),
                _text(tab + "SYN-", size),
                number_bytes(np.arange(part.start + 1, part.stop + 1), 9, leading_zeros=True),
                _text(tab, size),
                confirmed[columns.confirmed[part].astype(np.int64) + 1],
                _text(f"{tab}bench{tab}{STAMP}{tab}bench{tab}", size),
                _days(columns.used_on[part], used_low, used),
                _text("\n", size),
            ]
        ).ravel()
        yield matrix[matrix != _PAD].tobytes()


@contextmanager
def constraints_dropped(cursor: Any, tables: tuple[str, ...]) -> Iterator[None]:
    """Drop the unique and foreign-key constraints and the indexes (not the primary keys) of `tables`, and
    make them again, as they were, when the block ends: indexes, unique constraints, then foreign keys."""
    constraints: list[tuple[str, str, str, str]] = []
    indexes: list[tuple[str, str]] = []
    for table in tables:
        constraints += cursor.execute(
            "SELECT %s, contype::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            (table, table),
        ).fetchall()
        indexes += cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)",
            (table,),
        ).fetchall()
    constraints.sort(key=lambda item: item[1] != "f")  # foreign keys dropped first, made last
    for table, _, name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute("SET work_mem = '256MB'")
    for _, definition in indexes:
        cursor.execute(definition)
    for table, _, name, definition in reversed(constraints):
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("RESET maintenance_work_mem")
    cursor.execute("RESET work_mem")
