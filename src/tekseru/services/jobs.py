"""Background jobs: imports and assessments started from the web or the API run in a process of their own
(`tekseru.services.job_runner`), with a time limit; an administrator cancels one; a restart marks the jobs a
stopped server left as interrupted. This module holds the work of each kind and those use cases.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from tekseru.intake import ImportFileError, ImportReport, RowError
from tekseru.services import audit
from tekseru.services.assessments import run_assessment
from tekseru.services.job_process import JobContext, JobFailed
from tekseru.services.job_runner import (
    INTERRUPTED_MESSAGE,
    READ_PERMISSION,
    JobKind,
    JobNotFound,
    JobRunner,
    JobView,
)
from tekseru.services.permissions import Actor, Permission, PermissionDenied
from tekseru.services.registry import edition_in_force, import_evidence, import_subjects
from tekseru.store import Database
from tekseru.store.jobs import (
    CANCELLED,
    CANCELLING,
    QUEUED,
    interrupt_unfinished,
    request_cancel,
)

__all__ = [
    "IMPORT_KINDS",
    "READ_PERMISSION",
    "JobContext",
    "JobFailed",
    "JobKind",
    "JobNotCancellable",
    "JobNotFound",
    "JobRunner",
    "JobView",
    "UploadTooLarge",
    "cancel",
    "interrupt_stale",
    "rejected_rows",
    "save_upload",
    "start_assessment",
    "start_import",
]

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ERRORS_KEPT = 1000
_UNSAFE = re.compile(r"[^\w.\- ]+")
IMPORT_KINDS = (JobKind.IMPORT_SUBJECTS, JobKind.IMPORT_EVIDENCE)


class JobNotCancellable(ValueError):
    """The job has ended already (finished, failed, cancelled, timed out or interrupted)."""


class UploadTooLarge(ValueError):
    """The uploaded file is larger than MAX_UPLOAD_BYTES."""


def interrupt_stale(db: Database) -> int:
    """Mark the jobs a stopped server left queued or running as interrupted (they can be started again);
    for the start of the server, before any worker runs a job."""
    with db.transaction() as session:
        return interrupt_unfinished(session, now=datetime.now(UTC), message=INTERRUPTED_MESSAGE)


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
        status = request_cancel(session, job_id, now=datetime.now(UTC), message=message)
        # Cancelled: just now when it was queued, or by this runner that stopped it before this transaction.
        cancelled = status == CANCELLED and (job.status == QUEUED or stopped_here)
        if status != CANCELLING and not cancelled:
            raise JobNotCancellable(f"job {job_id} has ended already ({status})")
        before = {"status": job.status, "kind": job.kind.value}
        audit.record(session, actor, "job.cancel", "job", job_id, before=before, after={"status": status})
    runner.wait_ended(job_id, wait)
    return runner.get(actor, job_id)


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
