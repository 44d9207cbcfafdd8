"""`/api/v1/jobs`: background jobs (imports, assessments): status, progress and result; an administrator
cancels a queued or running one."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE, ErrorOut
from tekseru.api.schemas.jobs import JobOut
from tekseru.http.dependencies import get_jobs
from tekseru.http.language import reader_language, say_error
from tekseru.http.security import api_actor
from tekseru.services.jobs import JobKind, JobNotCancellable, JobRunner, cancel
from tekseru.services.permissions import Actor

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=NOT_FOUND_RESPONSE)


@router.get(
    "",
    response_model=list[JobOut],
    summary="Recent jobs the user may follow, newest first",
    name="api_jobs_jobs",
)
def jobs(
    request: Request,
    kind: list[JobKind] = Query(list(JobKind), description="Kinds of job to list."),
    limit: int = Query(20, ge=1, le=200),
    actor: Actor = Depends(api_actor),
    runner: JobRunner = Depends(get_jobs),
) -> list[JobOut]:
    language = reader_language(request)
    return [JobOut.said(job, language) for job in runner.list(actor, tuple(kind), limit=limit)]


@router.get(
    "/{job_id}", response_model=JobOut, summary="One job: status, progress, result", name="api_jobs_job"
)
def job(
    job_id: uuid.UUID,
    request: Request,
    actor: Actor = Depends(api_actor),
    runner: JobRunner = Depends(get_jobs),
) -> JobOut:
    return JobOut.said(runner.get(actor, job_id), reader_language(request))


@router.post(
    "/{job_id}/cancel",
    response_model=JobOut,
    summary="Cancel a queued or running job (administrators)",
    description="A queued job never runs; a running one is stopped and nothing it did is kept. The answer "
    "is the job once it has ended (status `cancelled`), or `cancelling` while the process that runs it "
    "has not stopped it yet. The cancel is written to the audit log.",
    name="api_jobs_cancel",
    responses={
        **FORBIDDEN_RESPONSE,
        409: {"model": ErrorOut, "description": "The job has ended already"},
    },
)
def cancel_job(
    job_id: uuid.UUID,
    request: Request,
    actor: Actor = Depends(api_actor),
    runner: JobRunner = Depends(get_jobs),
) -> JobOut:
    try:
        return JobOut.said(cancel(runner, actor, job_id), reader_language(request))
    except JobNotCancellable as error:
        raise HTTPException(409, say_error(reader_language(request), error)) from None
