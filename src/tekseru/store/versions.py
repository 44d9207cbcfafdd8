"""Version counters of the records people edit (answers, follow-up of violations, lists; migration 0007).

A write names the version of the record it read. The store writes with `UPDATE ... WHERE version =
:expected` (or an insert that does nothing when a row is there already) and raises `StaleVersion` when the
database changed no row: someone else changed the record since it was read, and nothing of the write is
kept (the transaction rolls back). Each `Conflict` holds what is stored and what was given, side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Executable
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Conflict:
    """One record changed by someone else since the writer read it.

    `kind` is the kind of record (item, violation, plan) and `key` its number (the item's, the plan's id);
    `stored` is None when the record is gone; `changed_by`/`changed_at` are of the last change known."""

    kind: str
    key: int
    expected: int
    stored_version: int | None
    stored: Mapping[str, Any] | None
    given: Mapping[str, Any]
    changed_by: str | None = None
    changed_at: datetime | None = None


class StaleVersion(RuntimeError):
    """A write named versions that are not the stored ones any more; nothing of it was stored."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        parts = [
            f"{c.kind} {c.key} was changed"
            + (f" by {c.changed_by}" if c.changed_by else "")
            + (f" at {c.changed_at:%Y-%m-%d %H:%M}" if c.changed_at else "")
            + f" since it was read (version {c.stored_version or 'none'} is stored, not {c.expected})"
            for c in self.conflicts
        ]
        super().__init__("; ".join(parts) + ": nothing was stored; read it again and choose")


def changed_one_row(session: Session, statement: Executable) -> bool:
    """Run an UPDATE, DELETE or INSERT of one row and tell whether the database changed it."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return bool(result.rowcount == 1)


def insert_if_absent(session: Session, table: Any, values: Mapping[str, Any]) -> bool:
    """Insert the row unless one with its primary key exists (waiting for a concurrent insert to commit on
    PostgreSQL); whether it was inserted."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    # The row it returns says it was inserted: a driver's rowcount of an INSERT is not to be trusted.
    key = next(iter(table.primary_key.columns))
    return session.execute(statement.returning(key)).first() is not None
