"""Evidence for the subjective criteria: upsert by natural key, reading for the risk engine, marking use.

The natural key is (subject, criterion, source group, date observed, reference): storing the same fact
twice changes nothing, which makes imports idempotent.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    delete,
    func,
    select,
    true,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tekseru.store._bulk import (
    bulk_insert,
    copy_data,
    copy_from_data,
    insert_columns,
    insert_sqlite_values,
    sqlite_values,
)
from tekseru.store._chunks import chunks
from tekseru.store._staging import discard_staged, insert_staged, stage_rows
from tekseru.store.database import checkpoint_deferred
from tekseru.store.models import Evidence
from tekseru.store.records import EvidenceData, EvidenceRecord, WriteCounts

# The Core table: bulk statements on it skip the ORM's per-row bookkeeping.
_table = Evidence.metadata.tables[Evidence.__tablename__]
_c = _table.c
_KEY = (_c.subject_id, _c.criterion, _c.source_group, _c.observed_on, _c.reference)
_COLUMNS = (_c.id, *_KEY, _c.confirmed, _c.entered_by, _c.entered_at, _c.origin, _c.used_on)
Key = tuple[int, int, int, date, str]

# A per-connection scratch table for the natural keys of one batch; not part of the schema.
_keys = Table(
    "evidence_import_keys",
    MetaData(),
    Column("subject_id", Integer),
    Column("criterion", Integer),
    Column("source_group", Integer),
    Column("observed_on", Date),
    Column("reference", String(500)),
    prefixes=["TEMPORARY"],
)


def upsert_evidence(
    session: Session, rows: Sequence[EvidenceData], *, entered_by: str, entered_at: datetime
) -> WriteCounts:
    """Insert new evidence; for stored evidence only `confirmed` may change (a complaint confirmed later).

    The rows must have distinct natural keys. Who entered a row and where it came from stay as first stored.
    """
    keys = [row.natural_key for row in rows]
    if len(set(keys)) != len(rows):
        raise ValueError("upsert_evidence needs distinct natural keys in one call")
    stored = _stored_confirmed(session, keys)
    new = [row for row, key in zip(rows, keys, strict=True) if key not in stored]
    changed = [
        (stored[key][0], row)
        for row, key in zip(rows, keys, strict=True)
        if key in stored and stored[key][1] != row.confirmed
    ]
    if new:
        bulk_insert(session.connection(), _table, [_values(row, entered_by, entered_at) for row in new])
    if changed:
        statement = update(_table).where(_c.id == bindparam("_id")).values(confirmed=bindparam("_confirmed"))
        session.execute(statement, [{"_id": id_, "_confirmed": row.confirmed} for id_, row in changed])
    return WriteCounts(created=len(new), updated=len(changed), unchanged=len(rows) - len(new) - len(changed))


# The columns a new row is inserted with, and how PostgreSQL's binary COPY sends each.
_NEW = ("subject_id", "criterion", "source_group", "observed_on", "reference", "confirmed", "entered_by",
        "entered_at", "origin")  # fmt: skip
_POSTGRES_TYPES = ("int4", "int4", "int4", "date", "varchar", "bool", "varchar", "timestamptz", "varchar")


@dataclass(frozen=True)
class PreparedEvidence:
    """A batch of rows for `upsert_evidence`, compared with the evidence stored when it was read: the new
    rows' columns as the driver takes them (on PostgreSQL their binary COPY's data, on SQLite the
    parameters of multi-row INSERTs instead, pickled, and staged on the preparing connection), the stored
    rows whose `confirmed` changes (id, confirmed as read, confirmed in the batch), and how many rows the
    batch has (plain values only: batches are kept in a temporary file and read back in the write
    transaction)."""

    rows: int
    new: dict[str, list[Any]]
    changed: list[tuple[int, bool | None, bool | None]]
    created: int
    copy: bytes | None = None  # on PostgreSQL (psycopg 3) the new rows as a binary COPY's data, not in `new`
    # On SQLite the new rows as multi-row INSERTs' parameters (pickled: unpickled only when not staged on
    # the writing connection), not in `new`; and the token of the rows staged (`_staging.stage_rows`).
    statements: bytes | None = None
    staged: int | None = None

    @property
    def counts(self) -> WriteCounts:
        return WriteCounts(self.created, len(self.changed), self.rows - self.created - len(self.changed))


def prepare_evidence(
    session: Session, rows: Sequence[EvidenceData], *, entered_by: str, entered_at: datetime
) -> PreparedEvidence:
    """`upsert_evidence`'s work that only reads, done before the write transaction (in a reading one): what
    is stored of the rows (distinct natural keys), and the new rows' values ready for the driver, sorted
    by the natural key so that the inserts walk the unique index in order."""
    keys = [row.natural_key for row in rows]
    if len(set(keys)) != len(rows):
        raise ValueError("prepare_evidence needs distinct natural keys in one call")
    having = _subjects_with_evidence(session, {key[0] for key in keys})
    stored = _stored_confirmed(session, [key for key in keys if key[0] in having]) if having else {}
    new = sorted((key, row) for key, row in zip(keys, rows, strict=True) if key not in stored)
    changed = [
        (stored[key][0], stored[key][1], row.confirmed)
        for row, key in zip(rows, keys, strict=True)
        if key in stored and stored[key][1] != row.confirmed
    ]
    observed_on: list[Any] = [key[3] for key, _ in new]
    stamp: Any = entered_at
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite":  # as SQLAlchemy would store them (dates as its text), each date once
        texts = {day: _bound("observed_on", day, dialect) for day in set(observed_on)}
        observed_on = [texts[day] for day in observed_on]
        stamp = _bound("entered_at", stamp, dialect)
    values: dict[str, list[Any]] = {
        "subject_id": [key[0] for key, _ in new],
        "criterion": [key[1] for key, _ in new],
        "source_group": [key[2] for key, _ in new],
        "observed_on": observed_on,
        "reference": [key[4] for key, _ in new],
        "confirmed": [row.confirmed for _, row in new],
        "entered_by": [entered_by] * len(new),
        "entered_at": [stamp] * len(new),
        "origin": [row.origin for _, row in new],
    }
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        data = zip(*(values[name] for name in _NEW), strict=True)
        copy = copy_data(session.connection(), data, postgres_types=_POSTGRES_TYPES)
        return PreparedEvidence(len(rows), {}, changed, len(new), copy)
    if dialect.name == "sqlite":
        statements = sqlite_values(session.connection(), _NEW, values, len(new))
        staged = stage_rows(session.connection(), _NEW, statements)
        pickled = pickle.dumps(statements, protocol=pickle.HIGHEST_PROTOCOL)
        return PreparedEvidence(len(rows), {}, changed, len(new), statements=pickled, staged=staged)
    return PreparedEvidence(len(rows), values, changed, len(new))


def _bound(column: str, value: Any, dialect: Dialect) -> Any:
    """`value` of `column` as SQLAlchemy hands it to the driver."""
    process = _table.c[column].type._cached_bind_processor(dialect)
    return value if process is None else process(value)


def _subjects_with_evidence(session: Session, subject_ids: set[int]) -> set[int]:
    """Which of these subjects have any evidence stored (an index look-up each): only their rows can be
    stored already, and a first import of a subject's evidence need not compare row by row."""
    found: set[int] = set()
    for part in chunks(sorted(subject_ids)):
        query = select(_c.subject_id).where(_c.subject_id.in_(part)).distinct()
        found.update(session.execute(query).scalars())
    return found


def write_prepared(session: Session, batch: PreparedEvidence) -> WriteCounts | None:
    """Write `batch` (in the write transaction) as it was prepared, or, when the evidence it was compared
    with has changed since (another writer stored one of its new rows, or changed a `confirmed` it
    changes), write none of it and say None: `upsert_evidence` of its rows, which compares again, is then
    the way to write them."""
    savepoint = session.begin_nested()
    connection = session.connection()  # after begin_nested: the session emits the SAVEPOINT when it is used
    driver_errors = connection.dialect.loaded_dbapi.IntegrityError
    try:
        if batch.copy is not None and batch.created:
            copy_from_data(connection, _table, _NEW, batch.copy)
        elif batch.staged is not None and (staged := _insert_staged(connection, batch.staged)) is not None:
            if staged != batch.created:  # not the rows prepared: compare again
                savepoint.rollback()
                return None
        elif batch.statements is not None:
            insert_sqlite_values(connection, _table.name, _NEW, pickle.loads(batch.statements))
        else:
            insert_columns(connection, _table, batch.new, postgres_types=_POSTGRES_TYPES)
        if batch.changed and _confirm(session, batch.changed) != len(batch.changed):
            savepoint.rollback()
            return None
    except (IntegrityError, driver_errors):
        savepoint.rollback()
        return None
    savepoint.commit()
    return batch.counts


def discard_staged_evidence(session: Session) -> None:
    """Drop the new rows `prepare_evidence` staged on the session's connection (SQLite), after the write
    transaction or before preparing: they take room in a temporary file for as long as the connection
    lives."""
    discard_staged(session.connection())


# SQLite's page cache while an import writes (KiB): enough for the pages a million rows of evidence and
# their indexes fill (about 160 MB), which the default 2 MB cache spills and reads back batch after batch.
_WRITING_CACHE_KIB = 256 * 1024


@contextmanager
def writing_many(session: Session) -> Iterator[None]:
    """Inserting many rows in `session`'s write transaction: on SQLite with a page cache that holds what
    they change (taken only as pages are used, and given back afterwards), and with the write-ahead log
    copied into the database after the commit (`store.database.checkpoint`, the caller's to run), not in
    it, so that the write lock is held for less time; nothing changes elsewhere."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    checkpoint_deferred(connection)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    size = int(cursor.execute("PRAGMA cache_size").fetchone()[0])
    cursor.execute(f"PRAGMA cache_size = -{_WRITING_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {size}")
        cursor.close()


def _insert_staged(connection: Connection, token: int) -> int | None:
    return insert_staged(connection, _table.name, _NEW, token)


def _confirm(session: Session, changed: Sequence[tuple[int, bool | None, bool | None]]) -> int:
    """Set each row's `confirmed` where it still is as read; how many were."""
    statement = (
        update(_table)
        .where(_c.id == bindparam("_id"), _c.confirmed.is_not_distinct_from(bindparam("_read")))
        .values(confirmed=bindparam("_confirmed"))
    )
    if not session.get_bind().dialect.supports_sane_multi_rowcount:
        return sum(
            session.execute(statement, {"_id": id_, "_read": read, "_confirmed": now}).rowcount  # type: ignore[attr-defined]
            for id_, read, now in changed
        )
    params = [{"_id": id_, "_read": read, "_confirmed": now} for id_, read, now in changed]
    return session.execute(statement, params).rowcount  # type: ignore[attr-defined,no-any-return]


def _values(row: EvidenceData, entered_by: str, entered_at: datetime) -> dict[str, object]:
    return {
        "subject_id": row.subject_id,
        "criterion": row.criterion,
        "source_group": row.source_group,
        "observed_on": row.observed_on,
        "reference": row.reference,
        "confirmed": row.confirmed,
        "entered_by": entered_by,
        "entered_at": entered_at,
        "origin": row.origin,
        "used_on": None,
    }


def _stored_confirmed(session: Session, keys: Sequence[Key]) -> dict[Key, tuple[int, bool | None]]:
    """(id, confirmed) of the stored evidence with these natural keys.

    The keys go to a temporary table joined on the unique index: one indexed look-up per row, however
    much evidence the subjects already have.
    """
    connection = session.connection()
    _keys.create(connection, checkfirst=True)
    connection.execute(delete(_keys))
    names = [column.name for column in _KEY]
    bulk_insert(connection, _keys, [dict(zip(names, key, strict=True)) for key in keys])
    on = and_(*(stored == wanted for stored, wanted in zip(_KEY, _keys.c, strict=True)))
    query = select(*_KEY, _c.id, _c.confirmed).select_from(_table.join(_keys, on))
    found: dict[Key, tuple[int, bool | None]] = {}
    for subject_id, criterion, group, observed_on, reference, id_, confirmed in connection.execute(query):
        found[(subject_id, criterion, group, observed_on, reference)] = (id_, confirmed)
    return found


def _filter(
    subject_ids: Sequence[int] | None, observed_from: date | None, observed_to: date | None
) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = true()
    if subject_ids is not None:
        condition = condition & _c.subject_id.in_(subject_ids)
    if observed_from is not None:
        condition = condition & (_c.observed_on >= observed_from)
    if observed_to is not None:
        condition = condition & (_c.observed_on <= observed_to)
    return condition


def evidence_for_subjects(
    session: Session,
    subject_ids: Iterable[int] | None = None,
    *,
    observed_from: date | None = None,
    observed_to: date | None = None,
) -> list[EvidenceRecord]:
    """The evidence of these subjects (all when None) observed in [observed_from, observed_to]."""
    if subject_ids is None:
        return list(iter_evidence(session, observed_from=observed_from, observed_to=observed_to))
    found: list[EvidenceRecord] = []
    for part in chunks(sorted(set(subject_ids))):
        query = select(*_COLUMNS).where(_filter(part, observed_from, observed_to)).order_by(_c.id)
        found.extend(EvidenceRecord(*row) for row in session.execute(query))
    return found


def iter_evidence(
    session: Session,
    *,
    observed_from: date | None = None,
    observed_to: date | None = None,
    batch_size: int = 20000,
) -> Iterator[EvidenceRecord]:
    """All evidence observed in [observed_from, observed_to], fetched in batches (keyset by id)."""
    last_id = 0
    while True:
        condition = _filter(None, observed_from, observed_to) & (_c.id > last_id)
        query = select(*_COLUMNS).where(condition).order_by(_c.id).limit(batch_size)
        batch = [EvidenceRecord(*row) for row in session.execute(query)]
        yield from batch
        if len(batch) < batch_size:
            return
        last_id = batch[-1].id


def mark_used(session: Session, evidence_ids: Iterable[int], used_on: date) -> int:
    """Record that this evidence was taken into account for a visit on `used_on`; how many rows changed."""
    changed = 0
    for part in chunks(sorted(set(evidence_ids))):
        result = session.connection().execute(update(_table).where(_c.id.in_(part)).values(used_on=used_on))
        changed += result.rowcount
    return changed


def count_evidence(session: Session, *, subject_id: int | None = None) -> int:
    query = select(func.count()).select_from(_table)
    if subject_id is not None:
        query = query.where(_c.subject_id == subject_id)
    return session.execute(query).scalar_one()
