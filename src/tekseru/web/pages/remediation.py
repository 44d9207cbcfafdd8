"""`/remediation`: the remediation reports waiting for review (an inspector's region only), one report with
its files, and accepting or rejecting it with a reason; a subject's account reads its own reports here too.
Every page asks `tekseru.services.portal`."""

from __future__ import annotations

from fastapi import Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database, get_settings, request_today
from tekseru.http.language import request_language, said
from tekseru.http.refusals import service_errors
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services import portal
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor, Permission
from tekseru.settings import Settings
from tekseru.web.navigation import Section
from tekseru.web.pages.portal import PORTAL_ERRORS
from tekseru.web.templating import render

router = PathRouter(include_in_schema=False, dependencies=[Depends(service_errors(PORTAL_ERRORS, page=True))])
section = Section(
    key="remediation",
    route_name="remediation_index",
    prefix="/remediation",
    permission=Permission.REVIEW_REMEDIATION,
)

Db = Depends(get_database)
Signed = Depends(page_actor)
Config = Depends(get_settings)
Held = Depends(get_catalogue)


@router.get("/remediation", response_class=HTMLResponse, name="remediation_index")
def reports(request: Request, actor: Actor = Signed, db: Database = Db) -> Response:
    context = {"reports": portal.reports_to_review(db, actor), "title_key": "portal.review.title"}
    return render(request, "portal/reports.html", context)


def _report_page(
    request: Request,
    actor: Actor,
    db: Database,
    catalogue: Catalogue,
    report_id: int,
    *,
    error: str | None = None,
    typed_reason: str = "",
) -> Response:
    view = portal.remediation_report(db, actor, report_id)
    language = request_language(request)
    context = {
        "view": view,
        "requirement": portal.requirement_of(catalogue, view.inspection, view.report.item, language),
        "may_review": actor.can(Permission.REVIEW_REMEDIATION),
        "error": error,
        "typed_reason": typed_reason,
        "done": request.query_params.get("done", ""),
        "title_key": "portal.report.title",
        "title_params": {"id": report_id},
    }
    return render(request, "portal/report.html", context, status_code=422 if error else 200)


@router.get("/remediation/{report_id}", response_class=HTMLResponse, name="remediation_report")
def report_page(
    request: Request, report_id: int, actor: Actor = Signed, db: Database = Db, catalogue: Catalogue = Held
) -> Response:
    return _report_page(request, actor, db, catalogue, report_id)


@router.post("/remediation/{report_id}", name="remediation_review")
def review(
    request: Request,
    report_id: int,
    decision: str = Form(""),
    reason: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    try:
        if decision not in ("accept", "reject"):
            raise portal.PortalError("choose accept or reject").saying("portal.error.decision")
        portal.review_remediation(
            db, actor, report_id, accept=decision == "accept", reason=reason, today=request_today(request)
        )
    except portal.PortalError as problem:
        # what the reviewer typed is shown again, whether the decision can still be made or not
        return _report_page(
            request, actor, db, catalogue, report_id, error=said(request, problem), typed_reason=reason
        )
    target = request.app.url_path_for("remediation_report", report_id=str(report_id))
    return RedirectResponse(f"{target}?done={decision}", status_code=303)


@router.get("/remediation/{report_id}/files/{file_id}", name="remediation_file")
def report_file(
    report_id: int, file_id: int, actor: Actor = Signed, db: Database = Db, settings: Settings = Config
) -> FileResponse:
    found, path = portal.remediation_file(db, actor, report_id, file_id, settings)
    return FileResponse(path, media_type=found.media_type, filename=found.file_name)
