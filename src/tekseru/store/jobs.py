"""Background jobs (imports, assessments): created queued, then running with progress, then finished or
failed with a result. Any process reads a job back from here, so a page reload or another worker sees it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, event, insert, select, update
from sqlalchemy.orm import Session

from tekseru.store.account_models import Job
from tekseru.store.database import Database, _sqlite_on_connect

QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"
UNFINISHED = (QUEUED, RUNNING)

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


def start_job(session: Session, job_id: uuid.UUID, now: datetime) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(status=RUNNING, started_at=now))


def record_progress(session: Session, job_id: uuid.UUID, done: int, total: int) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(done=done, total=total))


def finish_job(
    session: Session,
    job_id: uuid.UUID,
    *,
    now: datetime,
    failed: bool = False,
    message: str | None = None,
    result: Mapping[str, Any] | None = None,
    progress: tuple[int, int] | None = None,
) -> None:
    """End the job; `progress` is its last (done, total), when the job kept it elsewhere while running."""
    values: dict[str, Any] = {
        "status": FAILED if failed else FINISHED,
        "finished_at": now,
        "message": message,
        "result": None if result is None else dict(result),
    }
    if progress is not None:
        values["done"], values["total"] = progress
    if not failed:
        values["done"] = values.get("total", Job.total)
    session.execute(update(Job).where(Job.id == job_id).values(**values))


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


def fail_unfinished(session: Session, *, now: datetime, message: str) -> int:
    """Mark every queued or running job failed (after a restart that interrupted them); how many."""
    statement = (
        update(Job).where(Job.status.in_(UNFINISHED)).values(status=FAILED, finished_at=now, message=message)
    )
    return session.connection().execute(statement).rowcount


def writer_database(db: Database) -> Database:
    """The database for a background job's work. On SQLite: a second engine on the same file whose
    transactions begin with BEGIN IMMEDIATE, taking the write lock at once. A deferred transaction that
    reads and then writes fails ("database is locked") when another connection committed in between; an
    import reads, then writes, while pages commit sessions and jobs, so a job's transactions must not be
    deferred. Other writers wait for the job's transaction (up to SQLite's busy timeout). Elsewhere: `db`."""
    if db.dialect != "sqlite":
        return db
    engine = create_engine(db.url)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _begin_immediate)
    return Database(engine)


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
