"""`/inspections`: the inspections (an inspector's region only), recording one for a subject, filling in its
checklist on a phone (one card per item, previous answers and open violations shown), attaching files,
completing (after a confirmation), correcting a completed one by a revision, following up its violations
and printing the form. A completed inspection is read-only."""

from __future__ import annotations

from functools import partial

from fastapi import Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import (
    get_catalog_service,
    get_catalogue,
    get_database,
    get_settings,
    request_today,
)
from tekseru.http.files import attachment, read_upload
from tekseru.http.refusals import INSPECTION_ERRORS, service_errors
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services import inspections
from tekseru.services.auth import Database
from tekseru.services.catalog import CatalogService
from tekseru.services.inspections import InspectionError
from tekseru.services.permissions import Actor, Permission
from tekseru.settings import Settings
from tekseru.web.navigation import Section
from tekseru.web.pages import inspection_start
from tekseru.web.pages import inspection_views as views
from tekseru.web.pages.inspection_start import StartForm, start_form
from tekseru.web.pages.inspection_views import form_date
from tekseru.web.templating import render

router = PathRouter(
    prefix="/inspections",
    include_in_schema=False,
    dependencies=[Depends(service_errors(INSPECTION_ERRORS, page=True))],
)
section = Section(
    key="inspections",
    route_name="inspections_index",
    prefix="/inspections",
    permission=Permission.READ_INSPECTIONS,
)

Db = Depends(get_database)
Signed = Depends(page_actor)
Config = Depends(get_settings)
Held = Depends(get_catalogue)
WRITE = Permission.WRITE_INSPECTIONS
DONE = "^(created|saved|attached|completed|revised|followed)?$"


# The label of each date field of the forms, to name it in a refusal.


# The list and a new inspection ----------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse, name="inspections_index")
def index(
    request: Request,
    status: str = Query("", pattern="^(draft|completed)?$"),
    bin: str = "",
    all: str = Query("", pattern="^(yes)?$"),
    number: str = Query("", max_length=40),
    actor: Actor = Signed,
    db: Database = Db,
) -> Response:
    try:
        found = inspections.list_inspections(
            db,
            actor,
            bin=bin.strip(),
            status=status or None,
            include_superseded=all == "yes",
            number=number,
        )
    except inspections.SubjectNotFound:
        found = []
    context = {
        "inspections": found,
        "numbers": inspections.inspection_numbers(db, actor, [record for record, _ in found]),
        "filters": {"status": status, "bin": bin.strip(), "all": all, "number": number.strip()},
        "can_write": actor.can(WRITE),
    }
    return render(request, "inspections/index.html", context)


@router.get("/new", response_class=HTMLResponse, name="inspections_new")
def new(
    request: Request,
    bin: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Depends(get_catalog_service),
) -> Response:
    return inspection_start.start_page(request, actor, db, catalog, bin, unplanned=False)


@router.post("", name="inspections_create")
def create(
    request: Request,
    form: StartForm = Depends(start_form),
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Depends(get_catalog_service),
) -> Response:
    return inspection_start.start(request, actor, db, catalog, form, unplanned=False)


# One inspection -------------------------------------------------------------------------------------------


@router.get("/{inspection_id}", response_class=HTMLResponse, name="inspections_inspection")
def inspection(
    request: Request,
    inspection_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    return views.show(request, actor, db, catalogue, inspection_id, "inspections/inspection.html")


@router.get("/{inspection_id}/checklist", response_class=HTMLResponse, name="inspections_checklist")
def checklist(
    request: Request,
    inspection_id: int,
    check: str = Query("", pattern="^(yes)?$"),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    """The checklist; `check=yes` (completing was asked for and items keep it from completing) flags every
    incomplete item on the item itself and lists them at the top."""
    if check != "yes":
        return views.show(request, actor, db, catalogue, inspection_id, "inspections/checklist.html")
    return views.checked_page(request, actor, db, catalogue, inspection_id)


@router.post("/{inspection_id}/checklist", name="inspections_answer")
async def answer(
    request: Request,
    inspection_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    """Save the answers (a urlencoded or multipart form) and, with a multipart form, the photos and files
    attached to items (`photo-N`, `file-N`; `keep-location-N=yes` keeps where a photo was taken)."""
    form: dict[str, str] = {}
    uploads: list[tuple[int, StarletteUpload]] = []
    for key, value in (await request.form()).multi_items():
        if isinstance(value, str):
            form[key] = value
        elif value.filename and (number := views.upload_item(key)) is not None:
            uploads.append((number, value))
    return await run_in_threadpool(
        views.save_answers, request, actor, db, catalogue, inspection_id, form, uploads
    )


@router.post("/{inspection_id}/attachments", name="inspections_attach")
def attach(
    request: Request,
    inspection_id: int,
    file: UploadFile | None = File(None),
    item: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
    catalogue: Catalogue = Held,
) -> Response:
    try:
        if file is None or not file.filename:
            raise InspectionError("inspections.error.choose_file")
        content, number = read_upload(file), int(item) if item.isdigit() else None
        attach = partial(inspections.attach_file, item=number, settings=settings, catalogue=catalogue)
        attach(db, actor, inspection_id, file.filename, content)
    except InspectionError as problem:
        return views.show(
            request, actor, db, catalogue, inspection_id, "inspections/inspection.html", error=problem
        )
    return views.redirect(request, "inspections_inspection", inspection_id, "attached", "#attachments")


@router.get("/{inspection_id}/attachments/{attachment_id}", name="inspections_attachment")
def attachment_file(
    inspection_id: int,
    attachment_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
) -> FileResponse:
    found = inspections.attachment(db, actor, inspection_id, attachment_id)
    return FileResponse(
        inspections.attachment_path(found, settings), media_type=found.media_type, filename=found.file_name
    )


@router.get("/{inspection_id}/attachments/{attachment_id}/thumbnail", name="inspections_thumbnail")
def attachment_thumbnail(
    inspection_id: int,
    attachment_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
) -> Response:
    """A small JPEG of an attached photo (made once, kept beside the photo), for the item's thumbnails."""
    found = inspections.attachment(db, actor, inspection_id, attachment_id)
    path = inspections.thumbnail_path(found, settings)
    headers = {"Cache-Control": "private, max-age=86400"}
    return FileResponse(path, media_type="image/jpeg", headers=headers)


@router.get("/{inspection_id}/complete", response_class=HTMLResponse, name="inspections_confirm")
def confirm(
    request: Request,
    inspection_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    return views.show(request, actor, db, catalogue, inspection_id, "inspections/complete.html")


@router.post("/{inspection_id}/complete", name="inspections_complete")
def complete(
    request: Request,
    inspection_id: int,
    inspected_on: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    try:
        day = form_date(inspected_on, "inspected_on")
        inspections.complete_inspection(
            db, actor, inspection_id, inspected_on=day, today=request_today(request), catalogue=catalogue
        )
    except InspectionError as problem:
        return views.show(
            request,
            actor,
            db,
            catalogue,
            inspection_id,
            "inspections/complete.html",
            inspected_on=inspected_on,
            error=problem,
        )
    return views.redirect(request, "inspections_inspection", inspection_id, "completed")


@router.post("/{inspection_id}/revise", name="inspections_revise")
def revise(
    request: Request,
    inspection_id: int,
    reason: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    try:
        record = inspections.revise_inspection(db, actor, inspection_id, reason=reason)
    except InspectionError as problem:
        return views.show(
            request, actor, db, catalogue, inspection_id, "inspections/inspection.html", error=problem
        )
    return views.redirect(request, "inspections_checklist", record.id, "revised")


@router.post("/{inspection_id}/violations/{item}", name="inspections_follow_up")
def follow_up(
    request: Request,
    inspection_id: int,
    item: int,
    deadline: str = Form(""),
    status: str = Form(""),
    eliminated_on: str = Form(""),
    note: str = Form(""),
    version: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    """Follow up a violation, while it is as the page showed it (`version`); else 409 with the stored
    follow-up and this user's side by side, and nothing stored."""
    page = "inspections/inspection.html"
    try:
        until, done_on = form_date(deadline, "deadline"), form_date(eliminated_on, "eliminated_on")
        done_on = done_on if status == "eliminated" else None
        inspections.follow_up(
            db,
            actor,
            inspection_id,
            item,
            today=request_today(request),
            deadline=until,
            status=status or None,
            eliminated_on=done_on,
            note=note.strip(),
            version=int(version) if version.isdigit() and len(version) < 10 else None,
        )
    except inspections.StaleVersion as stale:
        return views.show(
            request, actor, db, catalogue, inspection_id, page, status_code=409, conflict=stale.conflicts[0]
        )
    except InspectionError as problem:
        return views.show(request, actor, db, catalogue, inspection_id, page, error=problem)
    return views.redirect(request, "inspections_inspection", inspection_id, "followed", f"#violation-{item}")


@router.get("/{inspection_id}/document", name="inspections_document")
def document(
    inspection_id: int,
    format: str = Query("pdf", pattern="^(pdf|docx)$"),
    lang: str = Query("kk", pattern="^(kk|ru)$"),
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
    catalogue: Catalogue = Held,
) -> Response:
    content, name, _ = inspections.print_inspection(
        db, actor, inspection_id, format=format, language=lang, catalogue=catalogue
    )
    return attachment(content, name, format)
