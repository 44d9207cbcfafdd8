"""Test support: a `database` on a real SQLite file and on the real PostgreSQL, each test isolated.

The PostgreSQL server is the one named by TEKSERU_TEST_POSTGRES_URL or, when that is not set, the local
one at 127.0.0.1:5432 (user postgres) if it answers within two seconds (`none` turns PostgreSQL tests off);
`postgres_test_server()` says which, or why there is none. Isolation: each test session (each pytest-xdist
worker) creates a database of its own with a unique name on that server and drops it at the end; each test
gets a fresh schema in it, made the only entry of `search_path` through the connection URL, and dropped
after the test. Tests can therefore run in parallel and leave nothing behind.

Use it from a conftest.py:

    from tests.databases import database, database_url, postgres_server  # noqa: F401
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

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


class PostgresTestServer:
    """A uniquely named database on the test server, for one test session, with a schema per test."""

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.name = f"tekseru_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.url = self.server_url.set(database=self.name)
        create_postgres_database_if_missing(self.url)
        self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT")

    def new_schema(self) -> tuple[str, URL]:
        """A new empty schema and the URL whose connections use only it."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        return schema, self.url.update_query_dict({"options": f"-csearch_path={schema}"})

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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
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
    schema, url = postgres_server.new_schema()
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        postgres_server.drop_schema(schema)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """An open, migrated, empty database (parametrised: SQLite and PostgreSQL)."""
    opened = open_database(database_url)
    try:
        yield opened
    finally:
        opened.close()
