"""Reading what the risk engine needs as NumPy arrays, fast: the subject-groups and all evidence.

A million subject-groups and ten million evidence records do not fit through one Python tuple per row in
a minute. Instead the database builds one long text per column with its string aggregate (SQLite's
`group_concat`, PostgreSQL's `string_agg`) and NumPy parses it: numbers separated by commas, and dates and
BINs, which have a fixed width, concatenated without a separator (PostgreSQL gives dates as numbers of days,
which it writes in half the time of their text). All columns of one range of rows come
from one query, so their elements line up. Evidence is read in ranges of ids to bound the memory one text
takes.

Assumptions the intake guarantees: BINs have 12 digits; criterion and source-group numbers are positive
(source groups below 65,536); dates are stored as YYYY-MM-DD (SQLAlchemy's form on SQLite).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tekseru.store.snapshots import export_snapshot, hold_writers, snapshot_connection, sqlite_file

Ints = npt.NDArray[np.int64]
EVIDENCE_CHUNK = 2_000_000
NEVER_USED = int(np.iinfo(np.int32).max)  # the scoring core's "never used for a visit" day
_NO_DATE = "0000-00-00"
_DATE_WIDTH, _BIN_WIDTH = 10, 12
# Packing of the small evidence fields into one number: ((criterion x 65536) + source group) x 4 + confirmed,
# where confirmed is 0 (false), 1 (true) or 2 (not known).
_SOURCE_BITS, _CONFIRMED_BITS = 16, 2
_SOURCE_RADIX, _CONFIRMED_RADIX = 1 << _SOURCE_BITS, 1 << _CONFIRMED_BITS
# A large page cache and memory-mapped reads for the scans; both last for the connection only.
_BULK_READ_PRAGMAS = ("cache_size = -262144", "mmap_size = 8589934592")
# Set back when the registry is read: the connection goes back to the pool, and the run that stores its
# results on it next kept up to 256 MiB of cache and the mapped file in memory (SQLite's defaults, which
# `tekseru.store.database` leaves as they are).
_DEFAULT_PRAGMAS = ("cache_size = -2000", "mmap_size = 0")


@dataclass(frozen=True)
class SubjectGroupArrays:
    """Every (subject, control group) pair of the registry, sorted by subject id then group key.

    `group` holds codes into `group_keys` (sorted), `bins` the BIN of each subject in `subject_ids` (all
    subjects of the registry, by id) as a 12-digit number.
    """

    subject_id: Ints
    group: npt.NDArray[np.int32]
    group_keys: tuple[str, ...]
    subject_ids: Ints
    bins: Ints


@dataclass(frozen=True)
class EvidenceArrays:
    """Every evidence record, element by element: days since 1970-01-01, confirmed 1 / 0 / -1."""

    id: Ints
    subject_id: Ints
    criterion: npt.NDArray[np.int32]
    source_group: npt.NDArray[np.int16]
    observed_on: npt.NDArray[np.int32]
    confirmed: npt.NDArray[np.int8]
    used_on: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.id)


SubjectRange = tuple[int, int]  # subject ids low..high-1: a partition of the registry


def load_subject_groups(session: Session, subjects: SubjectRange | None = None) -> SubjectGroupArrays:
    """The subject-groups and subjects of the registry (with `subjects`, of those subjects only)."""
    dialect = _Dialect.of(session)
    among, bounds = _among("subject_id", subjects)
    rows = session.execute(
        text(
            f"SELECT group_key, {dialect.join_numbers('subject_id')} FROM subject_groups{among} "
            "GROUP BY group_key"
        ),
        bounds,
    ).all()
    keys = tuple(sorted(key for key, _ in rows))
    parts = {key: parse_numbers(numbers) for key, numbers in rows}
    subject = np.concatenate([parts[key] for key in keys]) if keys else np.zeros(0, np.int64)
    group = np.repeat(np.arange(len(keys), dtype=np.int32), [len(parts[key]) for key in keys])
    order = np.lexsort((group, subject))
    among, bounds = _among("id", subjects)
    ids, bins = session.execute(
        text(f"SELECT {dialect.join_numbers('id')}, {dialect.join_texts('bin')} FROM subjects{among}"), bounds
    ).one()
    subject_ids = parse_numbers(ids)
    by_id = np.argsort(subject_ids)
    return SubjectGroupArrays(
        subject[order], group[order], keys, subject_ids[by_id], parse_fixed_digits(bins, _BIN_WIDTH)[by_id]
    )


def _among(column: str, subjects: SubjectRange | None) -> tuple[str, dict[str, int]]:
    if subjects is None:
        return "", {}
    return f" WHERE {column} >= :first AND {column} < :last", {"first": subjects[0], "last": subjects[1]}


def load_partition(session: Session, subjects: SubjectRange) -> tuple[SubjectGroupArrays, EvidenceArrays]:
    """The subject-groups and evidence of the subjects with ids in the range, in one query each (by the
    evidence's index on its subject), as `load_registry` reads the whole registry."""
    dialect = _Dialect.of(session)
    dialect.prepare_bulk_read(session)
    registry = load_subject_groups(session, subjects)
    sql = dialect.evidence_query(with_ids=True, by_subject=True)
    row = session.execute(text(sql), {"low": subjects[0], "high": subjects[1]}).one()
    return registry, _evidence_from_parts([_evidence_part(row, None, dialect)] if row[0] else [])


def subject_regions(session: Session) -> tuple[Ints, npt.NDArray[np.object_]]:
    """Every subject's id (ascending) and region key."""
    dialect = _Dialect.of(session)
    rows = session.execute(text(f"SELECT region, {dialect.join_numbers('id')} FROM subjects GROUP BY region"))
    parts = [(region, parse_numbers(ids)) for region, ids in rows]
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, dtype=object)
    ids = np.concatenate([numbers for _, numbers in parts])
    keys = np.array([region for region, _ in parts], dtype=object)
    regions = np.repeat(np.arange(len(parts)), [len(numbers) for _, numbers in parts])
    order = np.argsort(ids)
    return ids[order], keys[regions[order]]


def load_registry(session: Session, *, readers: int = 2) -> tuple[SubjectGroupArrays, EvidenceArrays]:
    """The subject-groups and all evidence, as one consistent snapshot.

    `readers` connections of their own read ranges of evidence in parallel threads, seeing what this
    transaction sees (`tekseru.store.snapshots`): on a SQLite file because it first takes the write lock
    (with a statement that changes nothing), so that no one can commit until it ends; on PostgreSQL because
    they import its snapshot, which needs a transaction whose statements share one snapshot (REPEATABLE
    READ: `Database.reading(one_snapshot=True)`) and that has written nothing. Otherwise (the lock taken,
    READ COMMITTED, a write) one connection reads everything.
    """
    path = sqlite_file(session)
    snapshot = None
    if readers > 1 and path is None and _Dialect.of(session).name == "postgresql":
        snapshot = export_snapshot(session)
    parallel = readers > 1 and ((path is not None and hold_writers(session)) or snapshot is not None)
    try:
        registry = load_subject_groups(session)
        evidence = load_evidence(session, readers=readers if parallel else 1, path=path, snapshot=snapshot)
        return registry, evidence
    finally:
        _Dialect.of(session).end_bulk_read(session)


def load_evidence(
    session: Session,
    *,
    chunk: int = EVIDENCE_CHUNK,
    readers: int = 1,
    path: str | None = None,
    snapshot: str | None = None,
) -> EvidenceArrays:
    """All evidence, read in ranges of `chunk` ids; the order is by id on SQLite, any order elsewhere.

    With `readers` > 1 and either `path`, the SQLite file the session uses, or `snapshot`, the PostgreSQL
    snapshot of its transaction, the ranges are read by that many connections in threads; the caller
    makes sure they see the session's data (see `load_registry`).
    """
    dialect = _Dialect.of(session)
    dialect.prepare_bulk_read(session)
    low, high, count = session.execute(text("SELECT min(id), max(id), count(*) FROM evidence")).one()
    if not count:
        return _evidence_from_parts([])
    # SQLite scans a range of rowids in id order, so ids need not be read when they have no gaps.
    dense = dialect.name == "sqlite" and high - low + 1 == count
    sql = dialect.evidence_query(with_ids=not dense)
    if readers > 1:
        # A few ranges per reader, so that the readers finish together.
        chunk = max(min(chunk, -(-(high - low + 1) // (3 * readers))), 1)
    starts = range(low, high + 1, chunk)
    ranges = [(start, start + chunk) for start in starts]
    rows: Iterable[tuple[Any, ...]]
    if readers > 1 and len(starts) > 1 and path is not None:
        rows = _read_in_threads(_sqlite_reader(path, sql), ranges, readers)
    elif readers > 1 and len(starts) > 1 and snapshot is not None:
        engine = session.connection().engine
        rows = _read_in_threads(_snapshot_reader(engine, snapshot, sql), ranges, readers)
    else:
        query = text(sql)
        rows = (tuple(session.execute(query, {"low": first, "high": last}).one()) for first, last in ranges)
    parts = [
        _evidence_part(row, np.arange(start, min(start + chunk, high + 1)) if dense else None, dialect)
        for start, row in zip(starts, rows, strict=True)
    ]
    return _evidence_from_parts(parts)


_RangeReader = Callable[[tuple[int, int]], tuple[Any, ...]]


def _read_in_threads(
    read: _RangeReader, ranges: list[tuple[int, int]], readers: int
) -> Iterator[tuple[Any, ...]]:
    """The query's row for each range, in order; each range on a connection of its own, `readers` at a
    time (SQLite and psycopg release the interpreter lock while a query runs)."""
    with ThreadPoolExecutor(readers) as pool:
        yield from pool.map(read, ranges)


def _sqlite_reader(path: str, sql: str) -> _RangeReader:
    def read(bounds: tuple[int, int]) -> tuple[Any, ...]:
        connection = sqlite3.connect(path, timeout=30)
        try:
            for pragma in _BULK_READ_PRAGMAS:
                connection.execute(f"PRAGMA {pragma}")
            row = connection.execute(sql.replace(":low", "?").replace(":high", "?"), bounds).fetchone()
            return tuple(row)
        finally:
            connection.close()

    return read


def _snapshot_reader(engine: Engine, snapshot: str, sql: str) -> _RangeReader:
    query = text(sql)

    def read(bounds: tuple[int, int]) -> tuple[Any, ...]:
        with snapshot_connection(engine, snapshot) as connection:
            return tuple(connection.execute(query, {"low": bounds[0], "high": bounds[1]}).one())

    return read


def _evidence_part(row: Any, ids: Ints | None, dialect: _Dialect) -> tuple[npt.NDArray[Any], ...]:
    subjects, packed, observed, used = (row[index] for index in range(4))
    numbers = parse_numbers(packed)
    confirmed = (numbers & (_CONFIRMED_RADIX - 1)).astype(np.int8)
    numbers >>= _CONFIRMED_BITS
    confirmed[confirmed == 2] = -1
    return (
        parse_numbers(row[4]) if ids is None else ids,
        parse_numbers(subjects),
        numbers >> _SOURCE_BITS,
        numbers & (_SOURCE_RADIX - 1),
        dialect.parse_dates(observed),
        confirmed,
        dialect.parse_dates(used),
    )


def _evidence_from_parts(parts: list[tuple[npt.NDArray[Any], ...]]) -> EvidenceArrays:
    dtypes = (np.int64, np.int64, np.int32, np.int16, np.int32, np.int8, np.int32)
    columns = [
        np.concatenate([part[index] for part in parts]).astype(dtype, copy=False)
        if parts
        else np.zeros(0, dtype)
        for index, dtype in enumerate(dtypes)
    ]
    return EvidenceArrays(*columns)


class _Dialect:
    """The few SQL spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def of(cls, session: Session) -> _Dialect:
        return cls(session.get_bind().dialect.name)

    def join_numbers(self, expression: str) -> str:
        if self.name == "sqlite":
            return f"group_concat({expression}, ',')"
        return f"string_agg(CAST({expression} AS TEXT), ',')"

    def join_texts(self, expression: str) -> str:
        """Fixed-width texts, concatenated without a separator."""
        if self.name == "sqlite":
            return f"group_concat({expression}, '')"
        return f"string_agg({expression}, '')"

    def join_dates(self, column: str) -> str:
        if self.name == "sqlite":
            return self.join_texts(f"ifnull({column}, '{_NO_DATE}')")
        # PostgreSQL: days since 1970-01-01 as numbers (half the server's time of to_char's dates)
        return self.join_numbers(f"coalesce({column} - DATE '1970-01-01', {NEVER_USED})")

    def parse_dates(self, joined: str | None) -> npt.NDArray[np.int32]:
        """Days since 1970-01-01 from what `join_dates` gives."""
        return parse_dates(joined) if self.name == "sqlite" else parse_numbers(joined).astype(np.int32)

    def evidence_query(self, *, with_ids: bool, by_subject: bool = False) -> str:
        """The evidence with ids low..high-1 (`by_subject`: of the subjects with ids low..high-1)."""
        confirmed = (
            "ifnull(confirmed, 2)" if self.name == "sqlite" else "coalesce(CAST(confirmed AS INTEGER), 2)"
        )
        packed = f"((criterion * {_SOURCE_RADIX}) + source_group) * {_CONFIRMED_RADIX} + {confirmed}"
        columns = [
            self.join_numbers("subject_id"),
            self.join_numbers(packed),
            self.join_dates("observed_on"),
            self.join_dates("used_on"),
        ]
        if with_ids:
            columns.append(self.join_numbers("id"))
        if by_subject:
            among = "subject_id >= :low AND subject_id < :high"
            return f"SELECT {', '.join(columns)} FROM evidence WHERE {among}"
        # NOT INDEXED makes SQLite scan the table itself, in id order, never a covering index.
        table = "evidence NOT INDEXED" if self.name == "sqlite" else "evidence"
        return f"SELECT {', '.join(columns)} FROM {table} WHERE id >= :low AND id < :high"

    def prepare_bulk_read(self, session: Session) -> None:
        if self.name == "sqlite":
            for pragma in _BULK_READ_PRAGMAS:
                session.execute(text(f"PRAGMA {pragma}"))

    def end_bulk_read(self, session: Session) -> None:
        if self.name == "sqlite":
            for pragma in _DEFAULT_PRAGMAS:
                session.execute(text(f"PRAGMA {pragma}"))


def parse_numbers(joined: str | None) -> Ints:
    """Integers from a comma-separated text (None or empty: none)."""
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


def _digits(joined: str | None, width: int) -> npt.NDArray[np.uint8]:
    raw = np.frombuffer((joined or "").encode("ascii"), dtype=np.uint8)
    if len(raw) % width:
        raise ValueError(f"expected values of {width} characters, got a text of {len(raw)}")
    return raw.reshape(-1, width)


def parse_fixed_digits(joined: str | None, width: int) -> Ints:
    """Numbers of `width` digits each (BINs), concatenated without a separator."""
    digits = _digits(joined, width).astype(np.int64) - ord("0")
    if digits.size and (digits.min() < 0 or digits.max() > 9):
        raise ValueError(f"expected only digits in values of {width} characters")
    return digits @ (10 ** np.arange(width - 1, -1, -1, dtype=np.int64))


def parse_dates(joined: str | None) -> npt.NDArray[np.int32]:
    """Days since 1970-01-01 from YYYY-MM-DD dates concatenated without a separator; 0000-00-00 is
    "no date", NEVER_USED."""
    raw = _digits(joined, _DATE_WIDTH)
    if len(raw) and not (np.all(raw[:, 4] == ord("-")) and np.all(raw[:, 7] == ord("-"))):
        raise ValueError("expected dates written YYYY-MM-DD")
    digits = raw - np.uint8(ord("0"))

    def number(*places: int) -> npt.NDArray[np.int32]:
        value = digits[:, places[0]].astype(np.int32)
        for place in places[1:]:
            value = value * 10 + digits[:, place]
        return value

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    known = month != 0
    if known.all():
        return days_from_civil(year, month, day).astype(np.int32)
    days = np.full(len(raw), NEVER_USED, dtype=np.int32)
    days[known] = days_from_civil(year[known], month[known], day[known])
    return days


def days_from_civil(
    year: npt.NDArray[np.integer[Any]], month: npt.NDArray[np.integer[Any]], day: npt.NDArray[np.integer[Any]]
) -> Ints:
    """Days since 1970-01-01 of proleptic Gregorian dates, element-wise (H. Hinnant's algorithm)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    result: Ints = (era * 146097 + day_of_era - 719468).astype(np.int64)
    return result
