"""Readings every request makes, run on the driver's cursor with what SQLAlchemy compiled for them once.

A statement made once (`select(...)` at import, or cached per search shape) still cost about 60 µs of
processor time for each execution through SQLAlchemy's `Connection.execute` (its execution context, the
result's metadata and row objects), ten times the driver's own call, and a search page runs four or five:
a tenth of the page's work. Here a statement is compiled once per dialect (`_Plan`), and each execution
only orders its values as the compiled string wants them, runs it on the driver's cursor of the same
connection (so in the same transaction) and converts the columns with SQLAlchemy's own result processors,
so a row holds the values SQLAlchemy would have given (as a plain tuple). SQLite's bare statements and
PostgreSQL's alike; a statement with a value the caller gives written into its text (`literal_execute`)
goes through SQLAlchemy as before. Readings that do not wait for each other's rows can be sent together
(`read_together`): on PostgreSQL one round trip for them all.

What SQLAlchemy did on every execution is still done: the engine's `before_execute` and
`before_cursor_execute` listeners are told of each statement (the tests that look at plans watch them),
a driver's error is raised as SQLAlchemy's (a lost server connection drops the pool), and a text value
with a control character is refused as `tekseru.store.text.refuse_control_characters` refuses it.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection, Executable, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from tekseru.store.text import InvalidText, control_character

Row = tuple[Any, ...]
_Processor = Callable[[Any], Any] | None
# where a parameter's value comes from: the caller's key, the value when the caller gives none, the item of
# a list (an expanded IN), and its converter
_Slot = tuple[str, Any, int | None, Any]


class _Plan:
    """One statement compiled for one dialect: its string, how its values are ordered and converted for
    the driver, and (from the first execution's description) how its columns are converted back."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.compiled = compiled
        self.dialect = dialect
        # values written into the string: a constant one (a separator, say) is written once with the rest of
        # the string; one the caller gives goes through SQLAlchemy, which writes it for each execution
        self.literal = frozenset(bind.key for bind in compiled.literal_execute_params)
        self.expanding = [bind.key for bind in compiled.binds.values() if bind.expanding]
        processors = compiled._bind_processors
        # each name in the compiled string: the caller's key, its value when the caller gives none, converter
        self.binds = {
            name: (bind.key, bind.effective_value if not bind.required else _REQUIRED, processors.get(name))
            for bind, name in compiled.bind_names.items()
        }
        self.layouts: dict[tuple[int, ...], _Layout] = {}
        if not self.expanding and not self.literal:
            names = compiled.positiontup if compiled.positional else list(self.binds)
            slots: list[_Slot] = [(*self.binds[name][:2], None, self.binds[name][2]) for name in names or ()]
            self.layouts[()] = _Layout(compiled.string, [name for name in names or ()], slots)
        self.columns: list[_Processor] | None = None

    def parameters(self, values: Mapping[str, Any]) -> tuple[str, Any]:
        """The statement's string and its parameters in the driver's form, for `values`."""
        lengths = tuple(len(values[key]) for key in self.expanding)
        layout = self.layouts.get(lengths)
        if layout is None:
            layout = self.layouts[lengths] = self._expanded(values)
        given = []
        for key, default, index, processor in layout.slots:
            value = values.get(key, default) if index is None else values[key][index]
            if value is _REQUIRED:
                raise KeyError(f"a value for the parameter {key!r} is required")
            if isinstance(value, str) and (found := control_character(value)):
                raise InvalidText(key, *found)
            given.append(value if processor is None else processor(value))
        if self.compiled.positional:
            return layout.statement, tuple(given)
        return layout.statement, dict(zip(layout.names, given, strict=True))

    def _expanded(self, values: Mapping[str, Any]) -> _Layout:
        """The statement with its lists of these lengths written out (`IN (?, ?, ...)`), as SQLAlchemy
        writes it for each execution."""
        state = self.compiled._process_parameters_for_postcompile(self.compiled.construct_params(values))
        origin = {
            name: (key, index)
            for key, names in state.parameter_expansion.items()
            for index, name in enumerate(names)
        }
        written = {self.compiled.bind_names[bind] for bind in self.compiled.literal_execute_params}
        if state.positiontup is not None:
            names = list(state.positiontup)
        else:  # named parameters: those the string still holds (not a list's name, nor one written into it)
            names = [n for n in state.parameters if n not in written and n not in state.parameter_expansion]
        slots: list[_Slot] = []
        for name in names:
            processor = state.processors.get(name) or self.compiled._bind_processors.get(
                name
            )  # as SQLAlchemy
            if name in origin:
                slots.append((origin[name][0], _REQUIRED, origin[name][1], processor))
            else:
                key, default, _ = self.binds[name]
                slots.append((key, default, None, processor))
        return _Layout(state.statement, names, slots)

    def convert(self, description: Sequence[Sequence[Any]], rows: list[Any]) -> list[Row]:
        columns = self.columns
        if columns is None:
            columns = self.columns = self._column_processors(description)
        if not any(columns):
            return [tuple(row) for row in rows]
        return [tuple(v if p is None else p(v) for v, p in zip(row, columns, strict=True)) for row in rows]

    def _column_processors(self, description: Sequence[Sequence[Any]]) -> list[_Processor]:
        found: list[_Processor] = []
        for index, entry in enumerate(self.compiled._result_columns):
            coltype = description[index][1] if index < len(description) else None
            found.append(entry.type._cached_result_processor(self.dialect, coltype))
        return found


_REQUIRED = object()


@dataclass(frozen=True, slots=True)
class _Layout:
    """A compiled string and, for each of its parameters (in order), where its value comes from: the
    caller's key, the value when the caller gives none, the item of a list (an expanded IN), the converter."""

    statement: str
    names: list[str]
    slots: list[_Slot]


_plans: dict[tuple[int, type], tuple[ClauseElement, _Plan]] = {}
_lock = threading.Lock()


def _plan(statement: ClauseElement, dialect: Dialect) -> _Plan:
    key = (id(statement), type(dialect))  # a dialect's driver too (their conversions differ)
    found = _plans.get(key)
    if found is not None and found[0] is statement:
        return found[1]
    plan = _Plan(statement, dialect)
    with _lock:  # the statement is kept with its plan: its id cannot be another's while it is here
        _plans[key] = (statement, plan)
    return plan


def read_rows(
    connection: Connection, statement: ClauseElement, values: Mapping[str, Any] | None = None
) -> list[Row]:
    """The rows of a reading `statement` (made once: its plan is kept by its identity) with `values`, on
    `connection` (in its transaction, if it has begun one), as tuples of the values SQLAlchemy gives."""
    plan = _plan(statement, connection.dialect)
    if plan.literal and not plan.literal.isdisjoint(values or {}):
        return [tuple(row) for row in connection.execute(cast(Executable, statement), dict(values or {}))]
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        sql, parameters = _told(connection, cursor, statement, plan, values)
        try:
            cursor.execute(sql, parameters)
            rows = cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error as error:
            # SQLAlchemy's own exception (a lost server connection also drops the pool), as `execute` raises
            connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
        return plan.convert(cursor.description or (), rows)
    finally:
        cursor.close()


def _told(
    connection: Connection,
    cursor: Any,
    statement: ClauseElement,
    plan: _Plan,
    values: Mapping[str, Any] | None,
) -> tuple[str, Any]:
    """The string and parameters of `statement` for `values`, the engine's listeners told of it as
    SQLAlchemy tells them (and given their say on the string)."""
    told = connection._has_events or connection.engine._has_events
    if told:
        for heard in connection.dispatch.before_execute:
            heard(connection, statement, (), dict(values or {}), {})
    sql, parameters = plan.parameters(values or {})
    if told:
        for listener in connection.dispatch.before_cursor_execute:
            sql, parameters = listener(connection, cursor, sql, parameters, None, False)
    return sql, parameters


def read_together(
    connection: Connection, readings: Sequence[tuple[ClauseElement, Mapping[str, Any] | None]]
) -> list[list[Row]]:
    """The rows of each of `readings` (statement, values), as `read_rows` gives them. On PostgreSQL they are
    sent at once and answered together (psycopg's pipeline mode): one round trip where each waited for its
    answer before the next was sent, and a round trip (the client's and the server's system calls and
    wake-ups) cost more than a card's small readings. Elsewhere, and for a statement with a value written
    into its text, one after another."""
    plans = [_plan(statement, connection.dialect) for statement, _ in readings]
    driver = connection.connection.driver_connection
    assert driver is not None
    if (
        connection.dialect.name != "postgresql"
        or len(readings) < 2
        or any(
            plan.literal and not plan.literal.isdisjoint(values or {})
            for plan, (_, values) in zip(plans, readings, strict=True)
        )
        or not _pipelines()
    ):
        return [read_rows(connection, statement, values) for statement, values in readings]
    cursors: list[Any] = []
    sql: str = ""
    parameters: Any = None
    cursor: Any = None
    try:
        try:
            with driver.pipeline():
                for (statement, values), plan in zip(readings, plans, strict=True):
                    cursor = driver.cursor()
                    cursors.append(cursor)
                    sql, parameters = _told(connection, cursor, statement, plan, values)
                    cursor.execute(sql, parameters)
            return [
                plan.convert(cursor.description or (), cursor.fetchall())
                for plan, cursor in zip(plans, cursors, strict=True)
            ]
        except connection.dialect.loaded_dbapi.Error as error:
            connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
    finally:
        for opened in cursors:
            opened.close()


@lru_cache(maxsize=1)
def _pipelines() -> bool:
    """Whether psycopg's libpq has pipeline mode (libpq 14 or later; psycopg's binary package bundles one)."""
    import psycopg  # only asked on PostgreSQL: psycopg is then imported already

    return bool(psycopg.Pipeline.is_supported())


def read_named(
    connection: Connection, statement: ClauseElement, values: Mapping[str, Any] | None = None
) -> list[Any]:
    """`read_rows` of a select, each row also read by its columns' names (`row.score`), as SQLAlchemy's
    rows are."""
    return named(statement, read_rows(connection, statement, values))


def named(statement: ClauseElement, rows: list[Row]) -> list[Any]:
    """The rows of the select `statement` (`read_rows`, `read_together`) also read by its columns' names."""
    assert isinstance(statement, Select)
    names = tuple(statement.selected_columns.keys())
    record = _records.get(names)
    if record is None:
        record = _records.setdefault(names, namedtuple("Row", names, rename=True))
    return [record._make(row) for row in rows]


_records: dict[tuple[str, ...], Any] = {}


def read_first(
    connection: Connection, statement: ClauseElement, values: Mapping[str, Any] | None = None
) -> Row | None:
    rows = read_rows(connection, statement, values)
    return rows[0] if rows else None
