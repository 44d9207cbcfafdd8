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
from typing import TYPE_CHECKING, Any, BinaryIO

from tekseru.i18n import DEFAULT_LANGUAGE
from tekseru.message import Explained, tell
from tekseru.services import audit
from tekseru.services.job_process import JobContext, JobFailed
from tekseru.services.job_runner import (
    INTERRUPTED_MESSAGE,
    READ_PERMISSION,
    ImportKind,
    JobKind,
    JobNotFound,
    JobRunner,
)
from tekseru.services.permissions import Actor, Permission, PermissionDenied
from tekseru.store import Database
from tekseru.store.jobs import (
    CANCELLED,
    CANCELLING,
    QUEUED,
    JobRecord,
    interrupt_unfinished,
    request_cancel,
)

# The work of each kind is imported when a job runs (in its own process): listing or cancelling jobs needs
# none of the imports, the scoring and NumPy (tests/cli/test_command_imports.py).
if TYPE_CHECKING:
    from tekseru.intake import ImportReport, RowError

__all__ = [
    "IMPORT_KINDS",
    "READ_PERMISSION",
    "ImportKind",
    "JobContext",
    "JobFailed",
    "JobKind",
    "JobNotCancellable",
    "JobNotFound",
    "JobRecord",
    "JobRunner",
    "UploadTooLarge",
    "cancel",
    "interrupt_stale",
    "rejected_rows",
    "save_upload",
    "saved_upload",
    "start_assessment",
    "start_import",
]

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ERRORS_KEPT = 1000
_UNSAFE = re.compile(r"[^\w.\- ]+")
IMPORT_KINDS = tuple(JobKind(kind) for kind in ImportKind)
# The information systems' imports (issue 17): the roster's source, or None, for each of their kinds.
ROSTER_SOURCE = {
    JobKind.IMPORT_ROSTER_PROVIDER: "provider",
    JobKind.IMPORT_ROSTER_ESOBES: "esobes",
    JobKind.IMPORT_ROSTER_PORTAL: "portal",
}


class JobNotCancellable(Explained, ValueError):
    """The job has ended already (finished, failed, cancelled, timed out or interrupted)."""


class UploadTooLarge(Explained, ValueError):
    """The uploaded file is larger than MAX_UPLOAD_BYTES."""


def interrupt_stale(db: Database) -> int:
    """Mark the jobs a stopped server left queued or running as interrupted (they can be started again);
    for the start of the server, before any worker runs a job."""
    with db.transaction() as session:
        return interrupt_unfinished(session, now=datetime.now(UTC), message=INTERRUPTED_MESSAGE)


def cancel(runner: JobRunner, actor: Actor, job_id: uuid.UUID, *, wait: float = 15.0) -> JobRecord:
    """Cancel a queued or running job (administrators only), audited; the job once it has ended, or after
    `wait` seconds "cancelling" when another process runs it and has not stopped it yet. A running job is
    stopped with its transaction, so nothing it did is kept. JobNotCancellable when it has ended."""
    actor.require(Permission.CANCEL_JOBS)
    job = runner.get(actor, job_id)
    if job.finished:
        raise JobNotCancellable(f"job {job_id} has ended already ({job.status})").saying(
            "refusal.job.ended", job=str(job_id), status=tell(f"job.status.{job.status}")
        )
    # Stop it first: on SQLite the job may hold the write lock that the cancel's transaction needs.
    stopped_here = runner.stop(job_id)
    with runner.database.transaction() as session:
        note = f"cancelled by {actor.username}"
        status = request_cancel(session, job_id, now=datetime.now(UTC), message=note)
        # Cancelled: just now when it was queued, or by this runner that stopped it before this transaction.
        cancelled = status == CANCELLED and (job.status == QUEUED or stopped_here)
        if status != CANCELLING and not cancelled:
            raise JobNotCancellable(f"job {job_id} has ended already ({status})").saying(
                "refusal.job.ended", job=str(job_id), status=tell(f"job.status.{status}")
            )
        before = {"status": job.status, "kind": job.kind}
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
        "read_as": dataclasses.asdict(report.read_as),
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
                limit = MAX_UPLOAD_BYTES // (1024 * 1024)
                raise UploadTooLarge(f"{file_name} is larger than {limit} MB").saying(
                    "refusal.upload.too_large", file=file_name, megabytes=limit
                )
            out.write(chunk)
    return target


def saved_upload(folder: Path, token: str, name: str) -> Path | None:
    """The file `save_upload` kept as `token`/`name` (the page that asks for a workbook's sheet sends them
    back); None when it is not there, or when the names are not ones `save_upload` makes."""
    if not re.fullmatch(r"[0-9a-f]{32}", token) or _UNSAFE.search(name) or name.strip(" .") != name:
        return None
    path = folder / token / name
    return path if path.is_file() else None


def start_import(
    runner: JobRunner,
    db: Database,
    actor: Actor,
    *,
    kind: JobKind,
    path: Path,
    skip_invalid: bool = False,
    today: date,
    sheet: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> JobRecord:
    """Import the subjects, evidence, roster, service-delivery or accessibility-finding file at `path`
    (see `save_upload`; of its XLSX sheet `sheet`) in the background; its rejected rows are written in the
    `language` of the one who imports."""
    actor.require(Permission.IMPORT)
    if kind not in IMPORT_KINDS:
        raise ValueError(f"{kind} is not an import")
    day = today
    work = partial(
        _import,
        kind=kind,
        path=path,
        skip_invalid=skip_invalid,
        day=day,
        actor=actor,
        sheet=sheet,
        language=language,
    )
    params = {"file": path.name, "skip_invalid": skip_invalid} | ({"sheet": sheet} if sheet else {})
    return runner.submit(actor, kind, params, work)


def _import(
    job: JobContext,
    *,
    kind: JobKind,
    path: Path,
    skip_invalid: bool,
    day: date,
    actor: Actor,
    sheet: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    from tekseru.intake import ImportFileError
    from tekseru.services.registry import import_evidence, import_subjects

    try:
        if kind in (JobKind.IMPORT_SUBJECTS, JobKind.IMPORT_EVIDENCE):
            subjects = partial(import_subjects, regions=job.catalogue.regions)
            do_import = subjects if kind is JobKind.IMPORT_SUBJECTS else import_evidence
            report = do_import(
                job.db,
                path,
                job.catalogue.edition_at(day),
                skip_invalid=skip_invalid,
                entered_by=actor.username,
                today=day,
                progress=job.progress,
                actor=actor,
                job_id=job.job_id,
                sheet=sheet,
                language=language,
            )
        else:
            report = _information_system_import(job, kind, path, skip_invalid, day, actor, sheet, language)
    except ImportFileError as error:
        errors = [_error(e) for e in error.errors[:ERRORS_KEPT]]
        raise JobFailed(str(error), {"errors": errors, "error_count": error.error_count}) from None
    return _report(report)


def _information_system_import(
    job: JobContext,
    kind: JobKind,
    path: Path,
    skip_invalid: bool,
    day: date,
    actor: Actor,
    sheet: str | None,
    language: str,
) -> ImportReport:
    from tekseru.services.rosters import import_deliveries, import_findings, import_roster

    options: dict[str, Any] = {
        "language": language,
        "actor": actor,
        "today": day,
        "skip_invalid": skip_invalid,
        "progress": job.progress,
        "sheet": sheet,
        "job_id": job.job_id,
    }
    if kind in ROSTER_SOURCE:
        return import_roster(job.db, ROSTER_SOURCE[kind], path, **options)
    do_import = import_deliveries if kind is JobKind.IMPORT_DELIVERIES else import_findings
    return do_import(job.db, path, job.catalogue.edition_at(day), **options)


def rejected_rows(runner: JobRunner, actor: Actor, job_id: uuid.UUID) -> Path:
    """The file of the rows an import skipped (with skip-invalid)."""
    job = runner.get(actor, job_id)
    if job.kind not in IMPORT_KINDS or not actor.can(Permission.IMPORT):
        raise PermissionDenied(f"{actor.username} may not download the rows of job {job_id}").saying(
            "refusal.job.rows_denied", user=actor.username, job=str(job_id)
        )
    name = (job.result or {}).get("rejected_file")
    if not name or not Path(name).is_file():
        raise JobNotFound(f"job {job_id} has no file of rejected rows").saying(
            "refusal.job.no_rejected_rows", job=str(job_id)
        )
    return Path(name)


# Assessments


def start_assessment(runner: JobRunner, db: Database, actor: Actor, *, as_of: date) -> JobRecord:
    """Run the risk assessment (`tekseru.services.assessments.run_assessment`) in the background."""
    actor.require(Permission.RUN_ASSESSMENT)
    params = {"as_of": as_of.isoformat()}
    return runner.submit(actor, JobKind.ASSESSMENT, params, partial(_assess, as_of=as_of, actor=actor))


def _assess(job: JobContext, *, as_of: date, actor: Actor) -> dict[str, Any]:
    # Audited by the assessment itself, in the transaction that reads the finished run, as from the CLI.
    from tekseru.services.assessments import run_assessment

    summary = run_assessment(job.db, as_of=as_of, progress=job.progress, catalogue=job.catalogue, actor=actor)
    return _summary(summary)


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
