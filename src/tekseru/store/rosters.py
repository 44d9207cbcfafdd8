"""Storing the information systems' records (rosters, deliveries, findings): upsert by natural key, so that
importing the same file again changes nothing, and deleting what is past its retention period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, MetaData, Table, and_, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from tekseru.store._bulk import bulk_insert
from tekseru.store.records import WriteCounts
from tekseru.store.roster_models import AccessibilityFinding, RosterEntry, ServiceDelivery

_tables = RosterEntry.metadata.tables
ROSTERS = _tables[RosterEntry.__tablename__]
DELIVERIES = _tables[ServiceDelivery.__tablename__]
FINDINGS = _tables[AccessibilityFinding.__tablename__]

Row = Mapping[str, Any]


class _Kind:
    """One table's natural key (what makes a record the same) and the values an import may change."""

    def __init__(self, table: Table, key: tuple[str, ...], values: tuple[str, ...]) -> None:
        self.table = table
        self.key = key
        self.values = values
        # A per-connection scratch table for the natural keys of one batch; not part of the schema.
        self.scratch = Table(
            f"{table.name}_import_keys",
            MetaData(),
            *(Column(name, table.c[name].type) for name in key),
            prefixes=["TEMPORARY"],
        )


ROSTER = _Kind(ROSTERS, ("iin", "provider_bin", "source", "starts_on"), ("form", "ends_on"))
DELIVERY = _Kind(DELIVERIES, ("iin", "provider_bin", "kind", "delivered_on"), ("planned", "delivered"))
FINDING = _Kind(FINDINGS, ("subject_bin", "object", "element", "found_on"), ())


def upsert(session: Session, kind: _Kind, rows: Sequence[Row], *, now: datetime) -> WriteCounts:
    """Insert new records, update changed values, and mark every record of the batch as seen `now`."""
    stored = _stored(session, kind, rows)
    new, changed, seen = [], [], []
    for row in rows:
        found = stored.get(tuple(row[name] for name in kind.key))
        if found is None:
            new.append({**row, "last_seen_at": now})
        elif found[1] != tuple(row[name] for name in kind.values):
            changed.append({"_id": found[0], **{f"_{n}": row[n] for n in kind.values}, "_seen": now})
        else:
            seen.append({"_id": found[0], "_seen": now})
    table = kind.table
    connection = session.connection()
    bulk_insert(connection, table, new)
    if changed:
        assignments: dict[str, Any] = {name: bindparam(f"_{name}") for name in kind.values}
        statement = update(table).where(table.c.id == bindparam("_id"))
        connection.execute(statement.values(last_seen_at=bindparam("_seen"), **assignments), changed)
    if seen:
        statement = update(table).where(table.c.id == bindparam("_id"))
        connection.execute(statement.values(last_seen_at=bindparam("_seen")), seen)
    return WriteCounts(created=len(new), updated=len(changed), unchanged=len(seen))


def _stored(
    session: Session, kind: _Kind, rows: Sequence[Row]
) -> dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]]:
    """(id, changeable values) of the stored records with the rows' natural keys, by natural key.

    The keys go to a temporary table joined on the unique index: one indexed look-up per row.
    """
    connection = session.connection()
    kind.scratch.create(connection, checkfirst=True)
    connection.execute(delete(kind.scratch))
    bulk_insert(connection, kind.scratch, [{name: row[name] for name in kind.key} for row in rows])
    table = kind.table
    on = and_(*(table.c[name] == kind.scratch.c[name] for name in kind.key))
    columns = [table.c[name] for name in (*kind.key, *kind.values)]
    query = select(table.c.id, *columns).select_from(table.join(kind.scratch, on))
    width = len(kind.key)
    return {
        tuple(found[1 : 1 + width]): (found[0], tuple(found[1 + width :]))
        for found in connection.execute(query)
    }


def purge_before(session: Session, cutoff: datetime) -> dict[str, int]:
    """Delete the records last seen before `cutoff` (the retention period ended); how many, by table."""
    deleted: dict[str, int] = {}
    for table in (ROSTERS, DELIVERIES, FINDINGS):
        result = session.connection().execute(delete(table).where(table.c.last_seen_at < cutoff))
        deleted[table.name] = result.rowcount
    return deleted


def count_records(session: Session) -> dict[str, int]:
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in (ROSTERS, DELIVERIES, FINDINGS)
    }
