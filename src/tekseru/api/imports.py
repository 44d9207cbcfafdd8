"""`/api/v1/imports`: upload a subjects, evidence, roster, service-delivery or accessibility-finding file; it
is imported as a background job (202)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE
from tekseru.api.schemas.jobs import JobOut
from tekseru.http.dependencies import app_state, get_database, get_jobs, request_today
from tekseru.http.language import reader_language, translate
from tekseru.http.security import api_actor
from tekseru.services.auth import Database
from tekseru.services.jobs import (
    ImportKind,
    JobKind,
    JobRunner,
    rejected_rows,
    save_upload,
    start_import,
)
from tekseru.services.permissions import Actor, Permission

router = APIRouter(prefix="/imports", tags=["imports"], responses=FORBIDDEN_RESPONSE)


@router.post(
    "",
    response_model=JobOut,
    status_code=202,
    summary="Import a CSV or XLSX file in the background",
    name="api_imports_upload",
)
def upload(
    request: Request,
    kind: ImportKind = Form(..., description="The kind of file: one of the values listed."),
    file: UploadFile = File(
        ...,
        description="CSV (UTF-8 or Windows-1251) or XLSX in the format of docs/import-formats.md (rosters, "
        "service delivery and accessibility findings: docs/rosters.md).",
    ),
    skip_invalid: bool = Form(False, description="Store the valid rows and reject the others."),
    sheet: str | None = Form(
        None,
        description="The sheet of an XLSX workbook to import; a workbook of several sheets without it "
        "fails with an error naming them.",
    ),
    actor: Actor = Depends(api_actor),
    db: Database = Depends(get_database),
    jobs: JobRunner = Depends(get_jobs),
) -> JobOut:
    actor.require(Permission.IMPORT)
    if not file.filename or not file.filename.lower().endswith((".csv", ".xlsx")):
        raise HTTPException(422, translate(reader_language(request), "api.import.file_type"))
    path = save_upload(file.file, file.filename, app_state(request).uploads)
    return JobOut.model_validate(
        start_import(
            jobs,
            db,
            actor,
            kind=JobKind(kind),
            path=path,
            skip_invalid=skip_invalid,
            sheet=sheet or None,
            language=reader_language(request),
            today=request_today(request),
        )
    )


@router.get(
    "/{job_id}/rejected",
    response_class=FileResponse,
    summary="The rows an import skipped (with skip_invalid), as the file they came in",
    name="api_imports_rejected",
    responses={404: {"description": "No such import, or it rejected no rows"}},
)
def rejected(
    job_id: uuid.UUID, actor: Actor = Depends(api_actor), jobs: JobRunner = Depends(get_jobs)
) -> FileResponse:
    path = rejected_rows(jobs, actor, job_id)
    return FileResponse(path, filename=path.name)
