"""The registry of control subjects: upsert by BIN, look-ups and listings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, select, true, update
from sqlalchemy.orm import Session

from tekseru.store._bulk import bulk_insert
from tekseru.store._chunks import chunks
from tekseru.store.models import Subject, SubjectGroup
from tekseru.store.name_keys import search_key
from tekseru.store.records import SubjectData, SubjectRecord, WriteCounts

# Core tables: bulk statements on them skip the ORM's per-row bookkeeping.
_subjects = Subject.metadata.tables[Subject.__tablename__]
_members = SubjectGroup.metadata.tables[SubjectGroup.__tablename__]
_s, _g = _subjects.c, _members.c
_COLUMNS = (_s.id, _s.bin, _s.name, _s.region, _s.address, _s.created_at, _s.updated_at)


def upsert_subjects(session: Session, rows: Sequence[SubjectData], *, now: datetime) -> WriteCounts:
    """Insert new BINs, update changed ones (their groups become exactly `groups`), count the rest.

    The rows must have distinct BINs; a batch is written with a few multi-row statements.
    """
    if len({row.bin for row in rows}) != len(rows):
        raise ValueError("upsert_subjects needs distinct BINs in one call")
    stored = _by_bin(session, [row.bin for row in rows])
    new = [row for row in rows if row.bin not in stored]
    changed = [
        (stored[row.bin].id, row) for row in rows if row.bin in stored and _differs(stored[row.bin], row)
    ]
    _insert(session, new, now)
    _update(session, changed, now)
    return WriteCounts(created=len(new), updated=len(changed), unchanged=len(rows) - len(new) - len(changed))


def _differs(stored: SubjectRecord, row: SubjectData) -> bool:
    return (stored.name, stored.region, stored.address, set(stored.groups)) != (
        row.name,
        row.region,
        row.address,
        set(row.groups),
    )


def _insert(session: Session, rows: Sequence[SubjectData], now: datetime) -> None:
    if not rows:
        return
    values = [_values(row) | {"created_at": now, "updated_at": now} for row in rows]
    bulk_insert(session.connection(), _subjects, values)
    ids = subject_ids_by_bin(session, [row.bin for row in rows])
    _insert_groups(session, [(ids[row.bin], row.groups) for row in rows])


def _update(session: Session, changed: Sequence[tuple[int, SubjectData]], now: datetime) -> None:
    if not changed:
        return
    values = [(subject_id, _values(row) | {"updated_at": now}) for subject_id, row in changed]
    statement = update(_subjects).where(_s.id == bindparam("_id"))
    session.execute(statement, [{"_id": subject_id, **value} for subject_id, value in values])
    ids = [subject_id for subject_id, _ in changed]
    for part in chunks(ids):
        session.execute(delete(_members).where(_g.subject_id.in_(part)))
    _insert_groups(session, [(subject_id, row.groups) for subject_id, row in changed])


def _values(row: SubjectData) -> dict[str, Any]:
    return {
        "bin": row.bin,
        "name": row.name,
        "name_key": search_key(row.name),
        "region": row.region,
        "address": row.address,
    }


def _insert_groups(session: Session, groups: Iterable[tuple[int, Iterable[str]]]) -> None:
    values = [
        {"subject_id": subject_id, "group_key": key} for subject_id, keys in groups for key in set(keys)
    ]
    bulk_insert(session.connection(), _members, values)


def _by_bin(session: Session, bins: Sequence[str]) -> dict[str, SubjectRecord]:
    found: dict[str, SubjectRecord] = {}
    for part in chunks(bins):
        found.update((record.bin, record) for record in _records(session, _s.bin.in_(part)))
    return found


def _records(
    session: Session, condition: ColumnElement[bool], *, limit: int | None = None, offset: int = 0
) -> list[SubjectRecord]:
    query = select(*_COLUMNS).where(condition).order_by(_s.id).offset(offset).limit(limit)
    rows = session.execute(query).all()
    groups = _groups(session, [row[0] for row in rows])
    return [
        SubjectRecord(*row[:5], groups=groups[row[0]], created_at=row[5], updated_at=row[6]) for row in rows
    ]


def _groups(session: Session, subject_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: defaultdict[int, list[str]] = defaultdict(list)
    for part in chunks(subject_ids):
        query = select(_g.subject_id, _g.group_key).where(_g.subject_id.in_(part))
        for subject_id, key in session.execute(query):
            found[subject_id].append(key)
    return defaultdict(tuple, {subject_id: tuple(sorted(keys)) for subject_id, keys in found.items()})


def subject_ids_by_bin(session: Session, bins: Iterable[str]) -> dict[str, int]:
    """The ids of the BINs that are in the registry; BINs that are not are left out."""
    found: dict[str, int] = {}
    for part in chunks(sorted(set(bins))):
        query = select(_s.bin, _s.id).where(_s.bin.in_(part))
        found.update(session.execute(query).all())
    return found


def kept_subjects(session: Session, subject_ids: Iterable[int]) -> set[int]:
    """Which of these subjects are in the registry, each locked (PostgreSQL: FOR KEY SHARE, as a foreign
    key's check locks it) until the transaction ends, so that none can be deleted before the rows written
    for it are committed; on SQLite the write transaction keeps every other writer out already."""
    found: set[int] = set()
    for part in chunks(sorted(set(subject_ids))):
        query = select(_s.id).where(_s.id.in_(part)).with_for_update(read=True, key_share=True)
        found.update(session.execute(query).scalars())
    return found


def regions_by_bin(session: Session, bins: Iterable[str]) -> dict[str, str]:
    """The region of each BIN that is in the registry; BINs that are not are left out."""
    found: dict[str, str] = {}
    for part in chunks(sorted(set(bins))):
        found.update(session.execute(select(_s.bin, _s.region).where(_s.bin.in_(part))).all())
    return found


def get_subject(session: Session, subject_id: int) -> SubjectRecord | None:
    records = _records(session, _s.id == subject_id)
    return records[0] if records else None


def subjects_by_id(session: Session, subject_ids: Iterable[int]) -> dict[int, SubjectRecord]:
    """The subjects with these ids (those stored), by id: read a chunk of ids at a time."""
    found: dict[int, SubjectRecord] = {}
    for part in chunks(sorted(set(subject_ids))):
        found.update((record.id, record) for record in _records(session, _s.id.in_(part)))
    return found


def find_subject_by_bin(session: Session, bin: str) -> SubjectRecord | None:
    records = _records(session, _s.bin == bin)
    return records[0] if records else None


def _filter(region: str | None, group: str | None) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = true()
    if region is not None:
        condition = condition & (_s.region == region)
    if group is not None:
        members = select(_g.subject_id).where(_g.group_key == group)
        condition = condition & _s.id.in_(members)
    return condition


def list_subjects(
    session: Session,
    *,
    region: str | None = None,
    group: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[SubjectRecord]:
    """One page of subjects in registry order (by id), optionally of one region and/or group."""
    return _records(session, _filter(region, group), limit=limit, offset=offset)


def count_subjects(session: Session, *, region: str | None = None, group: str | None = None) -> int:
    query = select(func.count()).select_from(_subjects).where(_filter(region, group))
    return session.execute(query).scalar_one()


def iter_subjects(
    session: Session, *, region: str | None = None, group: str | None = None, batch_size: int = 5000
) -> Iterator[SubjectRecord]:
    """Every matching subject, fetched in batches (keyset by id), for the risk engine and exports."""
    last_id = 0
    while True:
        batch = _records(session, _filter(region, group) & (_s.id > last_id), limit=batch_size)
        yield from batch
        if len(batch) < batch_size:
            return
        last_id = batch[-1].id
