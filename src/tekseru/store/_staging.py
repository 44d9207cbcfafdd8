"""SQLite: rows staged in a connection's own temporary table before a write transaction, so that the
transaction copies them with one `INSERT ... SELECT` rather than binding and parsing their values while it
holds the write lock (issue 18: a third to a half less of the import's work under the lock).

A temporary table belongs to the connection that made it and outlives its transactions (a reading one
stages: writing a temporary table takes no lock on the database). The write transaction may run on another
pooled connection, which has no such table: `insert_staged` says so and the caller inserts the rows as
prepared instead. Each staged run has a table of its own, named by a random token, so that a stale or
foreign table is never taken for it.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from tekseru.store._bulk import insert_sqlite_values

_PREFIX = "tekseru_staged_"


def _name(token: int) -> str:
    return f"{_PREFIX}{token:016x}"


def stage_rows(connection: Connection, names: Sequence[str], chunks: Sequence[list[Any]]) -> int | None:
    """Stage the rows of `chunks` (made by `_bulk.sqlite_values`, the columns `names`) on this SQLite
    connection, in the caller's transaction (a reading one will do); their token, or None elsewhere or
    when there is nothing to stage."""
    if connection.dialect.name != "sqlite" or not chunks:
        return None
    token = secrets.randbits(63)
    columns = ", ".join(names)
    connection.exec_driver_sql(f"CREATE TEMP TABLE {_name(token)} ({columns})")
    insert_sqlite_values(connection, f"temp.{_name(token)}", names, chunks)
    return token


def insert_staged(connection: Connection, table: str, names: Sequence[str], token: int) -> int | None:
    """Insert the rows staged under `token` into `table`, in the order they were staged, in the caller's
    transaction; how many, or None (nothing inserted) when they are not on this connection."""
    found = connection.exec_driver_sql(
        "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = ?", (_name(token),)
    ).first()
    if found is None:
        return None
    columns = ", ".join(names)
    result = connection.exec_driver_sql(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM temp.{_name(token)} ORDER BY rowid"
    )
    return int(result.rowcount)


def discard_staged(connection: Connection) -> None:
    """Drop every table staged on this SQLite connection (outside the write transaction: the rows of an
    import that ended, or that another import left on a pooled connection)."""
    if connection.dialect.name != "sqlite":
        return
    like = connection.exec_driver_sql(
        "SELECT name FROM temp.sqlite_master WHERE type = 'table' AND name GLOB ?", (f"{_PREFIX}*",)
    )
    for (name,) in like.all():
        connection.exec_driver_sql(f"DROP TABLE temp.{name}")
