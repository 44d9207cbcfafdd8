"""Opening the database: an engine set up for SQLite or PostgreSQL, migrated on first use."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, InvalidatePoolError, OperationalError
from sqlalchemy.orm import Session

from tekseru.message import Explained
from tekseru.store import migrate
from tekseru.store.sqlite_file import watch_file
from tekseru.store.text import refuse_control_characters

READ_ONLY = "tekseru_read_only"  # the execution option of `Database.reading` transactions
SINGLE_STATEMENT = "tekseru_single_statement"  # the execution option of `Database.single_reading` (SQLite)
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite connection waits for another's write lock
# A PostgreSQL connection back from the pool is checked ("SELECT 1") only when it lay unused this long: the
# check is a round trip, a third of the client's CPU time of a small reading, and a connection in steady
# use is known to be alive (a server restart under load fails the requests in flight, and the first
# failure drops every pooled connection; an idle pool, the usual case of a restart, is checked).
PING_AFTER_IDLE_SECONDS = 10.0
_LAST_USED = "tekseru_last_used"

# Every statement on every engine is checked for control characters before it reaches the database.
event.listen(Engine, "before_cursor_execute", refuse_control_characters)


class DatabaseBusy(Explained, RuntimeError):
    """SQLite's write lock stayed taken longer than a connection waits (another process or job, a large
    import say, is writing): nothing was changed; try again later."""


class DatabaseNeedsUpgrade(Explained, RuntimeError):
    """The database was made by an older tekseru: `tekseru db upgrade` brings it up to date."""


class DatabaseTooNew(Explained, RuntimeError):
    """The database was migrated by a newer tekseru than this one."""


class DatabaseUnreachable(Explained, RuntimeError):
    """No connection to the database: its server does not answer or refuses (or a SQLite file cannot be
    opened). The reader is told the address (without its password) and the driver's reason, not a
    traceback."""


@dataclass(frozen=True)
class Database:
    """An open database. Services take it and use `transaction()`; only `tekseru.store` runs SQL."""

    engine: Engine

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back when it raises. On
        SQLite it takes the write lock when it begins (BEGIN IMMEDIATE), waiting for another writer if need
        be: a transaction that read first and wrote later would fail instead when another connection (a
        thread or a worker process) committed in between."""
        with _busy_as_error(), Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def reading(self, *, one_snapshot: bool = False) -> Iterator[Session]:
        """A session in one transaction that only reads and waits for no writer (on SQLite a deferred
        transaction, which never takes the write lock). Writing in it is a mistake that SQLite may refuse
        when another connection writes at the same time.

        On SQLite all its statements see one snapshot; on PostgreSQL each sees what was committed when it
        began (READ COMMITTED), unless `one_snapshot` asks for REPEATABLE READ: every statement sees the
        snapshot of the first, which other connections can share (`tekseru.store.snapshots`)."""
        engine = self._snapshot_reader if one_snapshot else self._reader
        with _busy_as_error(), Session(engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def request_reading(self) -> Iterator[Session]:
        """A reading of a few statements that each need only see what was committed when it began (what a
        request reads: a page of the registry, a subject's card). On SQLite it is `reading()`: one deferred
        transaction, one snapshot. On PostgreSQL the statements run without a transaction around them
        (AUTOCOMMIT): each sees what was committed when it began, as it would in `reading()` (READ
        COMMITTED), without BEGIN and COMMIT, two round trips to the server that cost more than most of a
        page's readings. Nothing in it may need a transaction: no write, no `SET LOCAL`, no server-side
        cursor (`yield_per`)."""
        engine = self._reader if self.dialect == "sqlite" else self._single
        with _busy_as_error(), Session(engine, expire_on_commit=False) as session, session.begin():
            yield session

    @cached_property
    def _reader(self) -> Engine:
        return self.engine.execution_options(**{READ_ONLY: True})  # shares the engine's connections

    @cached_property
    def _snapshot_reader(self) -> Engine:
        if self.dialect == "sqlite":
            return self._reader
        # psycopg begins with BEGIN ISOLATION LEVEL REPEATABLE READ: no round trip of its own
        return self.engine.execution_options(**{READ_ONLY: True}, isolation_level="REPEATABLE READ")

    @contextmanager
    def single_reading(self) -> Iterator[Connection]:
        """A connection for one statement that only reads, run without a transaction around it (a single
        statement is consistent by itself): no BEGIN and COMMIT, which on PostgreSQL are two round trips
        and cost more than a small reading. What every request asks first (its session) reads so; a
        reading of two statements or more needs `reading()`."""
        with _busy_as_error(), self._single.connect() as connection:
            yield connection

    @cached_property
    def _single(self) -> Engine:
        if self.dialect == "sqlite":  # the driver begins nothing (`_sqlite_on_connect`); nor does `begin`
            return self.engine.execution_options(**{READ_ONLY: True, SINGLE_STATEMENT: True})
        return self.engine.execution_options(isolation_level="AUTOCOMMIT")

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _busy_as_error() -> Iterator[None]:
    try:
        yield
    except OperationalError as error:
        if "database is locked" not in str(error.orig):
            raise
        seconds = BUSY_TIMEOUT_MS // 1000
        raise DatabaseBusy(
            f"the database is busy: another process has been writing to it for over {seconds} s "
            "(a large import, say); nothing was changed, try again in a minute"
        ).saying("refusal.database.busy", seconds=seconds) from error


def sqlite_url(path: Path | str) -> str:
    """The database URL of a SQLite file (what `--db PATH` means)."""
    return f"sqlite:///{Path(path)}"


def make_engine(url: str | URL, *, ping_after_idle: float = PING_AFTER_IDLE_SECONDS) -> Engine:
    """An engine; for SQLite with foreign keys on and real transactions (DDL included); for another
    database, a pooled connection unused for `ping_after_idle` seconds is checked before it is handed out."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed)
        _ping_when_idle(engine, ping_after_idle)
        return engine
    if parsed.database and parsed.database != ":memory:":
        try:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # a folder that cannot be made (read-only, /proc): said, not a traceback
            raise _unreachable(parsed, error.strerror or str(error)) from error
    engine = create_engine(parsed)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    event.listen(engine, "checkin", _sqlite_on_checkin)
    if parsed.database and parsed.database != ":memory:":
        watch_file(engine, parsed.database)
    return engine


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """SQLAlchemy's `pool_pre_ping`, only for connections that lay in the pool `idle_seconds` or longer: a
    dead one is dropped with every other pooled connection, and a new one is opened in its place."""

    def used(_dbapi_connection: Any, record: Any, *_: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    def check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_LAST_USED, 0.0) < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise InvalidatePoolError(f"the pooled connection is dead: {error}") from error

    event.listen(engine, "connect", used)
    event.listen(engine, "checkin", used)
    event.listen(engine, "checkout", check)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling would commit DDL and start transactions late; we emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys = ON", "journal_mode = WAL", f"busy_timeout = {BUSY_TIMEOUT_MS}"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


# The key in a pooled SQLite connection's `info` of its own WAL auto-checkpoint, while `checkpoint_deferred`
# has turned it off: given back when the connection returns to the pool, after its transaction.
_AUTOCHECKPOINT = "tekseru_wal_autocheckpoint"


def _sqlite_on_checkin(dbapi_connection: Any, record: Any) -> None:
    pages = record.info.pop(_AUTOCHECKPOINT, None) if record is not None else None
    if pages is not None and dbapi_connection is not None:
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")


def checkpoint_deferred(connection: Connection) -> None:
    """SQLite: this connection's commit does not copy the write-ahead log into the database (its automatic
    checkpoint, which a large transaction's commit runs after giving up the write lock but before it
    returns); `checkpoint` does it afterwards. The connection checkpoints as before once it is back in the
    pool. Elsewhere nothing changes."""
    if connection.dialect.name != "sqlite":
        return
    pooled = connection.connection
    if _AUTOCHECKPOINT not in pooled.info:
        driver = pooled.driver_connection
        pooled.info[_AUTOCHECKPOINT] = int(driver.execute("PRAGMA wal_autocheckpoint").fetchone()[0])  # type: ignore[union-attr]
        driver.execute("PRAGMA wal_autocheckpoint = 0")  # type: ignore[union-attr]


def checkpoint(db: Database) -> None:
    """SQLite: copy what the write-ahead log holds into the database, as far as no reader needs the log
    (PASSIVE: it waits for nobody, and other connections may write meanwhile); outside any transaction.
    Elsewhere nothing."""
    if db.dialect != "sqlite":
        return
    with db.single_reading() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()


def _sqlite_on_begin(connection: Any) -> None:
    options = connection.get_execution_options()
    if options.get(SINGLE_STATEMENT, False):
        return  # one statement, in SQLite's own transaction of that statement
    read_only = options.get(READ_ONLY, False)
    if read_only and _begin_reading(connection):
        return
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _begin_reading(connection: Connection) -> bool:
    """A reading's deferred BEGIN on the driver's cursor (the engine's listeners told as for any
    statement): it takes no lock and waits for nobody, and SQLAlchemy's execution of it cost every request
    about as much as a reading. False when the driver refused it: SQLAlchemy then runs it again and says
    why, as it says any statement's error."""
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        statement, parameters = "BEGIN", ()
        for listener in connection.dispatch.before_cursor_execute:
            statement, parameters = listener(connection, cursor, statement, parameters, None, False)
        cursor.execute(statement, parameters)
        return True
    except connection.dialect.loaded_dbapi.Error:
        return False
    finally:
        cursor.close()


def open_database(url: str | URL) -> Database:
    """The database at `url`, created and migrated when new; DatabaseNeedsUpgrade when it is behind."""
    if make_url(url).get_backend_name() == "postgresql":
        create_postgres_database_if_missing(url)
    database = Database(make_engine(url))
    try:
        _answering(database.engine)
        _bring_up_to_date(database.engine)
    except Exception:
        database.close()
        raise
    return database


def _bring_up_to_date(engine: Engine) -> None:
    current, head = migrate.current_revision(engine), migrate.head_revision()
    if current is None:
        migrate.upgrade(engine)
    elif current != head and not migrate.is_known_revision(current):
        refused = DatabaseTooNew(
            f"the database is at revision {current}, unknown to this tekseru (head {head})"
        )
        raise refused.saying("refusal.database.too_new", revision=current, head=head)
    elif current != head:
        raise DatabaseNeedsUpgrade(
            f"the database is at revision {current}, this tekseru needs {head}: run `tekseru db upgrade`"
        ).saying("refusal.database.needs_upgrade", revision=current, head=head)


def upgrade_database(url: str | URL) -> str:
    """Migrate the database at `url` to the newest revision (creating it when missing); the revision."""
    if make_url(url).get_backend_name() == "postgresql":
        create_postgres_database_if_missing(url)
    engine = make_engine(url)
    try:
        _answering(engine)
        migrate.upgrade(engine)
        return migrate.current_revision(engine) or ""
    finally:
        engine.dispose()


def _answering(engine: Engine) -> None:
    """DatabaseUnreachable when no connection can be made (the first thing a command does with it)."""
    try:
        engine.connect().close()
    except DatabaseError as error:  # OperationalError, or a file that is not a SQLite database
        lines = str(error.orig if error.orig is not None else error).strip().splitlines()
        raise _unreachable(engine.url, lines[0] if lines else type(error).__name__) from error


def _unreachable(url: URL, reason: str) -> DatabaseUnreachable:
    """The refusal naming the database (its address without the password) and the driver's `reason`: a
    server that does not answer or refuses, or a SQLite file that cannot be opened or made."""
    where = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        refused = DatabaseUnreachable(f"no connection to the database file {where}: {reason}")
        return refused.saying("refusal.database.file_unreachable", address=where, reason=reason)
    refused = DatabaseUnreachable(f"no connection to the database {where}: {reason}")
    return refused.saying("refusal.database.unreachable", address=where, reason=reason)


def create_postgres_database_if_missing(url: str | URL) -> bool:
    """Create the PostgreSQL database named in `url` when it does not exist; True when it was created."""
    target = make_url(url)
    name = target.database
    if not name:
        return False
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        connection = admin.connect()
    except OperationalError:
        admin.dispose()
        return False  # no maintenance database to ask: connecting to the target will say what is wrong
    try:
        with connection:
            found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if found.first() is not None:
                return False
            quoted = connection.dialect.identifier_preparer.quote(name)
            connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
            return True
    finally:
        admin.dispose()
