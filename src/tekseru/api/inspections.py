"""`/api/v1/inspections`, `/api/v1/checklists` and `/api/v1/documents`: record an inspection, answer its
checklist, attach files, complete, revise, follow up its violations, print it; blank or prefilled checklist
forms; verify a printed form.

An inspector reads and writes the inspections of its own region only (another region answers 403); a
viewer reads. `tekseru.services.inspections` decides, and write the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE, ErrorOut, Layered
from tekseru.api.schemas.conflicts import STALE_VERSION_RESPONSE
from tekseru.api.schemas.inspections import (
    AnsweredOut,
    AnswersIn,
    AttachmentOut,
    CompleteIn,
    CompletionOut,
    FollowUpIn,
    InspectionIn,
    InspectionOut,
    InspectionSheetOut,
    ListedViolationOut,
    RevisionIn,
    VerificationOut,
    ViolationOut,
)
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import Today, get_catalogue, get_database, get_settings
from tekseru.http.files import attachment, read_upload
from tekseru.http.language import reader_language
from tekseru.http.refusals import INSPECTION_ERRORS, service_errors
from tekseru.http.security import api_actor
from tekseru.services import inspections
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor
from tekseru.settings import Settings

# Routes ---------------------------------------------------------------------------------------------------

REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Not in this status (a completed inspection never changes)"},
    422: {"model": ErrorOut, "description": "Invalid answers, file or header"},
}
router = APIRouter(
    tags=["inspections"],
    responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE, **REFUSED},
    dependencies=[Depends(service_errors(INSPECTION_ERRORS, page=False))],
)
Db = Depends(get_database)
Signed = Depends(api_actor)
Config = Depends(get_settings)
Lang = Query("kk", pattern="^(kk|ru)$", description="kk (official) or ru.")
ONE = "/inspections/{inspection_id}"


@router.get(
    "/inspections", response_model=list[InspectionOut], summary="Inspections", name="api_inspections_list"
)
def list_inspections(
    bin: str | None = Query(None, description="Only this subject's."),
    status: str | None = Query(None, pattern="^(draft|completed)$"),
    region: str | None = Query(None, description="Region key (an inspector: its own)."),
    all: bool = Query(False, description="With the superseded revisions."),
    number: str | None = Query(
        None, max_length=40, description="Only those whose number contains this (any case), as on the page."
    ),
    actor: Actor = Signed,
    db: Database = Db,
) -> list[InspectionOut]:
    found = inspections.list_inspections(
        db, actor, bin=bin, status=status, region=region, include_superseded=all, number=number
    )
    numbers = inspections.inspection_numbers(db, actor, [record for record, _ in found])
    return [
        InspectionOut.model_validate(Layered(record, subject=subject, number=numbers.get(record.id)))
        for record, subject in found
    ]


@router.get(
    "/violations",
    response_model=list[ListedViolationOut],
    summary="Violations and their follow-up",
    name="api_violations_list",
)
def list_violations(
    bin: str | None = Query(None, description="Only this subject's."),
    status: str | None = Query(
        None, pattern="^(open|eliminated|overdue)$", description="open (overdue too), eliminated or overdue."
    ),
    region: str | None = Query(None, description="Region key (an inspector: its own)."),
    actor: Actor = Signed,
    db: Database = Db,
    today: date = Today,
) -> list[ListedViolationOut]:
    """The violations found by the current completed inspections, with their deadline and elimination:
    the table `/api/v1/exports/violations` writes as a file."""
    found = inspections.list_violations(db, actor, bin=bin, status=status, region=region, today=today)
    return [
        ListedViolationOut.model_validate(
            Layered(
                view,
                subject=subject,
                act_number=view.found_by.act_number,
                inspected_on=view.found_by.inspected_on,
            )
        )
        for view, subject in found
    ]


@router.post(
    "/inspections",
    response_model=InspectionOut,
    status_code=201,
    summary="Record a draft",
    name="api_inspections_create",
)
def create(
    body: InspectionIn,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> InspectionOut:
    header = inspections.InspectionHeader(
        body.kind, body.act_number, body.act_date, tuple(body.inspectors), body.planned_on
    )
    return InspectionOut.model_validate(
        inspections.create_inspection(
            db, actor, body.bin, header, appendix=body.appendix, reason=body.reason, catalogue=catalogue
        )
    )


@router.get(ONE, response_model=InspectionSheetOut, summary="Item by item", name="api_inspections_get")
def get(
    inspection_id: int,
    lang: str = Query("kk", pattern="^(kk|ru|en)$"),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
    today: date = Today,
) -> InspectionSheetOut:
    sheet = inspections.inspection_sheet(
        db, actor, inspection_id, language=lang, today=today, catalogue=catalogue
    )
    inspection = Layered(sheet.inspection, subject=sheet.subject)
    return InspectionSheetOut.model_validate(Layered(sheet, language=lang, inspection=inspection))


@router.post(
    f"{ONE}/answers",
    response_model=AnsweredOut,
    responses=STALE_VERSION_RESPONSE,
    summary="Answer items (each with the version read)",
    name="api_inspections_answer",
)
def answer(
    inspection_id: int,
    body: AnswersIn,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> AnsweredOut:
    rows = [
        inspections.AnswerRow(a.item, a.answer, a.comment, number, a.version, deadline=a.deadline)
        for number, a in enumerate(body.answers, 1)
    ]
    versions = inspections.answer_items(db, actor, inspection_id, rows, catalogue=catalogue)
    return AnsweredOut.model_validate({"versions": versions})


@router.post(
    f"{ONE}/attachments",
    response_model=AttachmentOut,
    status_code=201,
    summary="Attach a photo or document to a draft",
    name="api_inspections_attach",
)
def attach(
    inspection_id: int,
    file: UploadFile = File(..., description="PDF, JPEG, PNG, DOCX, XLSX or TXT, up to 20 MiB."),
    item: int | None = Form(None, description="The item it belongs to (none: the whole inspection)."),
    keep_location: bool = Form(
        False, description="Keep where a photo was taken (EXIF GPS, XMP); by default it is removed."
    ),
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
    catalogue: Catalogue = Depends(get_catalogue),
) -> AttachmentOut:
    content, name = read_upload(file), file.filename or ""
    added = inspections.attach_file(
        db,
        actor,
        inspection_id,
        name,
        content,
        item=item,
        keep_location=keep_location,
        settings=settings,
        catalogue=catalogue,
    )
    return AttachmentOut.model_validate(added)


@router.get(
    f"{ONE}/attachments/{{attachment_id}}",
    response_class=FileResponse,
    summary="Download an attachment",
    name="api_inspections_attachment",
)
def attachment_file(
    inspection_id: int,
    attachment_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
) -> FileResponse:
    found = inspections.attachment(db, actor, inspection_id, attachment_id)
    path = inspections.attachment_path(found, settings)
    return FileResponse(path, media_type=found.media_type, filename=found.file_name)


@router.post(
    f"{ONE}/complete",
    response_model=CompletionOut,
    summary="Complete a draft",
    name="api_inspections_complete",
)
def complete(
    inspection_id: int,
    body: CompleteIn,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
    today: date = Today,
) -> CompletionOut:
    report = inspections.complete_inspection(
        db, actor, inspection_id, inspected_on=body.inspected_on, today=today, catalogue=catalogue
    )
    return CompletionOut.model_validate(report)


@router.post(
    f"{ONE}/revisions",
    response_model=InspectionOut,
    status_code=201,
    summary="Start a correction of a completed inspection",
    name="api_inspections_revise",
)
def revise(inspection_id: int, body: RevisionIn, actor: Actor = Signed, db: Database = Db) -> InspectionOut:
    record = inspections.revise_inspection(
        db, actor, inspection_id, reason=body.reason, corrections=body.corrections()
    )
    return InspectionOut.model_validate(record)


@router.patch(
    f"{ONE}/violations/{{item}}",
    response_model=ViolationOut,
    responses=STALE_VERSION_RESPONSE,
    summary="Follow up a violation: deadline, status, note (with the version read)",
    name="api_inspections_follow_up",
)
def follow_up(
    inspection_id: int,
    item: int,
    body: FollowUpIn,
    actor: Actor = Signed,
    db: Database = Db,
    today: date = Today,
) -> ViolationOut:
    changes = body.model_dump(exclude_none=True)
    view = inspections.follow_up(db, actor, inspection_id, item, today=today, **changes)
    return ViolationOut.model_validate(view)


@router.get(
    f"{ONE}/document",
    response_class=Response,
    summary="The filled form (PDF or DOCX, kk or ru); sealed once completed",
    name="api_inspections_document",
)
def document(
    inspection_id: int,
    format: str = Query("pdf", pattern="^(pdf|docx)$"),
    lang: str = Lang,
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    content, name, code = inspections.print_inspection(
        db, actor, inspection_id, format=format, language=lang, catalogue=catalogue
    )
    response = attachment(content, name, format)
    if code is not None:
        response.headers["X-Verification-Code"] = code
    return response


@router.get(
    "/checklists/{appendix}/form",
    response_class=Response,
    summary="A checklist form, blank or prefilled with a subject and an act",
    name="api_checklists_form",
)
def checklist_form(
    appendix: int,
    format: str = Query("pdf", pattern="^(pdf|docx)$"),
    lang: str = Lang,
    bin: str | None = Query(None, description="Prefill with this subject of the registry."),
    act_number: str | None = Query(None, max_length=64),
    act_date: date | None = None,
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
    catalogue: Catalogue = Depends(get_catalogue),
    today: date = Today,
) -> Response:
    content, name = inspections.checklist_form(
        db,
        actor,
        appendix,
        today=today,
        format=format,
        language=lang,
        bin=bin or None,
        act_number=act_number,
        act_date=act_date,
        catalogue=catalogue,
    )
    return attachment(content, name, format)


@router.post(
    "/documents/verify",
    response_model=VerificationOut,
    summary="Verify a printed form (PDF or DOCX) by its code",
    name="api_documents_verify",
)
def verify(
    request: Request, file: UploadFile = File(...), actor: Actor = Signed, db: Database = Db
) -> VerificationOut:
    """`message` is in the reader's language (`?lang=`, the cookie, else Accept-Language)."""
    check = inspections.verify_document(db, actor, file.filename or "", read_upload(file))
    out = VerificationOut.model_validate(check)
    out.message = check.said(reader_language(request))
    out.inspection_number = check.inspection_number or None
    return out
