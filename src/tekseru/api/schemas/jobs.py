"""Models of /api/v1/jobs (and of the 202 answers of imports and assessments): background jobs."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from tekseru.api.schemas.common import Timestamp
from tekseru.services.jobs import JobKind, JobView


class JobOut(BaseModel):
    id: uuid.UUID
    kind: JobKind
    status: str = Field(
        description="queued, running or cancelling (being stopped) while unfinished; then finished, failed, "
        "cancelled, timed_out (stopped at the time limit; nothing kept) or interrupted (the server stopped; "
        "nothing kept, start it again)."
    )
    done: int = Field(description="Rows or subjects done so far.")
    total: int = Field(description="Rows or subjects to do (0 while unknown).")
    percent: int | None
    message: str | None = Field(description="Why the job failed, or who cancelled it (in English).")
    params: dict[str, Any]
    result: dict[str, Any] | None = Field(
        description="An import's report (counts and errors by row) or an assessment's summary (with run_id)."
    )
    created_by: str
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None

    @classmethod
    def of(cls, job: JobView) -> JobOut:
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            done=job.done,
            total=job.total,
            percent=job.percent,
            message=job.message,
            params=dict(job.params),
            result=None if job.result is None else dict(job.result),
            created_by=job.created_by,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )
