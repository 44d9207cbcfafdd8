"""Inserting many rows at once: COPY on PostgreSQL (psycopg 3), the driver's executemany on SQLite.

psycopg 3 runs executemany() as one statement per row, and multi-row VALUES statements cost it much
time to parse; COPY streams the rows and is an order of magnitude faster for imports.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
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


def copy_data(
    connection: Connection, rows: Iterable[Sequence[Any]], *, postgres_types: Sequence[str]
) -> bytes:
    """The rows as the data of a binary COPY (PostgreSQL, psycopg 3), each column sent as `postgres_types`
    names it: made with the connection's adapters but without the server, so that it can be done before
    a write transaction and `copy_from_data` then only sends it."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    from psycopg.copy import Copy, FileWriter

    data = io.BytesIO()
    with Copy(cursor, binary=True, writer=FileWriter(data)) as copy:
        copy.set_types(list(postgres_types))
        for row in rows:
            copy.write_row(row)
    return data.getvalue()


def copy_from_data(connection: Connection, table: Table, names: Sequence[str], data: bytes) -> None:
    """Insert the rows of `data` (made by `copy_data`, the columns `names`), in the connection's
    transaction."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(name) for name in names)
    with cursor.copy(f"COPY {preparer.format_table(table)} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(data)


_ROWS_PER_STATEMENT = 3000


def insert_columns(
    connection: Connection,
    table: Table,
    columns: Mapping[str, Sequence[Any]],
    *,
    postgres_types: Sequence[str],
) -> int:
    """Insert rows given column by column (element i of each is row i), in the connection's transaction;
    how many. SQLite: multi-row INSERT statements (binding values costs far less than one statement per
    row, as executemany runs); PostgreSQL (psycopg 3): binary COPY, each column sent as `postgres_types`
    names it; elsewhere SQLAlchemy's insert. Values are as the driver takes them (JSON as its text)."""
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not count:
        return 0
    dialect = connection.dialect
    if dialect.name == "sqlite":
        _insert_sqlite(connection, table.name, names, columns, count)
    elif dialect.name == "postgresql" and dialect.driver == "psycopg":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        preparer = dialect.identifier_preparer
        quoted = ", ".join(preparer.quote(name) for name in names)
        statement = f"COPY {preparer.format_table(table)} ({quoted}) FROM STDIN (FORMAT BINARY)"
        with cursor.copy(statement) as copy:
            copy.set_types(list(postgres_types))
            for row in zip(*(columns[name] for name in names), strict=True):
                copy.write_row(row)
    else:
        rows = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
        for mapping in rows:
            for name in names:
                if isinstance(table.c[name].type, JSON) and isinstance(mapping[name], str):
                    mapping[name] = json.loads(mapping[name])
        connection.execute(insert(table), rows)
    return count


def _insert_sqlite(
    connection: Connection, table: str, names: list[str], columns: Mapping[str, Sequence[Any]], count: int
) -> None:
    insert_sqlite_values(connection, table, names, sqlite_values(connection, names, columns, count))


def sqlite_values(
    connection: Connection, names: Sequence[str], columns: Mapping[str, Sequence[Any]], count: int
) -> list[list[Any]]:
    """The values of `count` rows given column by column, row after row, cut into the parameters of
    SQLite's multi-row INSERT statements (as many rows each as the connection's SQLite takes): made before
    a write transaction, so that `insert_sqlite_values` only binds and runs them."""
    import sqlite3

    import numpy as np

    if not count:
        return []
    driver = connection.connection.driver_connection
    values = np.empty((count, len(names)), dtype=object)
    for index, name in enumerate(names):
        values[:, index] = columns[name]
    # SQLite before 3.32 takes at most 999 values per statement, later versions 32,766.
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
    per_statement = max(1, min(_ROWS_PER_STATEMENT, limit // len(names)))
    full = count // per_statement * per_statement
    chunks: list[list[Any]] = values[:full].reshape(-1, per_statement * len(names)).tolist() if full else []
    if full < count:
        chunks.append(values[full:].ravel().tolist())
    return chunks


def insert_sqlite_values(
    connection: Connection, table: str, names: Sequence[str], chunks: Sequence[list[Any]]
) -> None:
    """Insert the rows of `chunks` (made by `sqlite_values`, the columns `names`) into `table`."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    marks = "(" + ", ".join("?" for _ in names) + ")"
    statements: dict[int, str] = {}
    for chunk in chunks:
        rows = len(chunk) // len(names)
        if rows not in statements:
            statements[rows] = f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([marks] * rows)}"
        cursor.execute(statements[rows], chunk)
