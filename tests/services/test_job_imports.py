"""A background import and its audit entry are one transaction: neither is kept without the other (before,
a cancel or a failure between two transactions could keep the rows and lose the entry). On SQLite and
PostgreSQL, through the real job runner and its processes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from tekseru.services import audit
from tekseru.services.jobs import JobKind, JobRunner, start_import
from tekseru.services.permissions import Actor, Role
from tekseru.store import Database
from tekseru.store.audit import AuditFilter
from tests.catalogue import CATALOGUE
from tests.services.test_jobs import ADMIN, good_file, subject_count, until


@pytest.fixture
def runner(database: Database) -> Iterator[JobRunner]:
    jobs = JobRunner(database, catalogue=CATALOGUE, workers=1, time_limit=120)
    yield jobs
    jobs.shutdown(wait=False)


def entries(database: Database, job_id: uuid.UUID) -> list[audit.AuditRecord]:
    return audit.browse(database, ADMIN, AuditFilter(entity="job", entity_key=str(job_id))).entries


def test_an_import_job_is_audited_once_under_the_job_with_its_counts(
    database: Database, runner: JobRunner, tmp_path: Path
) -> None:
    before = subject_count(database)
    planner = Actor("t-planner", Role.PLANNER)
    job = start_import(
        runner, database, planner, kind=JobKind.IMPORT_SUBJECTS, path=good_file(tmp_path), today=date.today()
    )
    done = until(runner, job, "finished", "failed")
    assert done.status == "finished", done.message
    [entry] = entries(database, job.id)
    assert (entry.actor, entry.action) == ("t-planner", "import.subjects")
    assert entry.after == {
        "file": "good-subjects.csv",
        "rows_read": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "error_count": 0,
    }
    assert subject_count(database) == before + 2


REFUSED = "the audit log refuses imports (test)"


def refuse_import_entries(database: Database) -> None:
    """A real fault of the database at the very end of an import: its audit entry is refused."""
    with database.transaction() as session:
        if database.dialect == "postgresql":
            session.execute(
                text(
                    "CREATE FUNCTION refuse_import_entry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"RAISE EXCEPTION '{REFUSED}'; END; $$"
                )
            )
            session.execute(
                text(
                    "CREATE TRIGGER refuse_import_entry BEFORE INSERT ON audit_log FOR EACH ROW "
                    "WHEN (NEW.action LIKE 'import.%') EXECUTE FUNCTION refuse_import_entry()"
                )
            )
        else:
            session.execute(
                text(
                    "CREATE TRIGGER refuse_import_entry BEFORE INSERT ON audit_log "
                    f"WHEN NEW.action LIKE 'import.%' BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
                )
            )


def test_an_audit_entry_that_cannot_be_written_keeps_nothing_of_the_import(
    database: Database, runner: JobRunner, tmp_path: Path
) -> None:
    """The entry fails after every row of the import was written: on main, where the entry was a second
    transaction, the rows stayed without their entry; now the job fails and nothing of it is kept."""
    before = subject_count(database)
    refuse_import_entries(database)
    planner = Actor("t-planner", Role.PLANNER)
    job = start_import(
        runner, database, planner, kind=JobKind.IMPORT_SUBJECTS, path=good_file(tmp_path), today=date.today()
    )
    done = until(runner, job, "finished", "failed")
    assert done.status == "failed" and REFUSED in (done.message or "")
    assert subject_count(database) == before
    assert entries(database, job.id) == []
