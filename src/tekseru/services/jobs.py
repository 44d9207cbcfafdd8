"""Background jobs: imports and assessments, each run in a process of its own while pages and the API answer
at once.

A job is a row of the `jobs` table (kind, status, progress done/total, message, result, who started it),
so its status survives a page reload and any worker process can show it. `JobRunner` runs at most
`workers` jobs at a time; each in a child process (started by multiprocessing's forkserver, so that it
inherits no thread or connection of the server), which a thread of the server watches. A process, unlike a
thread, can be stopped at any moment: the watching thread stops it when an administrator cancels the job or
when the job runs past its time limit, and the job's open transaction is rolled back with it, so a stopped
job leaves the database as it was (an import writes in one transaction). The child sends its progress and
its outcome through a pipe and the watching thread records them; on SQLite the progress reaches the
database only with the outcome (the job's own transaction holds the write lock), on PostgreSQL at most
every `progress_interval` seconds. The child ends itself when the server dies (its lifeline pipe closes),
and `interrupt_stale` marks the jobs a dead server left unfinished as interrupted when the server starts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import os
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO

from tekseru.intake import ImportFileError, ImportReport, RowError
from tekseru.services import audit
from tekseru.services.assessments import run_assessment
from tekseru.services.permissions import Actor, Permission, PermissionDenied
from tekseru.services.registry import edition_in_force, import_evidence, import_subjects
from tekseru.store import Database, DatabaseBusy
from tekseru.store import jobs as store
from tekseru.store.jobs import JobRecord

log = logging.getLogger("tekseru.jobs")

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ERRORS_KEPT = 1000
DEFAULT_TIME_LIMIT = 1800.0  # seconds; the setting job_time_limit_seconds
INTERRUPTED = "interrupted: the server stopped before the job finished; nothing of it was kept"
STOP_GRACE = 5.0  # seconds a stopped job's process gets to roll back before it is killed
_UNSAFE = re.compile(r"[^\w.\- ]+")


class JobKind(StrEnum):
    IMPORT_SUBJECTS = "import_subjects"
    IMPORT_EVIDENCE = "import_evidence"
    ASSESSMENT = "assessment"


IMPORT_KINDS = (JobKind.IMPORT_SUBJECTS, JobKind.IMPORT_EVIDENCE)
# Who may follow a job of each kind (besides the person who started it).
READ_PERMISSION: Mapping[JobKind, Permission] = {
    JobKind.IMPORT_SUBJECTS: Permission.IMPORT,
    JobKind.IMPORT_EVIDENCE: Permission.IMPORT,
    JobKind.ASSESSMENT: Permission.READ_ASSESSMENTS,
}


class JobNotFound(LookupError):
    """No job has this id (or the actor may not see it)."""


class JobNotCancellable(ValueError):
    """The job has ended already (finished, failed, cancelled, timed out or interrupted)."""


class UploadTooLarge(ValueError):
    """The uploaded file is larger than MAX_UPLOAD_BYTES."""


class JobFailed(Exception):
    """Raised by a job's work to end it as failed with a message and a result (an import's errors)."""

    def __init__(self, message: str, result: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobContext:
    """What a job's work gets: its id, the database to work on and the progress callback."""

    job_id: uuid.UUID
    db: Database
    progress: Progress


# A job's work runs in another process: it must pickle (a module-level function, or a partial of one).
Work = Callable[[JobContext], Mapping[str, Any]]


@dataclass(frozen=True)
class JobView:
    id: uuid.UUID
    kind: JobKind
    status: str
    done: int
    total: int
    message: str | None
    params: Mapping[str, Any]
    result: Mapping[str, Any] | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, record: JobRecord, live: tuple[int, int] | None = None) -> JobView:
        values = {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}
        if live is not None and record.status in store.UNFINISHED:
            values["done"], values["total"] = live
        return cls(**{**values, "kind": JobKind(record.kind)})

    @property
    def finished(self) -> bool:
        return self.status not in store.UNFINISHED

    @property
    def percent(self) -> int | None:
        return None if self.total <= 0 else min(100, round(100 * self.done / self.total))


@dataclass
class _Outcome:
    status: str
    message: str | None = None
    result: Mapping[str, Any] | None = None


class JobRunner:
    """Runs jobs, at most `workers` at a time, each in a child process stopped at `time_limit` seconds or
    when cancelled; `get` and `list` read jobs from the database."""

    def __init__(
        self,
        db: Database,
        *,
        workers: int = 2,
        time_limit: float = DEFAULT_TIME_LIMIT,
        progress_interval: float = 0.5,
        poll_interval: float = 0.1,
        status_interval: float = 1.0,
    ) -> None:
        self._db = db
        self._url = store.database_url(db)
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

    def submit(self, actor: Actor, kind: JobKind, params: Mapping[str, Any], work: Work) -> JobView:
        with self._db.transaction() as session:
            record = store.add_job(
                session, kind=kind.value, params=params, created_by=actor.username, now=datetime.now(UTC)
            )
        with self._lock:
            self._live[record.id] = (0, 0)
            self._futures[record.id] = self._pool.submit(self._run, record.id, work)
        return JobView.of(record)

    def _run(self, job_id: uuid.UUID, work: Work) -> None:
        try:
            with self._lock:
                if job_id in self._stop:  # cancelled while queued: the cancel records it
                    return
            if self._write(lambda s: store.start_job(s, job_id, datetime.now(UTC)), job_id):
                self._record(job_id, self._watch(job_id, work))
        except Exception:  # a thread of the pool has no one to tell: log it, leave the job to the restart
            log.exception("job %s could not be run", job_id)
        finally:
            with self._lock:
                self._live.pop(job_id, None)
                self._stop.discard(job_id)

    def _watch(self, job_id: uuid.UUID, work: Work) -> _Outcome:
        """Run the work in a child process until it reports its outcome, dies, is cancelled or times out."""
        context = _context()
        messages, child_messages = context.Pipe(duplex=False)
        child_lifeline, lifeline = context.Pipe(duplex=False)  # (reader, writer): the child reads
        process = context.Process(
            target=_child,
            args=(self._url, job_id, work, child_messages, child_lifeline),
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
                    if message[0] == "progress":
                        last_progress = self._progress(job_id, message[1], message[2], last_progress)
                        continue
                    return _Outcome(*message[1:])
                if not process.is_alive() and not messages.poll(0):
                    break
                now = time.monotonic()
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
        return _Outcome(store.FAILED, f"the job's process ended unexpectedly (exit code {code})")

    def _stop_requested(self, job_id: uuid.UUID, look_in_database: bool) -> bool:
        with self._lock:
            if job_id in self._stop:
                return True
        if not look_in_database:
            return False
        with self._db.reading() as session:  # a cancel from another process (the CLI, another worker)
            return store.job_status(session, job_id) == store.CANCELLING

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
            return _Outcome(store.INTERRUPTED, INTERRUPTED)
        if timed_out:
            limit = round(self._time_limit)
            return _Outcome(
                store.TIMED_OUT, f"stopped after its time limit of {limit} s", {"time_limit": limit}
            )
        return _Outcome(store.CANCELLED)

    def _progress(self, job_id: uuid.UUID, done: int, total: int, last: float) -> float:
        with self._lock:
            self._live[job_id] = (done, total)
        if not self._write_progress or time.monotonic() - last < self._interval:
            return last
        with self._db.transaction() as session:
            store.record_progress(session, job_id, done, total)
        return time.monotonic()

    def _record(self, job_id: uuid.UUID, outcome: _Outcome) -> None:
        with self._lock:
            progress = self._live.get(job_id)
        self._write(
            lambda session: store.finish_job(
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

    def get(self, actor: Actor, job_id: uuid.UUID, kinds: tuple[JobKind, ...] = tuple(JobKind)) -> JobView:
        """The job, if it is of one of `kinds` and the actor may follow it; else JobNotFound."""
        with self._db.reading() as session:
            record = store.get_job(session, job_id)
        if record is None or record.kind not in kinds or not _may_see(actor, record):
            raise JobNotFound(f"no job {job_id}")
        with self._lock:
            return JobView.of(record, self._live.get(job_id))

    def list(
        self, actor: Actor, kinds: tuple[JobKind, ...] = tuple(JobKind), *, limit: int = 10
    ) -> list[JobView]:
        """The newest jobs of these kinds the actor may follow."""
        seen = [kind for kind in kinds if actor.can(READ_PERMISSION[kind])]
        with self._db.reading() as session:
            records = store.list_jobs(session, kinds=[kind.value for kind in seen], limit=limit)
        with self._lock:
            return [JobView.of(record, self._live.get(record.id)) for record in records]

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
                status = store.job_status(session, job_id)
            if status not in store.UNFINISHED or time.monotonic() >= deadline:
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
            self._record(job_id, _Outcome(store.INTERRUPTED, INTERRUPTED))


def _may_see(actor: Actor, record: JobRecord) -> bool:
    return record.created_by == actor.username or actor.can(READ_PERMISSION[JobKind(record.kind)])


def interrupt_stale(db: Database) -> int:
    """Mark the jobs a stopped server left queued or running as interrupted (they can be started again);
    for the start of the server, before any worker runs a job."""
    with db.transaction() as session:
        return store.interrupt_unfinished(session, now=datetime.now(UTC), message=INTERRUPTED)


def cancel(runner: JobRunner, actor: Actor, job_id: uuid.UUID, *, wait: float = 15.0) -> JobView:
    """Cancel a queued or running job (administrators only), audited; the job once it has ended, or after
    `wait` seconds "cancelling" when another process runs it and has not stopped it yet. A running job is
    stopped with its transaction, so nothing it did is kept. JobNotCancellable when it has ended."""
    actor.require(Permission.CANCEL_JOBS)
    job = runner.get(actor, job_id)
    if job.finished:
        raise JobNotCancellable(f"job {job_id} has ended already ({job.status})")
    # Stop it first: on SQLite the job may hold the write lock that the cancel's transaction needs.
    stopped_here = runner.stop(job_id)
    with runner.database.transaction() as session:
        message = f"cancelled by {actor.username}"
        status = store.request_cancel(session, job_id, now=datetime.now(UTC), message=message)
        # Cancelled: just now when it was queued, or by this runner that stopped it before this transaction.
        cancelled = status == store.CANCELLED and (job.status == store.QUEUED or stopped_here)
        if status != store.CANCELLING and not cancelled:
            raise JobNotCancellable(f"job {job_id} has ended already ({status})")
        before = {"status": job.status, "kind": job.kind.value}
        audit.record(session, actor, "job.cancel", "job", job_id, before=before, after={"status": status})
    runner.wait_ended(job_id, wait)
    return runner.get(actor, job_id)


def _context() -> Any:
    """Forkserver: a job's process starts as a fork of a clean process that has imported the work's modules
    once, so it starts fast and inherits none of the server's threads, sockets or connections."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _child(url: str, job_id: uuid.UUID, work: Work, messages: Connection, lifeline: Connection) -> None:
    """The job's process: run the work on its own connection and send its progress and outcome."""
    signal.signal(signal.SIGTERM, _stopped)
    threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True).start()
    db = store.job_database(url)
    try:
        result = work(JobContext(job_id, db, lambda done, total: messages.send(("progress", done, total))))
        outcome: tuple[str, str | None, Mapping[str, Any] | None] = (store.FINISHED, None, result)
    except JobFailed as error:
        outcome = (store.FAILED, str(error), error.result)
    except Exception as error:
        log.exception("job %s failed", job_id)
        outcome = (store.FAILED, f"{type(error).__name__}: {error}", None)
    finally:
        db.close()
    messages.send(("end", *outcome))


def _stopped(signum: int, frame: Any) -> None:
    # SystemExit unwinds the work: open transactions roll back, an assessment run is marked failed.
    raise SystemExit(128 + signum)


def _exit_with_parent(lifeline: Connection) -> None:
    """End this process when the server's end of the lifeline closes (the server died): nothing committed."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    os._exit(3)


# Imports


def _report(report: ImportReport) -> dict[str, Any]:
    return {
        "file": report.file,
        "rows_read": report.rows_read,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "rejected_file": None if report.rejected_path is None else str(report.rejected_path),
        "errors": [_error(error) for error in report.errors[:ERRORS_KEPT]],
        "error_count": len(report.errors),
    }


def _error(error: RowError) -> dict[str, Any]:
    return {
        "file": error.file,
        "row": error.row,
        "field": error.field,
        "kind": error.kind.value,
        "message": error.message,
    }


def save_upload(content: BinaryIO, file_name: str, folder: Path) -> Path:
    """Copy an uploaded file into a new folder under `folder`, keeping a safe form of its name."""
    name = _UNSAFE.sub("_", Path(file_name).name).strip(" .") or "upload.csv"
    target = folder / uuid.uuid4().hex / name
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with target.open("wb") as out:
        while chunk := content.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise UploadTooLarge(f"{file_name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
            out.write(chunk)
    return target


def start_import(
    runner: JobRunner,
    db: Database,
    actor: Actor,
    *,
    kind: JobKind,
    path: Path,
    skip_invalid: bool = False,
    today: date | None = None,
) -> JobView:
    """Import the subjects or evidence file at `path` (see `save_upload`) in the background."""
    actor.require(Permission.IMPORT)
    if kind not in IMPORT_KINDS:
        raise ValueError(f"{kind} is not an import")
    day = today or datetime.now(UTC).date()
    work = partial(_import, kind=kind, path=path, skip_invalid=skip_invalid, day=day, actor=actor)
    return runner.submit(actor, kind, {"file": path.name, "skip_invalid": skip_invalid}, work)


def _import(
    job: JobContext, *, kind: JobKind, path: Path, skip_invalid: bool, day: date, actor: Actor
) -> dict[str, Any]:
    do_import = import_subjects if kind is JobKind.IMPORT_SUBJECTS else import_evidence
    try:
        report = do_import(
            job.db,
            path,
            edition_in_force(day),
            skip_invalid=skip_invalid,
            entered_by=actor.username,
            today=day,
            progress=job.progress,
        )
    except ImportFileError as error:
        errors = [_error(e) for e in error.errors[:ERRORS_KEPT]]
        raise JobFailed(str(error), {"errors": errors, "error_count": error.error_count}) from None
    result = _report(report)
    summary = {key: value for key, value in result.items() if key not in ("errors", "rejected_file")}
    action = f"import.{kind.value.removeprefix('import_')}"
    with job.db.transaction() as session:
        audit.record(session, actor, action, "job", job.job_id, after=summary)
    return result


def rejected_rows(runner: JobRunner, actor: Actor, job_id: uuid.UUID) -> Path:
    """The file of the rows an import skipped (with skip-invalid)."""
    job = runner.get(actor, job_id)
    if job.kind not in IMPORT_KINDS or not actor.can(Permission.IMPORT):
        raise PermissionDenied(f"{actor.username} may not download the rows of job {job_id}")
    name = (job.result or {}).get("rejected_file")
    if not name or not Path(name).is_file():
        raise JobNotFound(f"job {job_id} has no file of rejected rows")
    return Path(name)


# Assessments


def start_assessment(runner: JobRunner, db: Database, actor: Actor, *, as_of: date | None = None) -> JobView:
    """Run the risk assessment (`tekseru.services.assessments.run_assessment`) in the background."""
    actor.require(Permission.RUN_ASSESSMENT)
    params = {"as_of": None if as_of is None else as_of.isoformat()}
    return runner.submit(actor, JobKind.ASSESSMENT, params, partial(_assess, as_of=as_of, actor=actor))


def _assess(job: JobContext, *, as_of: date | None, actor: Actor) -> dict[str, Any]:
    summary = run_assessment(job.db, as_of=as_of, progress=job.progress)
    result = _summary(summary)
    with job.db.transaction() as session:
        audit.record(session, actor, "assessment.run", "assessment", result.get("run_id"), after=result)
    return result


def _summary(summary: Any) -> dict[str, Any]:
    """The assessment's summary as JSON, with its run's id under `run_id`."""
    if dataclasses.is_dataclass(summary) and not isinstance(summary, type):
        values = {field.name: getattr(summary, field.name) for field in dataclasses.fields(summary)}
    elif isinstance(summary, Mapping):
        values = dict(summary)
    else:
        values = {"run_id": summary}
    values.setdefault("run_id", values.get("id"))
    return audit.plain(values)
