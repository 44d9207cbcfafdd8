"""The audit log: every use case that changes something records here, in its own transaction, who did it,
when, what, and the thing before and after as JSON. Admins browse it (`browse`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from tekseru.services.permissions import Actor, Permission
from tekseru.store import Database, audit_chain, record_seals
from tekseru.store.audit import AuditFilter as AuditFilter
from tekseru.store.audit import AuditRecord as AuditRecord
from tekseru.store.audit import (
    add_entry,
    count_entries,
    distinct_values,
    list_entries,
)
from tekseru.store.audit_chain import ChainReport as ChainReport
from tekseru.store.audit_chain import Problem as Problem

PER_PAGE = 50
EVERYTHING = AuditFilter()


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    key: object,
    *,
    region: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Add an entry inside the caller's transaction, so that the change and its entry stand or fall together.

    `action` is `<entity>.<verb>` ("user.create", "evidence.add", "import.subjects"); `key` names the thing
    (a user name, a BIN, a job id); `before` is None for a creation, `after` None for a deletion.
    """
    add_entry(
        session,
        at=now or datetime.now(UTC),
        actor=actor.username,
        action=action,
        entity=entity,
        entity_key=str(key),
        region=region,
        before=_json(before),
        after=_json(after),
    )


def sealed(session: Session, entity: str, key: int) -> dict[str, str]:
    """What the audit entry that signs a record (completes an inspection, approves or publishes a list)
    adds to `after`: the record's content hash as it is now in this transaction, which `verify` checks."""
    seal = record_seals.seals(session, entity, [key]).get(key)
    assert seal is not None, f"{entity} {key} is not signed: there is nothing to seal"
    return {record_seals.SEAL_KEY: seal}


def verify(db: Database, actor: Actor, *, anchor: str | None = None) -> ChainReport:
    """Check the hash chain of the audit log and the records it seals (admins only); see
    `tekseru.store.audit_chain.verify`. It reads in one snapshot, so writers may go on meanwhile."""
    actor.require(Permission.READ_AUDIT)
    with db.reading() as session:
        return audit_chain.verify(session, anchor=anchor)


def _json(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else plain(value)


def plain(value: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping with values JSON can keep: dates, ids and other objects as their text."""
    return {str(key): _plain(item) for key, item in value.items()}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return str(value)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditRecord]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class AuditChoices:
    """The values the filters of the audit page offer."""

    actors: list[str]
    actions: list[str]
    entities: list[str]


def browse(
    db: Database, actor: Actor, where: AuditFilter = EVERYTHING, *, page: int = 1, per_page: int = PER_PAGE
) -> AuditPage:
    """One page of entries, newest first; admins only."""
    actor.require(Permission.READ_AUDIT)
    page, per_page = max(page, 1), min(max(per_page, 1), 500)
    with db.transaction() as session:
        entries = list_entries(session, where, limit=per_page, offset=(page - 1) * per_page)
        total = count_entries(session, where)
    return AuditPage(entries, total, page, per_page)


def choices(db: Database, actor: Actor) -> AuditChoices:
    actor.require(Permission.READ_AUDIT)
    with db.transaction() as session:
        return AuditChoices(*(distinct_values(session, column) for column in ("actor", "action", "entity")))
