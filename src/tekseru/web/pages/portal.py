"""`/my`: a controlled subject's own pages (its home page, "My organisation"): its completed inspections and
their printed forms, its violations with deadlines, status and follow-up, the lists it is on, and a
remediation report per violation (reviewed on the `/remediation` pages). Every page asks
`tekseru.services.portal`, which refuses another subject's things."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database, get_settings, request_today
from tekseru.http.files import attachment, read_upload
from tekseru.http.language import request_language, said
from tekseru.http.refusals import INSPECTION_ERRORS, service_errors
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services import portal
from tekseru.services.auth import Database
from tekseru.services.inspections import InspectionError
from tekseru.services.permissions import Actor, Permission
from tekseru.settings import Settings
from tekseru.web.navigation import Section
from tekseru.web.templating import render

PORTAL_ERRORS: Mapping[type[Exception], int] = {
    portal.NotFound: 404,
    portal.PortalError: 422,
    **INSPECTION_ERRORS,
}

router = PathRouter(include_in_schema=False, dependencies=[Depends(service_errors(PORTAL_ERRORS, page=True))])
section = Section(key="my", route_name="portal_home", prefix="/my", permission=Permission.READ_OWN)

Db = Depends(get_database)
Signed = Depends(page_actor)
Config = Depends(get_settings)


@router.get("/my", response_class=HTMLResponse, name="portal_home")
def home(
    request: Request,
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    organisation = portal.my_organisation(
        db,
        actor,
        today=request_today(request),
        settings=settings,
        language=request_language(request),
        catalogue=catalogue,
    )
    context = {"org": organisation, "done": request.query_params.get("done", ""), "title_key": "portal.title"}
    return render(request, "portal/home.html", context)


@router.get("/my/inspections/{inspection_id}/document", name="portal_document")
def document(
    inspection_id: int,
    format: str = Query("pdf", pattern="^(pdf|docx)$"),
    lang: str = Query("kk", pattern="^(kk|ru)$"),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    content, name = portal.print_own_inspection(
        db, actor, inspection_id, format=format, language=lang, catalogue=catalogue
    )
    return attachment(content, name, format)


def _violation_page(
    request: Request,
    actor: Actor,
    db: Database,
    violation_id: int,
    settings: Settings,
    catalogue: Catalogue,
    *,
    error: str | None = None,
    text: str = "",
) -> Response:
    organisation = portal.my_organisation(
        db,
        actor,
        today=request_today(request),
        settings=settings,
        language=request_language(request),
        catalogue=catalogue,
    )
    found = next((v for v in organisation.violations if v.record.id == violation_id), None)
    if found is None:
        raise portal.NotFound(f"there is no violation {violation_id}").saying(
            "portal.not_found.violation", key=str(violation_id)
        )
    context = {
        "violation": found,
        "error": error,
        "text": text,
        "max_text": portal.MAX_REPORT_TEXT,
        "title_key": "portal.violation.title",
        "title_params": {"item": found.record.item},
    }
    return render(request, "portal/violation.html", context, status_code=422 if error else 200)


@router.get("/my/violations/{violation_id}", response_class=HTMLResponse, name="portal_violation")
def violation(
    request: Request,
    violation_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    return _violation_page(request, actor, db, violation_id, settings, catalogue)


@router.post("/my/violations/{violation_id}", name="portal_report")
def report(
    request: Request,
    violation_id: int,
    text: str = Form(""),
    files: list[UploadFile] = File(default_factory=list),
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    given = [(file.filename or "", read_upload(file)) for file in files if file.filename]
    try:
        portal.submit_remediation(db, actor, violation_id, text, given, settings=settings)
    except (portal.PortalError, InspectionError) as problem:
        return _violation_page(
            request, actor, db, violation_id, settings, catalogue, error=said(request, problem), text=text
        )
    target = request.app.url_path_for("portal_violation", violation_id=str(violation_id))
    return RedirectResponse(f"{target}?done=submitted", status_code=303)
