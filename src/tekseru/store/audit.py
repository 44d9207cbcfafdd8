"""The audit log: every change, who made it and when, with the thing before and after. Append-only
(migration 0004 adds triggers that refuse to change or delete an entry) and hash-chained
(`tekseru.store.audit_chain`), so that a change made with the triggers dropped shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from tekseru.store import audit_chain
from tekseru.store.account_models import AuditEntry

_COLUMNS = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.action,
    AuditEntry.entity,
    AuditEntry.entity_key,
    AuditEntry.region,
    AuditEntry.before,
    AuditEntry.after,
)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_key: str
    region: str | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Entries of one actor, action, kind of thing or thing; None matches any."""

    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_key: str | None = None

    def condition(self) -> ColumnElement[bool]:
        condition: ColumnElement[bool] = true()
        for column, value in (
            (AuditEntry.actor, self.actor),
            (AuditEntry.action, self.action),
            (AuditEntry.entity, self.entity),
            (AuditEntry.entity_key, self.entity_key),
        ):
            if value is not None:
                condition = condition & (column == value)
        return condition


def add_entry(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_key: str,
    region: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> int:
    """Append the entry to the chain; its id."""
    values = {
        "at": at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_key": entity_key,
        "region": region,
        "before": None if before is None else dict(before),
        "after": None if after is None else dict(after),
    }
    return audit_chain.append(session, values)


def list_entries(
    session: Session, where: AuditFilter = AuditFilter(), *, limit: int = 50, offset: int = 0
) -> list[AuditRecord]:
    """The newest entries first."""
    query = (
        select(*_COLUMNS)
        .where(where.condition())
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [AuditRecord(*row) for row in session.execute(query)]


def count_entries(session: Session, where: AuditFilter = AuditFilter()) -> int:
    return session.execute(select(func.count()).select_from(AuditEntry).where(where.condition())).scalar_one()


def distinct_values(session: Session, column: str) -> list[str]:
    """The values an `actor`, `action` or `entity` filter can take, sorted."""
    if column not in ("actor", "action", "entity"):
        raise ValueError(f"cannot list the values of {column!r}")
    field = getattr(AuditEntry, column)
    return list(session.execute(select(field).distinct().order_by(field)).scalars())
