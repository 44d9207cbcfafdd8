"""The job runner: each background job runs in a process of its own while pages and the API answer at once.

A job is a row of the `jobs` table, so its status survives a page reload and any worker process shows it.
`JobRunner` runs at most `workers` jobs at a time, each in a child process (from multiprocessing's
forkserver: it inherits no thread or connection of the server) that a thread of the server watches. A
process, unlike a thread, can be stopped at any moment: on a cancel or at the time limit it is, and its open
transaction is rolled back with it, so a stopped job leaves the database as it was (an import writes in one
transaction). The child sends progress and outcome through a pipe; on SQLite the progress reaches the
database only with the outcome (the job's transaction holds the write lock), on PostgreSQL at most every
`progress_interval` s. The child ends itself when the server dies (its lifeline pipe closes).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from tekseru.message import Explained
from tekseru.services.job_process import Work, child, process_context
from tekseru.services.permissions import Actor, Permission
from tekseru.store import Database, DatabaseBusy
from tekseru.store.jobs import (
    CANCELLED,
    CANCELLING,
    FAILED,
    INTERRUPTED,
    TIMED_OUT,
    UNFINISHED,
    JobRecord,
    add_job,
    database_url,
    finish_job,
    get_job,
    job_status,
    list_jobs,
    record_progress,
    start_job,
)

if TYPE_CHECKING:  # a runner that lists and cancels jobs needs no catalogue
    from tekseru.catalog import Catalogue

log = logging.getLogger("tekseru.jobs")

DEFAULT_TIME_LIMIT = 1800.0  # seconds; the setting job_time_limit_seconds
INTERRUPTED_MESSAGE = "interrupted: the server stopped before the job finished; nothing of it was kept"
STOP_GRACE = 5.0  # seconds a stopped job's process gets to roll back before it is killed
# What a job's process imports once, in the forkserver: the modules of the work functions and what they
# import as they run (`tekseru.services.jobs` imports them there only, so that listing jobs needs none).
WORK_MODULES = [
    "tekseru.services.jobs",
    "tekseru.intake",
    "tekseru.services.assessments",
    "tekseru.services.registry",
    "tekseru.services.rosters",
]


class JobKind(StrEnum):
    IMPORT_SUBJECTS = "import_subjects"
    IMPORT_EVIDENCE = "import_evidence"
    IMPORT_ROSTER_PROVIDER = "import_roster_provider"
    IMPORT_ROSTER_ESOBES = "import_roster_esobes"
    IMPORT_ROSTER_PORTAL = "import_roster_portal"
    IMPORT_DELIVERIES = "import_deliveries"
    IMPORT_FINDINGS = "import_findings"
    ASSESSMENT = "assessment"


class ImportKind(StrEnum):
    """The kinds of job an uploaded file starts: every `JobKind` but the assessment (so an interface that
    declares it lists exactly these, in its 422 and its OpenAPI document)."""

    IMPORT_SUBJECTS = JobKind.IMPORT_SUBJECTS.value
    IMPORT_EVIDENCE = JobKind.IMPORT_EVIDENCE.value
    IMPORT_ROSTER_PROVIDER = JobKind.IMPORT_ROSTER_PROVIDER.value
    IMPORT_ROSTER_ESOBES = JobKind.IMPORT_ROSTER_ESOBES.value
    IMPORT_ROSTER_PORTAL = JobKind.IMPORT_ROSTER_PORTAL.value
    IMPORT_DELIVERIES = JobKind.IMPORT_DELIVERIES.value
    IMPORT_FINDINGS = JobKind.IMPORT_FINDINGS.value


# Who may follow a job of each kind (besides the person who started it).
READ_PERMISSION: Mapping[JobKind, Permission] = {
    JobKind.IMPORT_SUBJECTS: Permission.IMPORT,
    JobKind.IMPORT_EVIDENCE: Permission.IMPORT,
    JobKind.IMPORT_ROSTER_PROVIDER: Permission.IMPORT,
    JobKind.IMPORT_ROSTER_ESOBES: Permission.IMPORT,
    JobKind.IMPORT_ROSTER_PORTAL: Permission.IMPORT,
    JobKind.IMPORT_DELIVERIES: Permission.IMPORT,
    JobKind.IMPORT_FINDINGS: Permission.IMPORT,
    JobKind.ASSESSMENT: Permission.READ_ASSESSMENTS,
}


class JobNotFound(Explained, LookupError):
    """No job has this id (or the actor may not see it)."""


def _counted(record: JobRecord, live: tuple[int, int] | None) -> JobRecord:
    """The stored job with, while it runs, its progress as the running process counts it."""
    if live is None or record.status not in UNFINISHED:
        return record
    return dataclasses.replace(record, done=live[0], total=live[1])


@dataclass
class _Outcome:
    status: str
    message: str | None = None
    result: Mapping[str, Any] | None = None


class JobRunner:
    """Runs jobs, at most `workers` at a time, each in a child process stopped at `time_limit` seconds or
    when cancelled; `get` and `list` read jobs from the database. Each job's work is handed `catalogue`; a
    runner made without one only lists and cancels jobs."""

    def __init__(
        self,
        db: Database,
        *,
        catalogue: Catalogue | None = None,
        workers: int = 2,
        time_limit: float = DEFAULT_TIME_LIMIT,
        progress_interval: float = 0.5,
        poll_interval: float = 0.1,
        status_interval: float = 1.0,
    ) -> None:
        self._db = db
        self._catalogue = catalogue
        self._url = database_url(db)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tekseru-job")
        self._live: dict[uuid.UUID, tuple[int, int]] = {}
        self._futures: dict[uuid.UUID, Future[None]] = {}
        self._stop: set[uuid.UUID] = set()
        self._closing = False
        self._lock = threading.Lock()
        self._time_limit = time_limit
        self._interval = progress_interval
        self._poll = poll_interval
        self._status_interval = status_interval
        # On SQLite the job's process holds the write lock for its whole import: progress waits for the end.
        self._write_progress = db.dialect != "sqlite"

    @property
    def time_limit(self) -> float:
        return self._time_limit

    @property
    def database(self) -> Database:
        return self._db

    def submit(self, actor: Actor, kind: JobKind, params: Mapping[str, Any], work: Work) -> JobRecord:
        if self._catalogue is None:
            raise ValueError("this job runner was made without a catalogue: it lists and cancels jobs only")
        with self._db.transaction() as session:
            record = add_job(
                session, kind=kind.value, params=params, created_by=actor.username, now=datetime.now(UTC)
            )
        with self._lock:
            self._live[record.id] = (0, 0)
            self._futures[record.id] = self._pool.submit(self._run, record.id, work)
        return record

    def _run(self, job_id: uuid.UUID, work: Work) -> None:
        try:
            with self._lock:
                if job_id in self._stop:  # cancelled while queued: the cancel records it
                    return
            if self._write(lambda s: start_job(s, job_id, datetime.now(UTC)), job_id):
                try:
                    outcome = self._watch(job_id, work)
                except Exception as error:  # no process could be started (no memory, say)
                    log.exception("job %s could not be run", job_id)
                    outcome = _Outcome(FAILED, f"the job could not be started: {error}")
                self._record(job_id, outcome)
        except Exception:  # the database is gone: the restart marks the job interrupted
            log.exception("job %s could not be recorded", job_id)
        finally:
            with self._lock:
                self._live.pop(job_id, None)
                self._stop.discard(job_id)

    def _watch(self, job_id: uuid.UUID, work: Work) -> _Outcome:
        """Run the work in a child process until it reports its outcome, dies, is cancelled or times out."""
        context = process_context(WORK_MODULES)
        messages, child_messages = context.Pipe(duplex=False)
        child_lifeline, lifeline = context.Pipe(duplex=False)  # (reader, writer): the child reads
        process = context.Process(
            target=child,
            args=(self._url, job_id, work, self._catalogue, child_messages, child_lifeline),
            name=f"tekseru-job-{job_id}",
        )
        process.start()
        child_messages.close()
        child_lifeline.close()
        deadline = time.monotonic() + self._time_limit
        next_look = time.monotonic() + self._status_interval
        last_progress = 0.0
        try:
            while True:
                if messages.poll(self._poll):
                    try:
                        message = messages.recv()
                    except EOFError:  # the child died without an outcome
                        break
                    if message[0] == "end":
                        return _Outcome(*message[1:])
                    last_progress = self._progress(job_id, message[1], message[2], last_progress)
                elif not process.is_alive() and not messages.poll(0):
                    break
                now = time.monotonic()  # looked at after every message too: progress cannot starve a stop
                stop = self._stop_requested(job_id, now >= next_look)
                if now >= next_look:
                    next_look = now + self._status_interval
                if stop or now >= deadline:
                    return self._stop_process(process, messages, timed_out=not stop)
        finally:
            process.join(STOP_GRACE)
            if process.is_alive():
                process.kill()
                process.join()
            messages.close()
            lifeline.close()
        code = process.exitcode
        log.error("job %s: its process ended with exit code %s before reporting", job_id, code)
        return _Outcome(FAILED, f"the job's process ended unexpectedly (exit code {code})")

    def _stop_requested(self, job_id: uuid.UUID, look_in_database: bool) -> bool:
        with self._lock:
            if job_id in self._stop:
                return True
        if not look_in_database:
            return False
        with self._db.reading() as session:  # a cancel from another process (the CLI, another worker)
            return job_status(session, job_id) == CANCELLING

    def _stop_process(self, process: Any, messages: Connection, *, timed_out: bool) -> _Outcome:
        process.terminate()  # SIGTERM: the child rolls back its transaction and exits
        process.join(STOP_GRACE)
        if process.is_alive():
            process.kill()
            process.join()
        while messages.poll(0):  # the job may have ended just before it was stopped: then that counts
            try:
                message = messages.recv()
            except EOFError:
                break
            if message[0] == "end":
                return _Outcome(*message[1:])
        if self._closing:
            return _Outcome(INTERRUPTED, INTERRUPTED_MESSAGE)
        if timed_out:
            limit = round(self._time_limit)
            return _Outcome(TIMED_OUT, f"stopped after its time limit of {limit} s", {"time_limit": limit})
        return _Outcome(CANCELLED)

    def _progress(self, job_id: uuid.UUID, done: int, total: int, last: float) -> float:
        with self._lock:
            self._live[job_id] = (done, total)
        if not self._write_progress or time.monotonic() - last < self._interval:
            return last
        with self._db.transaction() as session:
            record_progress(session, job_id, done, total)
        return time.monotonic()

    def _record(self, job_id: uuid.UUID, outcome: _Outcome) -> None:
        with self._lock:
            progress = self._live.get(job_id)
        self._write(
            lambda session: finish_job(
                session,
                job_id,
                now=datetime.now(UTC),
                status=outcome.status,
                message=outcome.message,
                result=outcome.result,
                progress=progress,
            ),
            None,
        )

    def _write(self, change: Callable[[Any], bool], stop_for: uuid.UUID | None) -> bool:
        """Run a change of the job's row, waiting while another job holds SQLite's write lock (unless the
        job `stop_for` is cancelled meanwhile: then False)."""
        while True:
            try:
                with self._db.transaction() as session:
                    return change(session)
            except DatabaseBusy:
                with self._lock:
                    if stop_for is not None and stop_for in self._stop:
                        return False

    def stop(self, job_id: uuid.UUID) -> bool:
        """Stop the job if this runner runs it (or has it queued); whether it does."""
        with self._lock:
            future = self._futures.get(job_id)
            if future is None or future.done():
                return False
            self._stop.add(job_id)
        return True

    def get(self, actor: Actor, job_id: uuid.UUID, kinds: tuple[JobKind, ...] = tuple(JobKind)) -> JobRecord:
        """The job, if it is of one of `kinds` and the actor may follow it; else JobNotFound."""
        with self._db.reading() as session:
            record = get_job(session, job_id)
        if record is None or record.kind not in kinds or not _may_see(actor, record):
            raise JobNotFound(f"no job {job_id}").saying("refusal.job.not_found", job=str(job_id))
        with self._lock:
            return _counted(record, self._live.get(job_id))

    def list(
        self, actor: Actor, kinds: tuple[JobKind, ...] = tuple(JobKind), *, limit: int = 10
    ) -> list[JobRecord]:
        """The newest jobs of these kinds the actor may follow."""
        seen = [kind for kind in kinds if actor.can(READ_PERMISSION[kind])]
        with self._db.reading() as session:
            records = list_jobs(session, kinds=[kind.value for kind in seen], limit=limit)
        with self._lock:
            return [_counted(record, self._live.get(record.id)) for record in records]

    def wait(self, job_id: uuid.UUID, timeout: float | None = None) -> None:
        """Block until the job (started by this runner) has ended; for tests and the command line."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def wait_ended(self, job_id: uuid.UUID, timeout: float) -> str | None:
        """The job's status once it has ended, or its status at `timeout` seconds (whoever runs it)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._db.reading() as session:
                status = job_status(session, job_id)
            if status not in UNFINISHED or time.monotonic() >= deadline:
                return status
            time.sleep(0.05)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking jobs; with `wait`, let the running ones end, else stop them and mark them (and the
        queued ones) interrupted, as a restart would."""
        if not wait:
            with self._lock:
                self._closing = True
                self._stop.update(job for job, future in self._futures.items() if not future.done())
        self._pool.shutdown(wait=True, cancel_futures=not wait)
        with self._lock:
            dropped = [job for job, future in self._futures.items() if future.cancelled()]
        for job_id in dropped:
            self._record(job_id, _Outcome(INTERRUPTED, INTERRUPTED_MESSAGE))


def _may_see(actor: Actor, record: JobRecord) -> bool:
    return record.created_by == actor.username or actor.can(READ_PERMISSION[JobKind(record.kind)])
