"""Inserting many rows at once: COPY on PostgreSQL (psycopg 3), the driver's executemany on SQLite.

psycopg 3 runs executemany() as one statement per row, and multi-row VALUES statements cost it much
time to parse; COPY streams the rows and is an order of magnitude faster for imports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert


def bulk_insert(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert the rows (dicts with the same keys) into the table, in the connection's transaction."""
    if not rows:
        return
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy(connection, table, rows)
    elif connection.dialect.name == "sqlite" and _defaults_given(table, rows[0]):
        _executemany(connection, table, rows)
    else:
        connection.execute(insert(table), list(rows))


def _defaults_given(table: Table, row: Mapping[str, Any]) -> bool:
    """Whether the row names every column that has a default made in Python (which only SQLAlchemy's own
    insert would fill in)."""
    return all(column.name in row for column in table.columns if column.default is not None)


def _executemany(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """The driver's executemany with the values as SQLAlchemy would bind them (each column type's bind
    processor): SQLAlchemy's own executemany spends more time building each row's parameters than SQLite
    spends storing it."""
    names = list(rows[0])
    dialect = connection.dialect
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    preparer = dialect.identifier_preparer
    statement = (
        f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.quote(name) for name in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    columns = []
    for name, process in zip(names, processors, strict=True):
        column = [row[name] for row in rows]
        columns.append(column if process is None else list(map(process, column)))
    values = list(zip(*columns, strict=True))
    connection.exec_driver_sql(statement, values)


def _copy(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    names = list(rows[0])
    as_json = {name for name in names if isinstance(table.c[name].type, JSON)}
    preparer = connection.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(name) for name in names)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[name]) if name in as_json else row[name] for name in names])
