"""Background jobs (imports, assessments): created queued, then running with progress, then finished or
failed with a result, or cancelled, timed out or interrupted. A running job asked to stop by another process
is "cancelling" until the process that runs it has stopped it. Any process reads a job back from here, so a
page reload or another worker sees it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from tekseru.store.account_models import Job
from tekseru.store.database import Database, make_engine

QUEUED, RUNNING, CANCELLING = "queued", "running", "cancelling"
FINISHED, FAILED, CANCELLED, TIMED_OUT, INTERRUPTED = (
    "finished",
    "failed",
    "cancelled",
    "timed_out",
    "interrupted",
)
UNFINISHED = (QUEUED, RUNNING, CANCELLING)
ENDED = (FINISHED, FAILED, CANCELLED, TIMED_OUT, INTERRUPTED)

_COLUMNS = (
    Job.id,
    Job.kind,
    Job.status,
    Job.done,
    Job.total,
    Job.message,
    Job.params,
    Job.result,
    Job.created_by,
    Job.created_at,
    Job.started_at,
    Job.finished_at,
)


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: uuid.UUID
    kind: str
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

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED

    @property
    def percent(self) -> int | None:
        return None if self.total <= 0 else min(100, round(100 * self.done / self.total))


def add_job(
    session: Session, *, kind: str, params: Mapping[str, Any], created_by: str, now: datetime
) -> JobRecord:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "kind": kind,
        "status": QUEUED,
        "done": 0,
        "total": 0,
        "message": None,
        "params": dict(params),
        "result": None,
        "created_by": created_by,
        "created_at": now,
        "started_at": None,
        "finished_at": None,
    }
    session.execute(insert(Job), [values])
    return JobRecord(**values)


def start_job(session: Session, job_id: uuid.UUID, now: datetime) -> bool:
    """Mark the job running; False when it is no longer queued (cancelled meanwhile)."""
    statement = (
        update(Job).where(Job.id == job_id, Job.status == QUEUED).values(status=RUNNING, started_at=now)
    )
    return bool(session.connection().execute(statement).rowcount)


def record_progress(session: Session, job_id: uuid.UUID, done: int, total: int) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(done=done, total=total))


def finish_job(
    session: Session,
    job_id: uuid.UUID,
    *,
    now: datetime,
    status: str = FINISHED,
    message: str | None = None,
    result: Mapping[str, Any] | None = None,
    progress: tuple[int, int] | None = None,
) -> bool:
    """End the job, unless it has ended already (False then); `progress` is its last (done, total), when
    the job kept it elsewhere while running. A message of None keeps the one there (a cancel's)."""
    if status not in ENDED:
        raise ValueError(f"{status!r} does not end a job")
    values: dict[str, Any] = {
        "status": status,
        "finished_at": now,
        "result": None if result is None else dict(result),
    }
    if message is not None:
        values["message"] = message
    if progress is not None:
        values["done"], values["total"] = progress
    if status == FINISHED:
        values["done"] = values.get("total", Job.total)
    statement = update(Job).where(Job.id == job_id, Job.status.in_(UNFINISHED)).values(**values)
    return bool(session.connection().execute(statement).rowcount)


def request_cancel(session: Session, job_id: uuid.UUID, *, now: datetime, message: str) -> str | None:
    """Cancel a queued job at once, or ask the process running a running one to stop it ("cancelling");
    the job's status after that, or None when there is no such job."""
    status = session.execute(select(Job.status).where(Job.id == job_id).with_for_update()).scalar()
    if status == QUEUED:
        values: dict[str, Any] = {"status": CANCELLED, "finished_at": now, "message": message}
    elif status in (RUNNING, CANCELLING):
        values = {"status": CANCELLING, "message": message}
    else:
        return status
    session.execute(update(Job).where(Job.id == job_id).values(**values))
    return str(values["status"])


def job_status(session: Session, job_id: uuid.UUID) -> str | None:
    return session.execute(select(Job.status).where(Job.id == job_id)).scalar()


def get_job(session: Session, job_id: uuid.UUID) -> JobRecord | None:
    row = session.execute(select(*_COLUMNS).where(Job.id == job_id)).first()
    return None if row is None else JobRecord(*row)


def list_jobs(
    session: Session, *, kinds: Iterable[str], created_by: str | None = None, limit: int = 20
) -> list[JobRecord]:
    """The newest jobs of these kinds first (only those of `created_by` when given)."""
    query = select(*_COLUMNS).where(Job.kind.in_(list(kinds)))
    if created_by is not None:
        query = query.where(Job.created_by == created_by)
    query = query.order_by(Job.created_at.desc()).limit(limit)
    return [JobRecord(*row) for row in session.execute(query)]


def interrupt_unfinished(session: Session, *, now: datetime, message: str) -> int:
    """After a restart: jobs the stopped server left queued or running are interrupted (and can be started
    again), those it was stopping are cancelled; how many there were."""
    cancelled = update(Job).where(Job.status == CANCELLING).values(status=CANCELLED, finished_at=now)
    interrupted = (
        update(Job)
        .where(Job.status.in_((QUEUED, RUNNING)))
        .values(status=INTERRUPTED, finished_at=now, message=message)
    )
    connection = session.connection()
    return connection.execute(cancelled).rowcount + connection.execute(interrupted).rowcount


def job_database(url: str) -> Database:
    """The database at `url` for a job's own process: opened as the server opened it (already migrated)."""
    return Database(make_engine(url))


def database_url(db: Database) -> str:
    """The URL that `job_database` opens, password included (it goes to the job's process, not a log)."""
    return db.url.render_as_string(hide_password=False)
