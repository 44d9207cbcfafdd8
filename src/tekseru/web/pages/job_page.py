"""The page of one background job (an import's or an assessment's): its status and progress, polled with
htmx or reloaded, its report, and for an administrator a button that cancels it (a plain POST form)."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.services.jobs import JobKind, JobNotCancellable, JobRecord, JobRunner, cancel
from tekseru.services.permissions import Actor, Permission
from tekseru.web.templating import render

CANCEL_WAIT = 10.0  # seconds the cancel button's request waits for the job to stop


def job_page(
    request: Request,
    actor: Actor,
    runner: JobRunner,
    job: JobRecord,
    *,
    page: str,
    cancel_route: str,
    back: str,
    error: str | None = None,
) -> HTMLResponse:
    """The page of `job`, whose own address is the route `page`."""
    context = {
        "job": job,
        "title_key": f"job.title.{job.kind}",
        "page": page,
        "cancel_route": cancel_route,
        "can_cancel": actor.can(Permission.CANCEL_JOBS) and not job.finished,
        "time_limit": round(runner.time_limit),
        "back": back,
        "error": error,
    }
    return render(request, "jobs/job.html", context, status_code=409 if error else 200)


def cancel_from_page(
    request: Request,
    actor: Actor,
    runner: JobRunner,
    job_id: uuid.UUID,
    kinds: tuple[JobKind, ...],
    *,
    page: str,
    cancel_route: str,
    back: str,
) -> Response:
    """Cancel the job and show its page again (after a redirect); 409 with the page when it has ended."""
    runner.get(actor, job_id, kinds)  # a job of another kind is not found here
    try:
        cancel(runner, actor, job_id, wait=CANCEL_WAIT)
    except JobNotCancellable:
        job = runner.get(actor, job_id, kinds)
        return job_page(
            request,
            actor,
            runner,
            job,
            page=page,
            cancel_route=cancel_route,
            back=back,
            error="job.cancel_ended",
        )
    return RedirectResponse(str(request.app.url_path_for(page, job_id=str(job_id))), status_code=303)
