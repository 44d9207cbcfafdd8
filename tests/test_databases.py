"""The PostgreSQL server of the tests is found without any setting, and a run says when it is skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.databases import LOCAL_POSTGRES_URL, POSTGRES_URL_ENV, postgres_test_server


@pytest.fixture
def asked_again() -> Iterator[None]:
    postgres_test_server.cache_clear()
    yield
    postgres_test_server.cache_clear()


def test_a_named_server_is_used(monkeypatch: pytest.MonkeyPatch, asked_again: None) -> None:
    monkeypatch.setenv(POSTGRES_URL_ENV, "postgresql+psycopg://someone@db.example:5433/x")
    choice = postgres_test_server()
    assert choice.url == "postgresql+psycopg://someone@db.example:5433/x"
    assert str(choice) == (
        "PostgreSQL tests run on postgresql+psycopg://someone@db.example:5433/x "
        f"(named by {POSTGRES_URL_ENV})"
    )


def test_none_turns_postgresql_off(monkeypatch: pytest.MonkeyPatch, asked_again: None) -> None:
    monkeypatch.setenv(POSTGRES_URL_ENV, "none")
    assert str(postgres_test_server()) == f"PostgreSQL tests are skipped: {POSTGRES_URL_ENV}=none"


def test_without_a_setting_the_local_server_is_tried(
    monkeypatch: pytest.MonkeyPatch, asked_again: None
) -> None:
    monkeypatch.delenv(POSTGRES_URL_ENV, raising=False)
    choice = postgres_test_server()
    if choice.url is None:  # no server here: the line says why, in one line
        assert "no server answers at 127.0.0.1:5432" in str(choice).replace(
            LOCAL_POSTGRES_URL, "127.0.0.1:5432"
        )
        assert "\n" not in str(choice)
    else:
        assert choice.url == LOCAL_POSTGRES_URL
        assert str(choice).endswith("the local server answers)")


@pytest.mark.postgres
def test_a_killed_sessions_database_is_dropped_and_a_running_ones_kept() -> None:
    import subprocess
    import sys

    from sqlalchemy import create_engine, make_url

    from tests.databases import TEST_DATABASE_PREFIX, drop_orphaned_test_databases

    server_url = postgres_test_server().url
    if server_url is None:
        pytest.skip(str(postgres_test_server()))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    gone_pid = int(finished.stdout)
    orphan = f"{TEST_DATABASE_PREFIX}{gone_pid}_orphaned"
    alive = f"{TEST_DATABASE_PREFIX}{os.getpid()}_alive"
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in (orphan, alive):
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        dropped = drop_orphaned_test_databases(make_url(server_url))
        with admin.connect() as connection:
            left = set(connection.exec_driver_sql("SELECT datname FROM pg_database").scalars())
        assert orphan in dropped and orphan not in left
        assert alive in left and alive not in dropped
    finally:
        with admin.connect() as connection:
            for name in (orphan, alive):
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
