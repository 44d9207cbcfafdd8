"""`/api/v1/jobs`: background jobs (imports, assessments): status, progress and result."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query

from tekseru.api.schemas.common import NOT_FOUND_RESPONSE
from tekseru.api.schemas.jobs import JobOut
from tekseru.services.jobs import JobKind, JobRunner
from tekseru.services.permissions import Actor
from tekseru.web.dependencies import get_jobs
from tekseru.web.security import api_actor

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=NOT_FOUND_RESPONSE)


@router.get(
    "",
    response_model=list[JobOut],
    summary="Recent jobs the user may follow, newest first",
    name="api_jobs_jobs",
)
def jobs(
    kind: list[JobKind] = Query(list(JobKind), description="Kinds of job to list."),
    limit: int = Query(20, ge=1, le=200),
    actor: Actor = Depends(api_actor),
    runner: JobRunner = Depends(get_jobs),
) -> list[JobOut]:
    return [JobOut.of(job) for job in runner.list(actor, tuple(kind), limit=limit)]


@router.get(
    "/{job_id}", response_model=JobOut, summary="One job: status, progress, result", name="api_jobs_job"
)
def job(
    job_id: uuid.UUID, actor: Actor = Depends(api_actor), runner: JobRunner = Depends(get_jobs)
) -> JobOut:
    return JobOut.of(runner.get(actor, job_id))
