"""SQLite: new evidence staged on the preparing connection and copied in the write transaction (issue 18)."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date
from pathlib import Path

from sqlalchemy import text

from tekseru.store import Database, WriteCounts, open_database, sqlite_url
from tekseru.store.evidence import (
    discard_staged_evidence,
    prepare_evidence,
    upsert_evidence,
    write_prepared,
)
from tests.store.factories import NOW, add_subjects, evidence


def _staged_tables(database: Database) -> list[str]:
    with database.reading() as session:
        query = "SELECT name FROM temp.sqlite_master WHERE type = 'table' AND name GLOB 'tekseru_staged_*'"
        return list(session.execute(text(query)).scalars())


def _stored(database: Database) -> list[tuple[object, ...]]:
    with database.reading() as session:
        columns = "subject_id, criterion, observed_on, reference, confirmed, entered_by, origin"
        query = f"SELECT {columns} FROM evidence"
        return sorted(tuple(row) for row in session.execute(text(query)))


def _batch(subject_id: int) -> list:  # type: ignore[type-arg]
    return [
        evidence(subject_id, criterion, observed_on=date(2024, 1, criterion)) for criterion in range(1, 8)
    ]


def test_rows_staged_on_the_writing_connection_are_copied_from_there(tmp_path: Path) -> None:
    database = open_database(sqlite_url(tmp_path / "staged.sqlite3"))
    try:
        [subject_id] = add_subjects(database, 1)
        with database.reading() as session:
            prepared = prepare_evidence(session, _batch(subject_id), entered_by="bob", entered_at=NOW)
        assert prepared.staged is not None and len(_staged_tables(database)) == 1
        # without its statements: what is written can only come from the staged rows
        unstatemented = dataclasses.replace(prepared, statements=pickle.dumps([]))
        with database.transaction() as session:
            assert write_prepared(session, unstatemented) == WriteCounts(created=7)
        assert [row[1] for row in _stored(database)] == list(range(1, 8))
        with database.reading() as session:
            discard_staged_evidence(session)
        assert _staged_tables(database) == []
    finally:
        database.close()


def test_rows_written_on_another_connection_are_inserted_as_prepared(tmp_path: Path) -> None:
    """The write transaction on a connection without the staged rows (another pooled one) inserts the rows
    as prepared; the result is the same as upsert's."""
    path = tmp_path / "elsewhere.sqlite3"
    preparing, writing = open_database(sqlite_url(path)), open_database(sqlite_url(path))
    try:
        first, second = add_subjects(preparing, 2)
        with preparing.reading() as session:
            prepared = prepare_evidence(session, _batch(first), entered_by="bob", entered_at=NOW)
        assert prepared.staged is not None and _staged_tables(writing) == []
        with writing.transaction() as session:
            assert write_prepared(session, prepared) == WriteCounts(created=7)
            upsert_evidence(session, _batch(second), entered_by="bob", entered_at=NOW)
        stored = _stored(writing)
        assert [row[1:] for row in stored if row[0] == first] == [
            row[1:] for row in stored if row[0] == second
        ]
        assert len(stored) == 14
    finally:
        preparing.close()
        writing.close()


def test_staged_rows_not_as_prepared_are_compared_again(tmp_path: Path) -> None:
    """Staged rows that are not the batch's (fewer than it has new) are not kept: the caller compares
    again."""
    database = open_database(sqlite_url(tmp_path / "fewer.sqlite3"))
    try:
        [subject_id] = add_subjects(database, 1)
        with database.reading() as session:
            prepared = prepare_evidence(session, _batch(subject_id), entered_by="bob", entered_at=NOW)
        with database.transaction() as session:
            assert write_prepared(session, dataclasses.replace(prepared, created=8)) is None
        assert _stored(database) == []
    finally:
        database.close()
