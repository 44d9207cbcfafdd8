"""Test support: a `database` on a real SQLite file and on the real PostgreSQL, each test isolated.

The PostgreSQL server is the one named by TEKSERU_TEST_POSTGRES_URL or, when that is not set, the local
one at 127.0.0.1:5432 (user postgres) if it answers within two seconds (`none` turns PostgreSQL tests off);
`postgres_test_server()` says which, or why there is none. Isolation: each test session (each pytest-xdist
worker) creates a database of its own with a unique name on that server and drops it at the end; each test
gets a schema of its own in it, made the only entry of `search_path` through the connection URL. Tests can
therefore run in parallel and leave nothing behind.

Speed (migrating costs a second or two per test, and ~1000 tests ask for `database`): a test that asks for
`database` gets a database that is already migrated, but otherwise as new. On SQLite the file is a copy of
one migrated once per session. On PostgreSQL the schema comes from a pool: after the test it is emptied
(every table but alembic_version, sequences reset) and goes back to the pool only when its catalogue
(tables, columns, constraints, indexes, triggers, functions) and its revision are still those a migration
gives; otherwise it is dropped. A test that asks only for `database_url` gets an empty database as before.

Use it from a conftest.py:

    from tests.databases import database, database_url, postgres_server  # noqa: F401
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from tekseru.store import migrate
from tekseru.store.database import Database, create_postgres_database_if_missing, open_database, sqlite_url

POSTGRES_URL_ENV = "TEKSERU_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "TEKSERU_REQUIRE_POSTGRES"
LOCAL_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class PostgresChoice:
    """The PostgreSQL server tests use (`url`), or None and `reason` why PostgreSQL tests are skipped."""

    url: str | None
    reason: str

    def __str__(self) -> str:
        if self.url is None:
            return f"PostgreSQL tests are skipped: {self.reason}"
        return f"PostgreSQL tests run on {make_url(self.url).render_as_string()} ({self.reason})"


@functools.cache
def postgres_test_server() -> PostgresChoice:
    """The server named by TEKSERU_TEST_POSTGRES_URL, else the local one when it answers (asked once)."""
    named = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if named.lower() == "none":
        return PostgresChoice(None, f"{POSTGRES_URL_ENV}=none")
    if named:
        return PostgresChoice(named, f"named by {POSTGRES_URL_ENV}")
    engine = create_engine(LOCAL_POSTGRES_URL, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    try:
        with engine.connect():
            pass
    except (SQLAlchemyError, OSError) as error:
        first_line = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error).strip() else ""
        return PostgresChoice(
            None,
            f"{POSTGRES_URL_ENV} is not set and no server answers at {LOCAL_POSTGRES_URL} ({first_line})",
        )
    finally:
        engine.dispose()
    return PostgresChoice(LOCAL_POSTGRES_URL, f"{POSTGRES_URL_ENV} is not set; the local server answers")


# What identifies a schema's structure: its relations, columns (type, null, default), constraints, indexes,
# triggers and functions; without the schema's own name, so that two schemas migrated alike compare equal.
# A schema a test migrated down and up again differs: it has dropped columns, and indexes made on a table
# with updated rows that the planner may not use while an older transaction runs anywhere on the server
# (`indcheckxmin`), which would make a later test's query plan depend on other work on the server.
_SCHEMA_FINGERPRINT = """
SELECT string_agg(entry, E'\\n' ORDER BY entry) FROM (
    SELECT concat_ws(' ', 'r', c.relname, c.relkind) AS entry
    FROM pg_class c WHERE c.relnamespace = CAST(:schema AS regnamespace)
    UNION ALL
    SELECT concat_ws(' ', 'a', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
        pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = CAST(:schema AS regnamespace) AND a.attnum > 0
    UNION ALL
    SELECT concat_ws(' ', 'k', conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace = CAST(:schema AS regnamespace)
    UNION ALL
    SELECT concat_ws(' ', 'i', pg_get_indexdef(i.indexrelid), i.indcheckxmin)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE c.relnamespace = CAST(:schema AS regnamespace)
    UNION ALL
    SELECT concat_ws(' ', 't', pg_get_triggerdef(t.oid), t.tgenabled)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = CAST(:schema AS regnamespace) AND NOT t.tgisinternal
    UNION ALL
    SELECT concat_ws(' ', 'p', proname, md5(prosrc))
    FROM pg_proc WHERE pronamespace = CAST(:schema AS regnamespace)
) AS entries
"""


TEST_DATABASE_PREFIX = "tekseru_test_"


def drop_orphaned_test_databases(server_url: URL) -> list[str]:
    """Drop the test databases whose session was killed (named after a process of this machine that is gone),
    so killed runs do not pile databases up on the server; a server on another machine is left alone, since
    its names' processes are not ours to look up. Returns the names dropped."""
    if server_url.host not in ("127.0.0.1", "localhost", "::1", None):
        return []
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    dropped = []
    try:
        with server.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
                {"prefix": TEST_DATABASE_PREFIX},
            ).scalars()
            for name in list(names):
                pid = name.removeprefix(TEST_DATABASE_PREFIX).split("_", 1)[0]
                if pid.isdigit() and not _process_runs(int(pid)):
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    dropped.append(name)
    finally:
        server.dispose()
    return dropped


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


class PostgresTestServer:
    """A uniquely named database on the test server, for one test session, with a schema per test."""

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.name = f"{TEST_DATABASE_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.url = self.server_url.set(database=self.name)
        drop_orphaned_test_databases(self.server_url)
        create_postgres_database_if_missing(self.url)
        self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self._pool: list[str] = []  # migrated schemas, emptied, ready for the next test
        self._migrated_fingerprint: str | None = None

    def new_schema(self) -> tuple[str, URL]:
        """A new empty schema and the URL whose connections use only it."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        return schema, self.url.update_query_dict({"options": f"-csearch_path={schema}"})

    def migrated_schema(self) -> tuple[str, URL]:
        """A schema migrated to head and empty (from the pool, else new), and the URL that uses only it."""
        while self._pool:
            schema = self._pool.pop()
            if self._holds_no_rows(schema):  # nothing wrote to it after it was emptied
                return schema, self.url.update_query_dict({"options": f"-csearch_path={schema}"})
            self.drop_schema(schema)
        schema, url = self.new_schema()
        open_database(url).close()
        if self._migrated_fingerprint is None:
            self._migrated_fingerprint = self._fingerprint(schema)
        return schema, url

    def release_migrated_schema(self, schema: str) -> None:
        """Empty the schema and keep it for the next test when it is still as migrated; else drop it."""
        try:
            if self._fingerprint(schema) == self._migrated_fingerprint and self._empty(schema):
                self._pool.append(schema)
                return
        except SQLAlchemyError:
            pass
        self.drop_schema(schema)

    def _fingerprint(self, schema: str) -> str:
        with self._admin.connect() as connection:
            found = connection.execute(text(_SCHEMA_FINGERPRINT), {"schema": schema}).scalar_one()
        return str(found or "").replace(f'"{schema}".', "").replace(f"{schema}.", "")

    def _empty(self, schema: str) -> bool:
        """Delete every row but the revision's and reset the sequences; False when the revision is not head
        (triggers, those of foreign keys included, are off meanwhile: deleting needs no order)."""
        quoted = f'"{schema}"'
        with self._admin.connect() as connection:
            revisions = connection.exec_driver_sql(f"SELECT version_num FROM {quoted}.alembic_version").all()
            if [row[0] for row in revisions] != [self._head()]:
                return False
            tables = connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = :s AND tablename <> 'alembic_version'"
                ),
                {"s": schema},
            ).all()
            sequences = connection.execute(
                text("SELECT sequencename, start_value FROM pg_sequences WHERE schemaname = :s"),
                {"s": schema},
            ).all()
            statements = ["BEGIN", "SET LOCAL session_replication_role = replica"]
            statements += [f'DELETE FROM {quoted}."{table}"' for (table,) in tables]
            statements += [
                f"SELECT setval('{quoted}.\"{name}\"', {start}, false)" for name, start in sequences
            ]
            connection.exec_driver_sql(";\n".join([*statements, "COMMIT"]))
        return True

    def _holds_no_rows(self, schema: str) -> bool:
        with self._admin.connect() as connection:
            tables = connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = :s AND tablename <> 'alembic_version'"
                ),
                {"s": schema},
            ).all()
            probe = " UNION ALL ".join(f'(SELECT 1 FROM "{schema}"."{table}" LIMIT 1)' for (table,) in tables)
            return not probe or connection.exec_driver_sql(probe).first() is None

    @functools.cache  # noqa: B019 (one server per session)
    def _head(self) -> str:
        return migrate.head_revision()

    def drop_schema(self, schema: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def close(self) -> None:
        self._admin.dispose()
        server = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with server.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            server.dispose()


DATABASE_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresTestServer | None]:
    """The session's PostgreSQL test database, or None without a server (see `postgres_test_server`)."""
    url = postgres_test_server().url
    if not url:
        yield None
        return
    server = PostgresTestServer(url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(params=DATABASE_KINDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: os.PathLike[str], postgres_server: PostgresTestServer | None
) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(os.path.join(tmp_path, "tekseru.sqlite3"))
        return
    if postgres_server is None:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{REQUIRE_POSTGRES_ENV}=1 but {postgres_test_server()}")
        pytest.skip(str(postgres_test_server()))
    if "database" in request.fixturenames:  # `database` would migrate it: take one migrated already
        schema, url = postgres_server.migrated_schema()
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            postgres_server.release_migrated_schema(schema)
        return
    schema, url = postgres_server.new_schema()
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        postgres_server.drop_schema(schema)


@contextlib.contextmanager
def shared_database(
    kind: str, folder: os.PathLike[str], postgres_server: PostgresTestServer | None
) -> Iterator[tuple[str, Database]]:
    """A migrated, empty database of `kind` (a DATABASE_KINDS param) and its URL, for a fixture of wider
    scope whose tests share what it writes once (they only read it): a SQLite file in `folder` or a
    PostgreSQL schema of its own, dropped at the end; skipped (or failed) without PostgreSQL as `database`."""
    if kind == "sqlite":
        path = os.path.join(folder, "tekseru.sqlite3")
        shutil.copyfile(migrated_sqlite_file(), path)
        url, drop = sqlite_url(path), None
    else:
        if postgres_server is None:
            if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
                pytest.fail(f"{REQUIRE_POSTGRES_ENV}=1 but {postgres_test_server()}")
            pytest.skip(str(postgres_test_server()))
        schema, migrated = postgres_server.migrated_schema()
        url, drop = migrated.render_as_string(hide_password=False), schema
    opened = open_database(url)
    try:
        yield url, opened
    finally:
        opened.close()
        if drop is not None and postgres_server is not None:
            postgres_server.drop_schema(drop)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """An open, migrated, empty database (parametrised: SQLite and PostgreSQL)."""
    path = make_url(database_url).database
    if make_url(database_url).get_backend_name() == "sqlite" and path and not os.path.exists(path):
        shutil.copyfile(migrated_sqlite_file(), path)
    opened = open_database(database_url)
    try:
        yield opened
    finally:
        opened.close()


@functools.cache
def migrated_sqlite_file() -> str:
    """A SQLite file migrated to head, made once per process (each xdist worker) and copied per test."""
    folder = tempfile.mkdtemp(prefix="tekseru-migrated-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = os.path.join(folder, "migrated.sqlite3")
    open_database(sqlite_url(path)).close()
    for leftover in ("-wal", "-shm"):  # closing the last connection checkpoints the write-ahead log
        assert not os.path.exists(path + leftover), f"{path}{leftover} is left after closing"
    return path
