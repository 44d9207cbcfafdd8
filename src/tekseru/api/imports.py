"""`/api/v1/imports`: upload a subjects or evidence file; it is imported as a background job (202)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE
from tekseru.api.schemas.jobs import JobOut
from tekseru.http.dependencies import app_state, get_database, get_jobs
from tekseru.http.language import reader_language, translate
from tekseru.http.security import api_actor
from tekseru.services.auth import Database
from tekseru.services.jobs import IMPORT_KINDS, JobKind, JobRunner, save_upload, start_import
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
    kind: JobKind = Form(..., description="import_subjects or import_evidence."),
    file: UploadFile = File(
        ..., description="CSV (UTF-8 or Windows-1251) or XLSX in the format of docs/import-formats.md."
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
    if kind not in IMPORT_KINDS:
        kinds = ", ".join(k.value for k in IMPORT_KINDS)
        raise HTTPException(422, translate(reader_language(request), "api.import.kind", kinds=kinds))
    if not file.filename or not file.filename.lower().endswith((".csv", ".xlsx")):
        raise HTTPException(422, translate(reader_language(request), "api.import.file_type"))
    path = save_upload(file.file, file.filename, app_state(request).uploads)
    return JobOut.model_validate(
        start_import(jobs, db, actor, kind=kind, path=path, skip_invalid=skip_invalid, sheet=sheet or None)
    )
