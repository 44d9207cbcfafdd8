"""From the list to the visit (docs/web.md): an inspector's home page "My visits" (`/visits`), a list row's
page with "Start inspection" and a planner's reason for a row that will not be inspected
(`/plans/{id}/rows/{rank}`), assigning inspectors to an inspection (`/inspections/{id}/assign`) and an
unplanned inspection started from the subject card (`/visits/new?bin=`)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.http.dependencies import get_catalog_service, get_database, request_today
from tekseru.http.language import said
from tekseru.http.refusals import INSPECTION_ERRORS, PLAN_ERRORS, service_errors
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services import inspections
from tekseru.services.auth import Database
from tekseru.services.catalog import CatalogService
from tekseru.services.inspections import InspectionError
from tekseru.services.permissions import Actor, Permission
from tekseru.web.navigation import Section
from tekseru.web.pages import inspection_start
from tekseru.web.pages.inspection_start import StartForm, start_form
from tekseru.web.templating import render

router = PathRouter(
    include_in_schema=False,
    dependencies=[Depends(service_errors({**INSPECTION_ERRORS, **PLAN_ERRORS}, page=True))],
)
section = Section(
    key="visits", route_name="visits_mine", prefix="/visits", permission=Permission.WRITE_INSPECTIONS
)

Db = Depends(get_database)
Signed = Depends(page_actor)
Catalog = Depends(get_catalog_service)
Posted = Depends(start_form)


def _to_inspection(request: Request, name: str, inspection_id: int, done: str) -> Response:
    target = request.app.url_path_for(name, inspection_id=str(inspection_id))
    return RedirectResponse(f"{target}?done={done}", status_code=303)


# My visits ------------------------------------------------------------------------------------------------


@router.get("/visits", response_class=HTMLResponse, name="visits_mine")
def mine(request: Request, actor: Actor = Signed, db: Database = Db) -> Response:
    today = request_today(request)
    context = {"visits": inspections.my_visits(db, actor, today=today), "today": today}
    return render(request, "visits/mine.html", context)


# A list row -----------------------------------------------------------------------------------------------


def _row_page(
    request: Request,
    actor: Actor,
    db: Database,
    catalog: CatalogService,
    plan_id: int,
    rank: int,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    progress = inspections.plan_progress(db, actor, plan_id)
    row = progress.row(rank)
    if row is None:
        refused = InspectionError(f"list {plan_id} has no row {rank}")
        raise refused.saying("refusal.workflow.no_row", plan=plan_id, rank=rank)
    stored = progress.plan
    edition = catalog.edition(stored.record.edition_id)
    groups = [edition.groups[key] for key in row.row.groups if key in edition.groups]
    header = inspections.default_header(actor, request_today(request))
    context: dict[str, Any] = {
        "stored": stored,
        "progress": row,
        "edition": edition,
        "appendices": sorted({group.checklist_appendix for group in groups}),
        "can_start": stored.frozen
        and row.visit is None
        and actor.can(Permission.WRITE_INSPECTIONS, row.row.region),
        "can_reason": stored.frozen and row.state != "done" and actor.can(Permission.WRITE_PLANS),
        "form": form
        or {
            "act_number": "",
            "act_date": header.act_date.isoformat(),
            "inspectors": "\n".join(header.inspectors),
            "appendix": "",
            "reason": row.reason.reason if row.reason else "",
        },
        "error": error,
        "done": request.query_params.get("done", ""),
        "title_params": {"id": plan_id, "rank": rank},
    }
    return render(request, "visits/row.html", context, status_code=status_code)


@router.get("/plans/{plan_id}/rows/{rank}", response_class=HTMLResponse, name="visits_row")
def row(
    request: Request,
    plan_id: int,
    rank: int,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    return _row_page(request, actor, db, catalog, plan_id, rank)


@router.post("/plans/{plan_id}/rows/{rank}/start", name="visits_start")
def start(
    request: Request,
    plan_id: int,
    rank: int,
    form: StartForm = Posted,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    try:
        header = form.header(inspections.PREVENTIVE_CONTROL)
        record = inspections.start_inspection(
            db, actor, plan_id, rank, header, appendix=form.chosen_appendix, catalogue=catalog.catalogue
        )
    except InspectionError as problem:
        typed = {name: getattr(form, name) for name in ("act_number", "act_date", "inspectors", "appendix")}
        return _row_page(
            request,
            actor,
            db,
            catalog,
            plan_id,
            rank,
            form=typed | {"reason": ""},
            error=said(request, problem),
            status_code=400,
        )
    return _to_inspection(request, "inspections_inspection", record.id, "created")


@router.post("/plans/{plan_id}/rows/{rank}/reason", name="visits_reason")
def reason(
    request: Request,
    plan_id: int,
    rank: int,
    reason: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    try:
        inspections.record_row_reason(db, actor, plan_id, rank, reason)
    except InspectionError as problem:
        form = {"act_number": "", "act_date": "", "inspectors": "", "appendix": "", "reason": reason}
        error = said(request, problem)
        return _row_page(request, actor, db, catalog, plan_id, rank, form=form, error=error, status_code=400)
    target = request.app.url_path_for("visits_row", plan_id=str(plan_id), rank=str(rank))
    return RedirectResponse(f"{target}?done=reason", status_code=303)


# Assigning inspectors -------------------------------------------------------------------------------------


def _assign_page(
    request: Request, actor: Actor, db: Database, inspection_id: int, error: str | None = None
) -> Response:
    visit = inspections.inspection_visit(db, actor, inspection_id)
    context = {
        "visit": visit,
        "inspectors": inspections.assignable_inspectors(db, actor, inspection_id),
        "error": error,
        "title_params": {"number": visit.number or visit.series_id},
    }
    return render(request, "visits/assign.html", context, status_code=400 if error else 200)


@router.get("/inspections/{inspection_id}/assign", response_class=HTMLResponse, name="visits_assign_form")
def assign_form(request: Request, inspection_id: int, actor: Actor = Signed, db: Database = Db) -> Response:
    return _assign_page(request, actor, db, inspection_id)


@router.post("/inspections/{inspection_id}/assign", name="visits_assign")
async def assign(
    request: Request,
    inspection_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    names = [str(value) for value in (await request.form()).getlist("inspector")]
    try:
        inspections.assign_inspectors(db, actor, inspection_id, names, catalogue=catalog.catalogue)
    except InspectionError as problem:
        return _assign_page(request, actor, db, inspection_id, said(request, problem))
    return _to_inspection(request, "inspections_inspection", inspection_id, "assigned")


# An unplanned inspection from the subject card ------------------------------------------------------------


@router.get("/visits/new", response_class=HTMLResponse, name="visits_unplanned")
def unplanned(
    request: Request,
    bin: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    return inspection_start.start_page(request, actor, db, catalog, bin, unplanned=True)


@router.post("/visits/new", name="visits_unplanned_create")
def unplanned_create(
    request: Request,
    form: StartForm = Posted,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    return inspection_start.start(request, actor, db, catalog, form, unplanned=True)
