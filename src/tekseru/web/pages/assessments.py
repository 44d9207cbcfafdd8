"""`/assessments`: the runs of the risk assessment, starting one (a background job whose progress the page
follows by polling with htmx, or by reloading without JavaScript), and the results of a run."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import (
    get_catalog_service,
    get_catalogue,
    get_database,
    get_jobs,
    request_today,
)
from tekseru.http.exports import FORMAT_PATTERN, export_response
from tekseru.http.language import request_language
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.i18n import format_date
from tekseru.services.auth import Database
from tekseru.services.catalog import CatalogService
from tekseru.services.jobs import JobKind, JobRunner, start_assessment
from tekseru.services.permissions import Actor, Permission
from tekseru.services.registry_queries import (
    CLASSES,
    MAX_PAGE,
    MAX_PER_PAGE,
    PER_PAGE,
    SubjectSort,
    run_results,
    runs,
)
from tekseru.services.run_compare import compare_runs, comparison_export
from tekseru.web.navigation import Section
from tekseru.web.pages.job_page import cancel_from_page, job_page
from tekseru.web.templating import render

router = PathRouter(prefix="/assessments", include_in_schema=False)
section = Section(
    key="assessments",
    route_name="assessments_index",
    prefix="/assessments",
    permission=Permission.READ_ASSESSMENTS,
)

Db = Depends(get_database)
Held = Depends(get_catalogue)
Jobs = Depends(get_jobs)
Signed = Depends(page_actor)


def _index(
    request: Request, actor: Actor, db: Database, jobs: JobRunner, error: str | None = None
) -> Response:
    context = {
        "runs": runs(db, actor),
        "jobs": jobs.list(actor, (JobKind.ASSESSMENT,), limit=5),
        "can_run": actor.can(Permission.RUN_ASSESSMENT),
        "error": error,
        "today": request_today(request).isoformat(),
    }
    return render(request, "assessments/index.html", context, status_code=400 if error else 200)


@router.get("", response_class=HTMLResponse, name="assessments_index")
def index(request: Request, actor: Actor = Signed, db: Database = Db, jobs: JobRunner = Jobs) -> Response:
    return _index(request, actor, db, jobs)


@router.post("", name="assessments_start")
def start(
    request: Request,
    as_of: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    jobs: JobRunner = Jobs,
) -> Response:
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        return _index(request, actor, db, jobs, error="assessments.bad_date")
    job = start_assessment(jobs, db, actor, as_of=day or request_today(request))
    return RedirectResponse(
        str(request.app.url_path_for("assessments_job", job_id=str(job.id))), status_code=303
    )


PAGE = {"page": "assessments_job", "cancel_route": "assessments_cancel", "back": "assessments_index"}


@router.get("/jobs/{job_id}", response_class=HTMLResponse, name="assessments_job")
def job(request: Request, job_id: uuid.UUID, actor: Actor = Signed, jobs: JobRunner = Jobs) -> HTMLResponse:
    return job_page(request, actor, jobs, jobs.get(actor, job_id, (JobKind.ASSESSMENT,)), **PAGE)


@router.post("/jobs/{job_id}/cancel", name="assessments_cancel")
def cancel(request: Request, job_id: uuid.UUID, actor: Actor = Signed, jobs: JobRunner = Jobs) -> Response:
    return cancel_from_page(request, actor, jobs, job_id, (JobKind.ASSESSMENT,), **PAGE)


@router.get("/compare", response_class=HTMLResponse, name="assessments_compare")
def compare(
    request: Request,
    before: uuid.UUID | None = None,
    after: uuid.UUID | None = None,
    actor: Actor = Signed,
    db: Database = Db,
) -> HTMLResponse:
    """Two runs side by side: who changed class or score, and which violated criteria moved them."""
    context = {
        "runs": runs(db, actor),
        "before": before,
        "after": after,
        "changes": compare_runs(db, actor, before, after) if before and after else None,
    }
    return render(request, "assessments/compare.html", context)


@router.get("/compare.csv", name="assessments_compare_csv")
def compare_csv(
    request: Request,
    before: uuid.UUID,
    after: uuid.UUID,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    """The comparison as CSV, with codes in words of the reader's language."""
    return export_response(
        request, comparison_export(db, actor, before, after), "csv", catalogue, for_excel=True
    )


@router.get("/compare/export", name="assessments_compare_export")
def compare_export(
    request: Request,
    before: uuid.UUID,
    after: uuid.UUID,
    format: str = Query("csv", pattern=FORMAT_PATTERN),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    """The comparison as CSV or XLSX (codes in words of the reader's language) or JSON (keys)."""
    return export_response(
        request, comparison_export(db, actor, before, after), format, catalogue, for_excel=True
    )


@router.get("/{run_id}", response_class=HTMLResponse, name="assessments_run")
def results(
    request: Request,
    run_id: uuid.UUID,
    risk_class: str = "",
    region: str = "",
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
    sort: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Depends(get_catalog_service),
) -> HTMLResponse:
    chosen = risk_class if risk_class in CLASSES else None
    order = SubjectSort.from_parameter(sort)
    found = run_results(
        db, actor, run_id, risk_class=chosen, region=region or None, page=page, per_page=per_page, sort=order
    )
    size = "" if per_page == PER_PAGE else str(per_page)
    context = {
        "result": found,
        "filters": {
            "risk_class": chosen or "",
            "region": region,
            "per_page": size,
            "sort": "" if order is None else order.parameter,
        },
        "regions": catalog.catalogue.regions.reading_order(request_language(request)),
        "classes": tuple(reversed(CLASSES)),
        "title_params": {"date": format_date(found.run.as_of, request_language(request))},
        "edition": catalog.edition(found.run.edition_id),
    }
    return render(request, "assessments/run.html", context)
