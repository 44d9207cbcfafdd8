"""Background jobs in processes of their own: a stuck job blocks no other, its time limit ends it, an
administrator cancels it, and a stopped or dead job keeps nothing. On SQLite and PostgreSQL.

The stuck job is a real slow input, no hook: a subjects file whose header is followed by 120 million blank
lines, which the reader goes through (twice) before it has a row to write, taking no lock meanwhile.

The time limit has two tests: the jobs beside a stuck one finish while it runs (under a limit long enough
for them on a busy machine, the stuck one then cancelled), and a short limit ends the stuck one: the same
watch of the same process, without 25 s of a core spent waiting for a long limit."""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tekseru.catalog.identifiers import demo_bins
from tekseru.services import audit
from tekseru.services.jobs import (
    JobKind,
    JobNotCancellable,
    JobRecord,
    JobRunner,
    cancel,
    start_assessment,
    start_import,
)
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.store import Database
from tekseru.store.audit import AuditFilter
from tests.catalogue import CATALOGUE
from tests.web.support import AS_OF

ADMIN = Actor.system("t-admin")
PLANNER = Actor("t-planner", Role.PLANNER)
NEW_BINS = list(demo_bins(3, prefix="1902100"))
LIMIT = 3  # seconds: far less than the slow file takes to read


@functools.cache
def slow_file() -> Path:
    """Written once per process (120 MB: seconds on a busy disk) and only read: no job gets to its end."""
    folder = Path(tempfile.mkdtemp(prefix="tekseru-slow-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "slow-subjects.csv"
    with path.open("w", encoding="utf-8") as out:
        # Blank lines take no database lock and hold no row: reading them only takes time, far longer than
        # the time limit even on a quiet machine (20 million were read within 25 s).
        out.write("bin,name,region,groups\n")
        for _ in range(10):
            out.write("\n" * 12_000_000)
        out.write(f"{NEW_BINS[0]},Late,astana,home_care\n")
    return path


def good_file(folder: Path) -> Path:
    path = folder / "good-subjects.csv"
    rows = "".join(f"{b},Good {i},astana,home_care\n" for i, b in enumerate(NEW_BINS[1:]))
    path.write_text("bin,name,region,groups\n" + rows, encoding="utf-8")
    return path


@pytest.fixture
def runner(database: Database) -> Iterator[JobRunner]:
    jobs = JobRunner(database, catalogue=CATALOGUE, workers=2, time_limit=120)
    yield jobs
    jobs.shutdown(wait=False)


def until(runner: JobRunner, job: JobRecord, *statuses: str, timeout: float = 60) -> JobRecord:
    deadline = time.monotonic() + timeout
    while (found := runner.get(ADMIN, job.id)).status not in statuses:
        assert time.monotonic() < deadline, found
        time.sleep(0.05)
    return found


def subject_count(database: Database) -> int:
    from sqlalchemy import text

    with database.reading() as session:
        return int(session.execute(text("SELECT count(*) FROM subjects")).scalar_one())


def audited(database: Database, action: str, key: uuid.UUID) -> list[audit.AuditRecord]:
    return audit.browse(database, ADMIN, AuditFilter(action=action, entity_key=str(key))).entries


def test_a_stuck_import_blocks_no_other_job(
    database: Database, seeded: uuid.UUID, runner: JobRunner, tmp_path: Path
) -> None:
    before = subject_count(database)
    stuck = start_import(
        runner, database, PLANNER, kind=JobKind.IMPORT_SUBJECTS, path=slow_file(), today=date.today()
    )
    until(runner, stuck, "running")
    assessment = start_assessment(runner, database, PLANNER, as_of=AS_OF)
    imported = start_import(
        runner, database, PLANNER, kind=JobKind.IMPORT_SUBJECTS, path=good_file(tmp_path), today=date.today()
    )
    done = [until(runner, job, "finished", "failed") for job in (assessment, imported)]
    assert [job.status for job in done] == ["finished", "finished"], [job.message for job in done]
    assert runner.get(ADMIN, stuck.id).status == "running"  # the others ended while it was stuck
    assert cancel(runner, ADMIN, stuck.id, wait=60).status == "cancelled"
    assert subject_count(database) == before + 2  # only the good file's two subjects


def test_the_time_limit_ends_a_stuck_import_and_nothing_of_it_is_kept(
    database: Database, tmp_path: Path
) -> None:
    """The limit ends the job however short it is; the jobs that run beside a stuck one (which need a limit
    long enough for them on a busy machine) are the test above's."""
    runner = JobRunner(database, catalogue=CATALOGUE, workers=2, time_limit=LIMIT)
    try:
        before = subject_count(database)
        started = time.monotonic()
        stuck = start_import(
            runner, database, PLANNER, kind=JobKind.IMPORT_SUBJECTS, path=slow_file(), today=date.today()
        )
        until(runner, stuck, "running")
        ended = until(runner, stuck, "timed_out", "finished", "failed")
        assert (ended.status, ended.result) == ("timed_out", {"time_limit": LIMIT})
        assert LIMIT <= time.monotonic() - started < 120
        assert subject_count(database) == before
    finally:
        runner.shutdown(wait=False)


def test_an_administrator_cancels_a_running_job_and_nothing_of_it_is_kept(
    database: Database, runner: JobRunner, tmp_path: Path
) -> None:
    before = subject_count(database)
    job = start_import(
        runner, database, PLANNER, kind=JobKind.IMPORT_SUBJECTS, path=slow_file(), today=date.today()
    )
    until(runner, job, "running")
    with pytest.raises(PermissionDenied):
        cancel(runner, PLANNER, job.id)
    cancelled = cancel(runner, ADMIN, job.id, wait=60)  # a busy machine may be slow to start its process
    assert (cancelled.status, cancelled.message) == ("cancelled", "cancelled by t-admin")
    assert cancelled.finished and subject_count(database) == before
    [entry] = audited(database, "job.cancel", job.id)
    assert (entry.actor, entry.before, entry.after) == (
        "t-admin",
        {"status": "running", "kind": "import_subjects"},
        {"status": "cancelling"},
    )
    with pytest.raises(JobNotCancellable):
        cancel(runner, ADMIN, job.id)
    assert len(audited(database, "job.cancel", job.id)) == 1


def test_a_queued_job_is_cancelled_before_it_runs(database: Database, tmp_path: Path) -> None:
    runner = JobRunner(database, catalogue=CATALOGUE, workers=1, time_limit=30)
    try:
        stuck = start_import(
            runner,
            database,
            ADMIN,
            kind=JobKind.IMPORT_SUBJECTS,
            path=slow_file(),
            today=date.today(),
        )
        queued = start_import(
            runner,
            database,
            ADMIN,
            kind=JobKind.IMPORT_SUBJECTS,
            path=good_file(tmp_path),
            today=date.today(),
        )
        until(runner, stuck, "running")
        assert runner.get(ADMIN, queued.id).status == "queued"
        assert cancel(runner, ADMIN, queued.id).status == "cancelled"
        assert cancel(runner, ADMIN, stuck.id, wait=60).status == "cancelled"
        runner.wait(queued.id, timeout=30)
        assert runner.get(ADMIN, queued.id).started_at is None  # it never ran
        assert subject_count(database) == 0
    finally:
        runner.shutdown(wait=False)


def test_a_cancel_from_another_process_reaches_the_runner_through_the_database(
    database: Database, runner: JobRunner, tmp_path: Path
) -> None:
    """`tekseru jobs cancel` or another web worker has a runner of its own, which does not run the job."""
    job = start_import(
        runner, database, ADMIN, kind=JobKind.IMPORT_SUBJECTS, path=slow_file(), today=date.today()
    )
    until(runner, job, "running")
    elsewhere = JobRunner(database, catalogue=CATALOGUE, workers=1)
    try:
        assert cancel(elsewhere, ADMIN, job.id, wait=60).status == "cancelled"
    finally:
        elsewhere.shutdown()
    assert [e.after for e in audited(database, "job.cancel", job.id)] == [{"status": "cancelling"}]


def test_a_job_whose_process_dies_fails_and_the_next_one_runs(
    database: Database, runner: JobRunner, tmp_path: Path
) -> None:
    job = start_import(
        runner, database, ADMIN, kind=JobKind.IMPORT_SUBJECTS, path=slow_file(), today=date.today()
    )
    until(runner, job, "running")
    while not (found := [p for p in multiprocessing.active_children() if p.name == f"tekseru-job-{job.id}"]):
        time.sleep(0.05)  # running is recorded just before its process starts
    [child] = found
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    failed = until(runner, job, "failed", "finished")
    assert failed.message == "the job's process ended unexpectedly (exit code -9)"
    again = start_import(
        runner, database, ADMIN, kind=JobKind.IMPORT_SUBJECTS, path=good_file(tmp_path), today=date.today()
    )
    assert until(runner, again, "finished", "failed", "timed_out").result["created"] == 2  # type: ignore[index]
