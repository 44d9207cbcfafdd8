"""`/imports`: upload a subjects, evidence, roster, service-delivery or accessibility-finding file (CSV or
XLSX, docs/import-formats.md and docs/rosters.md); it is imported in the background, and its page shows the
progress and then the report, with every rejected row's error."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from tekseru.http.dependencies import app_state, get_database, get_jobs, request_today
from tekseru.http.language import reader_language
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services.auth import Database
from tekseru.services.jobs import (
    IMPORT_KINDS,
    JobKind,
    JobRunner,
    rejected_rows,
    save_upload,
    saved_upload,
    start_import,
)
from tekseru.services.permissions import Actor, Permission
from tekseru.services.registry import workbook_sheets
from tekseru.web.navigation import Section
from tekseru.web.pages.job_page import cancel_from_page, job_page
from tekseru.web.templating import render

router = PathRouter(prefix="/imports", include_in_schema=False)
section = Section(key="imports", route_name="imports_index", prefix="/imports", permission=Permission.IMPORT)

Db = Depends(get_database)
Jobs = Depends(get_jobs)
Signed = Depends(page_actor)
SUFFIXES = (".csv", ".xlsx")


def _index(request: Request, actor: Actor, jobs: JobRunner, error: str | None = None) -> Response:
    actor.require(Permission.IMPORT)
    context = {"jobs": jobs.list(actor, IMPORT_KINDS), "kinds": IMPORT_KINDS, "error": error}
    return render(request, "imports/index.html", context, status_code=400 if error else 200)


@router.get("", response_class=HTMLResponse, name="imports_index")
def index(request: Request, actor: Actor = Signed, jobs: JobRunner = Jobs) -> Response:
    return _index(request, actor, jobs)


@router.post("", name="imports_start")
def upload(
    request: Request,
    kind: str = Form(""),
    file: UploadFile | None = File(None),
    skip_invalid: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    jobs: JobRunner = Jobs,
) -> Response:
    actor.require(Permission.IMPORT)
    if kind not in {k.value for k in IMPORT_KINDS}:
        return _index(request, actor, jobs, error="imports.choose_kind")
    if file is None or not file.filename or not file.filename.lower().endswith(SUFFIXES):
        return _index(request, actor, jobs, error="imports.choose_file")
    path = save_upload(file.file, file.filename, app_state(request).uploads)
    sheets = workbook_sheets(path)
    if len(sheets) > 1:  # ask which one, rather than import the first unawares
        context = {
            "token": path.parent.name,
            "file": path.name,
            "sheets": sheets,
            "kind": kind,
            "skip_invalid": skip_invalid == "yes",
        }
        return render(request, "imports/sheet.html", context)
    return _start(request, actor, db, jobs, JobKind(kind), path, skip_invalid == "yes", None)


@router.post("/sheet", name="imports_sheet")
def choose_sheet(
    request: Request,
    token: str = Form(""),
    name: str = Form(""),
    sheet: str = Form(""),
    kind: str = Form(""),
    skip_invalid: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    jobs: JobRunner = Jobs,
) -> Response:
    """The import of the sheet chosen on the page that `upload` showed for a workbook of several."""
    actor.require(Permission.IMPORT)
    path = saved_upload(app_state(request).uploads, token, name)
    if path is None:
        return _index(request, actor, jobs, error="imports.upload_gone")
    if kind not in {k.value for k in IMPORT_KINDS}:
        return _index(request, actor, jobs, error="imports.choose_kind")
    return _start(request, actor, db, jobs, JobKind(kind), path, skip_invalid == "yes", sheet or None)


def _start(
    request: Request,
    actor: Actor,
    db: Database,
    jobs: JobRunner,
    kind: JobKind,
    path: Path,
    skip_invalid: bool,
    sheet: str | None,
) -> Response:
    today = request_today(request)
    job = start_import(
        jobs,
        db,
        actor,
        kind=kind,
        path=path,
        skip_invalid=skip_invalid,
        sheet=sheet,
        language=reader_language(request),
        today=today,
    )
    return RedirectResponse(str(request.app.url_path_for("imports_job", job_id=str(job.id))), status_code=303)


PAGE = {"page": "imports_job", "cancel_route": "imports_cancel", "back": "imports_index"}


@router.get("/{job_id}", response_class=HTMLResponse, name="imports_job")
def job(request: Request, job_id: uuid.UUID, actor: Actor = Signed, jobs: JobRunner = Jobs) -> HTMLResponse:
    return job_page(request, actor, jobs, jobs.get(actor, job_id, IMPORT_KINDS), **PAGE)


@router.post("/{job_id}/cancel", name="imports_cancel")
def cancel(request: Request, job_id: uuid.UUID, actor: Actor = Signed, jobs: JobRunner = Jobs) -> Response:
    return cancel_from_page(request, actor, jobs, job_id, IMPORT_KINDS, **PAGE)


@router.get("/{job_id}/rejected", name="imports_rejected")
def rejected(job_id: uuid.UUID, actor: Actor = Signed, jobs: JobRunner = Jobs) -> FileResponse:
    path = rejected_rows(jobs, actor, job_id)
    return FileResponse(path, filename=path.name)
