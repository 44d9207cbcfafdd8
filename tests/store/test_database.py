"""Opening, creating and migrating databases; the migrations must match the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from tekseru.store import (
    Database,
    DatabaseBusy,
    DatabaseNeedsUpgrade,
    DatabaseTooNew,
    migrate,
    open_database,
    sqlite_url,
    upgrade_database,
)
from tekseru.store import database as store_database
from tekseru.store.subjects import count_subjects
from tests.store.factories import add_subjects

TABLES = {"alembic_version", "subjects", "subject_groups", "evidence", "assessments", "assessment_results"}


def test_a_new_database_is_created_and_migrated_on_first_use(database: Database) -> None:
    assert migrate.current_revision(database.engine) == migrate.head_revision()
    assert set(inspect(database.engine).get_table_names()) >= TABLES


def test_the_migrations_match_the_models(database: Database) -> None:
    assert migrate.differences(database.engine) == []


def test_opening_again_keeps_the_data(database_url: str, database: Database) -> None:
    add_subjects(database, 3)
    again = open_database(database_url)
    try:
        with again.transaction() as session:
            assert count_subjects(session) == 3
    finally:
        again.close()


def test_downgrade_to_base_and_upgrade_again(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(database.engine)
    assert migrate.differences(database.engine) == []


def test_a_database_behind_the_code_asks_for_an_upgrade(
    database_url: str, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999")
    with pytest.raises(DatabaseNeedsUpgrade, match="run `tekseru db upgrade`"):
        open_database(database_url)


def test_a_database_newer_than_the_code_is_refused(database_url: str, database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(DatabaseTooNew, match="unknown to this tekseru"):
        open_database(database_url)


def test_upgrade_database_creates_a_sqlite_file_in_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "tekseru.sqlite3"
    assert upgrade_database(sqlite_url(path)) == migrate.head_revision()
    assert path.is_file()
    database = open_database(sqlite_url(path))
    with database.transaction() as session:
        assert count_subjects(session) == 0
    database.close()


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    database = open_database(sqlite_url(tmp_path / "fk.sqlite3"))
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    database.close()


def _lock_is_free(path: Path) -> bool:
    """Whether another connection can take SQLite's write lock at once."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_sqlite_transactions_take_the_write_lock_and_readings_do_not(tmp_path: Path) -> None:
    path = tmp_path / "locks.sqlite3"
    database = open_database(sqlite_url(path))
    try:
        add_subjects(database, 2)
        assert _lock_is_free(path)
        with database.transaction() as session:
            assert count_subjects(session) == 2
            assert not _lock_is_free(path)  # held from the start, before anything was written
        with database.reading() as session:
            assert count_subjects(session) == 2
            assert _lock_is_free(path)
    finally:
        database.close()


def test_a_deferred_checkpoint_runs_after_the_commit_not_in_it(tmp_path: Path) -> None:
    """A large import's commit (issue 18) leaves SQLite's write-ahead log for `checkpoint` to copy into the
    database after the write lock is given up; the connection checkpoints as before once back in the
    pool."""
    path = tmp_path / "checkpoint.sqlite3"
    database = open_database(sqlite_url(path))
    try:
        with database.transaction() as session:
            session.execute(text("CREATE TABLE filler (b BLOB)"))
        size = path.stat().st_size
        with database.transaction() as session:
            connection = session.connection()
            store_database.checkpoint_deferred(connection)
            driver = connection.connection.driver_connection
            assert driver.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)  # type: ignore[union-attr]
            session.execute(text("INSERT INTO filler SELECT zeroblob(8 << 20)"))  # > 1000 pages of log
        assert path.stat().st_size == size  # the commit copied nothing into the database
        assert driver.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)  # type: ignore[union-attr]
        store_database.checkpoint(database)
        assert path.stat().st_size > size + (8 << 20)
        with database.transaction() as session:  # a write without the deferral checkpoints in its commit
            session.execute(text("INSERT INTO filler SELECT zeroblob(8 << 20)"))
        assert path.stat().st_size > size + (16 << 20)
    finally:
        database.close()


def test_a_reading_sees_one_snapshot_while_another_connection_writes(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.sqlite3"
    database = open_database(sqlite_url(path))
    try:
        add_subjects(database, 2)
        with database.reading() as session:
            assert count_subjects(session) == 2
            add_subjects(database, 5)  # a write transaction on another connection, not kept waiting
            assert count_subjects(session) == 2
        with database.reading() as session:
            assert count_subjects(session) == 5
    finally:
        database.close()


def test_a_write_lock_held_too_long_is_database_busy_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_database, "BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "busy.sqlite3"
    database = open_database(sqlite_url(path))
    other = sqlite3.connect(path, isolation_level=None)
    try:
        add_subjects(database, 2)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusy, match="try again"):
            add_subjects(database, 5)
        with database.reading() as session:  # readers are not kept waiting
            assert count_subjects(session) == 2
        other.execute("ROLLBACK")
        add_subjects(database, 5)
        with database.reading() as session:
            assert count_subjects(session) == 5
    finally:
        other.close()
        database.close()


def _terminate_backends(engine: Engine) -> None:
    """End, from another connection, every server process of the engine's pooled connections."""
    with engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    killer = create_engine(engine.url, poolclass=NullPool)
    try:
        with killer.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        killer.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_pooled_postgres_connection_that_died_while_idle_is_replaced(database_url: str) -> None:
    engine = store_database.make_engine(database_url, ping_after_idle=0.0)  # every connection is idle
    try:
        _terminate_backends(engine)
        with engine.connect() as connection:  # the check finds it dead and opens a new one
            assert connection.exec_driver_sql("SELECT 1").scalar_one() == 1
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_postgres_connection_in_steady_use_is_not_checked(database_url: str) -> None:
    """Within the idle time no "SELECT 1" goes to the server: a dead connection is found by its next use,
    and that first failure drops the pool, so the use after it works."""
    engine = store_database.make_engine(database_url, ping_after_idle=3600.0)
    try:
        _terminate_backends(engine)
        with pytest.raises(DBAPIError), engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar_one() == 1
    finally:
        engine.dispose()


def test_a_single_reading_sees_what_was_committed_and_waits_for_no_writer(database: Database) -> None:
    add_subjects(database, 2)
    with database.transaction() as writer:  # holds SQLite's write lock; its change is not committed yet
        writer.connection().exec_driver_sql("DELETE FROM subject_groups")
        writer.connection().exec_driver_sql("DELETE FROM subjects")
        with database.single_reading() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM subjects").scalar_one() == 2
            # No transaction around the statement: PostgreSQL's driver in autocommit, SQLite's in none.
            driver = connection.connection.dbapi_connection
            if database.dialect == "sqlite":
                assert not getattr(driver, "in_transaction", True)
            else:
                assert getattr(driver, "autocommit", False)
    with database.single_reading() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM subjects").scalar_one() == 0
