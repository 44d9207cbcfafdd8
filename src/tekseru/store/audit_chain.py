"""The audit log as a hash chain, and its verification.

Each entry's `hash` is the SHA-256 of the canonical JSON (`tekseru.store.canonical`) of the entry (id,
time, actor, action, thing, region, before and after) together with `previous_hash`, the hash of the entry
before it; the first entry follows `GENESIS`. The one row of `audit_chain_head` names the last entry and
its hash. An entry is appended under a lock on that row, so two writers never chain onto the same entry
(SQLite serialises writers anyway; PostgreSQL takes the row lock of SELECT ... FOR UPDATE).

The entries that sign a record (complete an inspection, approve or publish a list) carry the record's
content hash (`tekseru.store.record_seals`), so the chain covers those records too.

`verify` walks the chain in id order and reports, in that order, the first entry whose hash is not its
content's (edited), that does not follow its predecessor (inserted, or entries deleted before it), a head
that names another last entry (deleted at the end), and the sealed records that no longer match their
seal, are gone, or are signed with no sealing entry at all.

What a chain cannot show by itself: someone who can write to the database and recomputes every hash after
a change leaves a valid chain. `verify` therefore reports the head hash; kept elsewhere (a printout, the
backups), it is an anchor: `verify(anchor=...)` checks that the entry it named is still in the chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from tekseru.store.account_models import AuditChainHead, AuditEntry
from tekseru.store.canonical import canonical_json
from tekseru.store.record_seals import INSPECTION, PLAN, SEAL_KEY, seals

GENESIS = "0" * 64
HEAD_ID = 1
_HASHED = ("id", "at", "actor", "action", "entity", "entity_key", "region", "before", "after")
_SEALED_ENTITIES = (INSPECTION, PLAN)


def entry_hash(entry: Mapping[Any, Any], previous_hash: str) -> str:
    """The hash of an entry (a mapping with at least the `_HASHED` keys) that follows `previous_hash`."""
    content = {name: entry[name] for name in _HASHED} | {"previous_hash": previous_hash}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def append(session: Session, values: Mapping[str, Any]) -> int:
    """Insert the entry (`values` without id and hashes) at the end of the chain; its id."""
    head = session.execute(
        select(AuditChainHead.last_id, AuditChainHead.last_hash)
        .where(AuditChainHead.id == HEAD_ID)
        .with_for_update()
    ).first()
    if head is None:  # a database made before the chain: start it (migration 0008 normally did)
        last_id, last_hash = 0, GENESIS
        session.execute(insert(AuditChainHead), [{"id": HEAD_ID, "last_id": 0, "last_hash": GENESIS}])
    else:
        last_id, last_hash = head
    highest = session.execute(select(func.max(AuditEntry.id))).scalar_one() or 0
    entry = dict(values) | {"id": max(last_id, highest) + 1}
    digest = entry_hash(entry, last_hash)
    session.execute(insert(AuditEntry), [entry | {"previous_hash": last_hash, "hash": digest}])
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_id=entry["id"], last_hash=digest)
    )
    return int(entry["id"])


def rehash_all(session: Session) -> None:
    """Chain every entry in id order from `GENESIS` and set the head (migration 0008's backfill; the
    append-only triggers must be off)."""
    previous = GENESIS
    last_id = 0
    rows = session.execute(select(*_columns()).order_by(AuditEntry.id)).mappings().all()
    for row in rows:
        digest = entry_hash(row, previous)
        session.execute(
            update(AuditEntry).where(AuditEntry.id == row["id"]).values(previous_hash=previous, hash=digest)
        )
        previous, last_id = digest, row["id"]
    session.execute(delete(AuditChainHead))
    session.execute(insert(AuditChainHead), [{"id": HEAD_ID, "last_id": last_id, "last_hash": previous}])


def _columns() -> list[Any]:
    return [getattr(AuditEntry, name) for name in _HASHED]


# Verifying ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing found wrong: `kind` (edited, inserted, deleted, head, record_edited, record_deleted,
    record_unsealed, anchor), the entry id or record it concerns, and a sentence saying what was found."""

    kind: str
    message: str
    entry_id: int | None = None
    entity: str | None = None
    key: str | None = None


@dataclass
class ChainReport:
    """The outcome of `verify`: problems in the order found (the first is the first bad entry or record)."""

    entries: int = 0
    head_hash: str = GENESIS
    records_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, *, anchor: str | None = None, batch: int = 5000) -> ChainReport:
    """Check the chain and the sealed records as they are now (see the module's description)."""
    report = ChainReport()
    expected_previous, previous_id = GENESIS, None
    seen: dict[str, int] = {GENESIS: 0}
    sealing: dict[tuple[str, str], tuple[int, str]] = {}  # record -> its latest sealing entry and seal
    query = select(*_columns(), AuditEntry.previous_hash, AuditEntry.hash).order_by(AuditEntry.id)
    for row in session.execute(query.execution_options(yield_per=batch)).mappings():
        report.entries += 1
        entry_id, stored_previous, stored = row["id"], row["previous_hash"], row["hash"]
        content_ok = stored is not None and entry_hash(row, stored_previous or "") == stored
        if not content_ok and stored_previous == expected_previous:
            report.problems.append(
                Problem(
                    "edited", f"audit entry {entry_id} was edited: its hash is not its content's", entry_id
                )
            )
        elif not content_ok:
            report.problems.append(
                Problem(
                    "inserted", f"audit entry {entry_id} was inserted: it is not part of the chain", entry_id
                )
            )
        elif stored_previous != expected_previous:
            before = seen.get(stored_previous or "")
            if before is not None:
                report.problems.append(
                    Problem(
                        "inserted",
                        f"audit entry {previous_id} was inserted: entry {entry_id} follows entry {before}",
                        previous_id,
                    )
                )
            else:
                after = f" after entry {previous_id}" if previous_id is not None else ""
                report.problems.append(
                    Problem("deleted", f"audit entries were deleted before entry {entry_id}{after}", entry_id)
                )
        if stored is not None:
            seen[stored] = entry_id
        expected_previous, previous_id = stored or "", entry_id
        _note_seal(sealing, row, content_ok)
    report.head_hash = expected_previous
    _check_head(session, report, previous_id, expected_previous)
    if anchor is not None and anchor.strip().lower() not in seen:
        report.problems.append(
            Problem("anchor", f"no audit entry has the hash {anchor}: the history before it was rewritten")
        )
    _check_records(session, report, sealing)
    return report


def _note_seal(
    sealing: dict[tuple[str, str], tuple[int, str]], row: Mapping[Any, Any], trusted: bool
) -> None:
    after = row["after"]
    if row["entity"] in _SEALED_ENTITIES and trusted and isinstance(after, Mapping) and SEAL_KEY in after:
        sealing[(row["entity"], row["entity_key"])] = (row["id"], str(after[SEAL_KEY]))


def _check_head(session: Session, report: ChainReport, last_id: int | None, last_hash: str) -> None:
    head = session.execute(
        select(AuditChainHead.last_id, AuditChainHead.last_hash).where(AuditChainHead.id == HEAD_ID)
    ).first()
    if head is None:
        if last_id is not None:
            report.problems.append(Problem("head", "the head of the audit chain is missing"))
        return
    if head.last_id != (last_id or 0) or head.last_hash != last_hash:
        where = f"entry {last_id}" if last_id is not None else "no entry"
        report.problems.append(
            Problem(
                "deleted",
                f"the audit chain ends at {where}, but its head names entry {head.last_id}: "
                "entries were deleted at its end (or the head was changed)",
                last_id,
            )
        )


def _check_records(
    session: Session, report: ChainReport, sealing: dict[tuple[str, str], tuple[int, str]]
) -> None:
    for entity in _SEALED_ENTITIES:
        current = {str(key): seal for key, seal in seals(session, entity).items()}
        report.records_checked += len(current)
        for key in sorted(current.keys() | {k for e, k in sealing if e == entity}, key=_numeric):
            sealed = sealing.get((entity, key))
            now = current.get(key)
            if sealed is None:
                report.problems.append(
                    Problem(
                        "record_unsealed",
                        f"{entity} {key} is signed but no audit entry seals it: it was inserted or changed",
                        entity=entity,
                        key=key,
                    )
                )
            elif now is None:
                report.problems.append(
                    Problem(
                        "record_deleted",
                        f"{entity} {key}, sealed by audit entry {sealed[0]}, was deleted or unsigned",
                        sealed[0],
                        entity,
                        key,
                    )
                )
            elif now != sealed[1]:
                report.problems.append(
                    Problem(
                        "record_edited",
                        f"{entity} {key} was edited after audit entry {sealed[0]} sealed it",
                        sealed[0],
                        entity,
                        key,
                    )
                )


def _numeric(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (0, key)
