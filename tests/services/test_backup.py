"""Backup and restore, on SQLite and PostgreSQL: a backup taken while another process keeps writing restores
into a new database whose audit log verifies and whose assessment gives the same scores; a database that
holds data is refused unless forced; bad files and missing tools are clear errors."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

from tekseru.services import audit, backup
from tekseru.services.assessments import assessment_results, run_assessment
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.store import Database, open_database
from tekseru.store.database import create_postgres_database_if_missing
from tests.catalogue import CATALOGUE
from tests.tied_process import tied
from tests.web.support import AS_OF

ADMIN = Actor.system("b-admin")

# Another process that appends audit entries (each in its own transaction) until the stop file appears.
WRITER = """
import sys, pathlib
from tekseru.services import audit
from tekseru.services.permissions import Actor
from tekseru.store import open_database
db = open_database(sys.argv[1])
stop, started = pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
number = 0
while not stop.exists():
    with db.transaction() as session:
        audit.record(session, Actor.system("writer"), "test.write", "test", number)
    number += 1
    if number == 5:
        started.touch()
db.close()
print(number)
"""


@pytest.fixture
def restored_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a database to restore into: a new SQLite file, or a new database on the test server
    (limited to the same schema, which the schema's dump recreates)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    fresh = url.set(database=f"tekseru_restore_{uuid.uuid4().hex[:10]}")
    create_postgres_database_if_missing(fresh)
    try:
        yield fresh.render_as_string(hide_password=False)
    finally:
        server = create_engine(url.set(database="postgres", query={}), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{fresh.database}" WITH (FORCE)')
        server.dispose()


def scores(db: Database, run_id: uuid.UUID | None = None) -> list[tuple[str, str, float, str]]:
    rows = (shown.result for shown in assessment_results(db, ADMIN, run_id))
    return sorted((r.bin, r.group_key, r.score, r.risk_class) for r in rows)


def test_a_backup_taken_while_another_process_writes_restores_intact(
    database: Database, database_url: str, seeded: uuid.UUID, restored_url: str, tmp_path: Path
) -> None:
    stop, started = tmp_path / "stop", tmp_path / "started"
    writer = subprocess.Popen(
        tied([sys.executable, "-c", WRITER, database_url, str(stop), str(started)]),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the writer did not start"
        copy = tmp_path / "tekseru.backup"
        backup.back_up_database(database_url, ADMIN, copy)
    finally:
        stop.touch()
        written, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0 and int(written) >= 5

    assert backup.restore_database(restored_url, ADMIN, copy) is True
    restored = open_database(restored_url)
    try:
        report = audit.verify(restored, ADMIN)
        assert report.ok, report.problems
        assert report.entries > 5  # the seed's entries, some of the writer's, and the restore's own
        assert scores(restored, seeded) == scores(database, seeded)
        again = run_assessment(restored, as_of=AS_OF, reuse=False, catalogue=CATALOGUE)
        assert again.run_id != seeded
        assert scores(restored, again.run_id) == scores(database, seeded)
    finally:
        restored.close()
    assert audit.verify(database, ADMIN).ok  # the writer's entries after the copy chain on as well


def test_a_database_with_data_is_refused_unless_forced(
    database: Database, database_url: str, seeded: uuid.UUID, restored_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "first.backup"
    backup.back_up_database(database_url, ADMIN, copy)
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.back_up_database(database_url, ADMIN, copy)
    with pytest.raises(PermissionDenied):
        backup.back_up_database(database_url, Actor("b-planner", Role.PLANNER), tmp_path / "other.backup")
    backup.restore_database(restored_url, ADMIN, copy)
    with pytest.raises(backup.TargetNotEmpty, match="--force"):
        backup.restore_database(restored_url, ADMIN, copy)
    # the target keeps its data after a refusal; a forced restore replaces it (one restore entry, not two)
    backup.restore_database(restored_url, ADMIN, copy, force=True)
    restored = open_database(restored_url)
    try:
        restores = audit.browse(restored, ADMIN, audit.AuditFilter(action="database.restore")).entries
        assert len(restores) == 1
        assert audit.verify(restored, ADMIN).ok
        assert scores(restored, seeded) == scores(database, seeded)
    finally:
        restored.close()


def test_a_file_that_is_no_backup_is_refused(database_url: str, restored_url: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(backup.BackupError):
        backup.restore_database(restored_url, ADMIN, junk)
    with pytest.raises(backup.BackupError, match="is not a file"):
        backup.restore_database(restored_url, ADMIN, tmp_path / "missing.backup")


def test_without_the_postgresql_client_tools_the_message_says_what_to_install(
    database: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if make_url(database_url).get_backend_name() == "sqlite":
        pytest.skip("SQLite needs no client tools")
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump there
    with pytest.raises(backup.BackupError, match=r"pg_dump is not on PATH.*postgresql-client"):
        backup.back_up_database(database_url, ADMIN, tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()
