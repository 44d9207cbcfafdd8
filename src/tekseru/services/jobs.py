"""Background jobs: imports and assessments run in a thread pool while pages and the API answer at once.

A job is a row of the `jobs` table (kind, status, progress done/total, message, result, who started it),
so its status survives a page reload and any worker process can show it. While a job runs, its progress is
also kept in this process's memory: SQLite lets one transaction write at a time, and an import writes in
one long transaction, so on SQLite the progress reaches the database only with the result; on PostgreSQL
it is written at most every `progress_interval` seconds.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from tekseru.intake import ImportFileError, ImportReport, RowError
from tekseru.services import audit
from tekseru.services.permissions import Actor, Permission, PermissionDenied
from tekseru.services.registry import edition_in_force, import_evidence, import_subjects
from tekseru.store import Database
from tekseru.store import jobs as store
from tekseru.store.jobs import JobRecord

log = logging.getLogger("tekseru.jobs")

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ERRORS_KEPT = 1000
INTERRUPTED = "interrupted: the server stopped before the job finished"
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


class JobRunner:
    """Runs jobs in a pool of `workers` threads of this process (one on SQLite); `get` and `list` read them
    from the database."""

    def __init__(self, db: Database, *, workers: int = 2, progress_interval: float = 0.5) -> None:
        self._db = db
        self._work_db = store.writer_database(db)  # on SQLite: transactions that take the write lock at once
        # SQLite writes one transaction at a time: there, jobs run one after another.
        workers = 1 if db.dialect == "sqlite" else workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tekseru-job")
        self._live: dict[uuid.UUID, tuple[int, int]] = {}
        self._futures: dict[uuid.UUID, Future[None]] = {}
        self._lock = threading.Lock()
        self._interval = progress_interval
        self._write_progress = db.dialect != "sqlite"

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
        with self._db.transaction() as session:
            store.start_job(session, job_id, datetime.now(UTC))
        failed, message, result = False, None, None
        try:
            result = work(JobContext(job_id, self._work_db, self._progress(job_id)))
        except JobFailed as error:
            failed, message, result = True, str(error), error.result
        except Exception as error:
            log.exception("job %s failed", job_id)
            failed, message = True, f"{type(error).__name__}: {error}"
        with self._lock:
            progress = self._live.get(job_id)
        with self._db.transaction() as session:
            store.finish_job(
                session,
                job_id,
                now=datetime.now(UTC),
                failed=failed,
                message=message,
                result=result,
                progress=progress,
            )
        with self._lock:
            self._live.pop(job_id, None)

    def _progress(self, job_id: uuid.UUID) -> Progress:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            with self._lock:
                self._live[job_id] = (done, total)
            if self._write_progress and time.monotonic() - last[0] >= self._interval:
                last[0] = time.monotonic()
                with self._db.transaction() as session:
                    store.record_progress(session, job_id, done, total)

        return progress

    def get(self, actor: Actor, job_id: uuid.UUID, kinds: tuple[JobKind, ...] = tuple(JobKind)) -> JobView:
        """The job, if it is of one of `kinds` and the actor may follow it; else JobNotFound."""
        with self._db.reading() as session:
            record = store.get_job(session, job_id)
        if record is None or record.kind not in kinds or not _may_see(actor, record):
            raise JobNotFound(f"no job {job_id}")
        with self._lock:
            return JobView.of(record, self._live.get(job_id))

    def list(self, actor: Actor, kinds: tuple[JobKind, ...], *, limit: int = 10) -> list[JobView]:
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

    def shutdown(self, *, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
        if self._work_db is not self._db:
            self._work_db.close()


def _may_see(actor: Actor, record: JobRecord) -> bool:
    return record.created_by == actor.username or actor.can(READ_PERMISSION[JobKind(record.kind)])


def fail_interrupted(db: Database) -> int:
    """Mark jobs left queued or running by a stopped server as failed; for a single-process start only."""
    with db.transaction() as session:
        return store.fail_unfinished(session, now=datetime.now(UTC), message=INTERRUPTED)


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
        "messages": error.texts(),
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
    do_import = import_subjects if kind is JobKind.IMPORT_SUBJECTS else import_evidence

    def work(job: JobContext) -> dict[str, Any]:
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

    return runner.submit(actor, kind, {"file": path.name, "skip_invalid": skip_invalid}, work)


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

    def work(job: JobContext) -> dict[str, Any]:
        assessments: Any = importlib.import_module("tekseru.services.assessments")
        summary = assessments.run_assessment(job.db, as_of=as_of, progress=job.progress)
        result = _summary(summary)
        with job.db.transaction() as session:
            audit.record(session, actor, "assessment.run", "assessment", result.get("run_id"), after=result)
        return result

    params = {"as_of": None if as_of is None else as_of.isoformat()}
    return runner.submit(actor, JobKind.ASSESSMENT, params, work)


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
