"""`/api/v1/inspections`, `/api/v1/checklists` and `/api/v1/documents`: record an inspection, answer its
checklist, attach files, complete, revise, follow up its violations, print it; blank or prefilled checklist
forms; verify a printed form.

An inspector reads and writes the inspections of its own region only (another region answers 403); a
viewer reads. The functions before the routes give the inspection services (which know no users) an
`Actor`: they check the permission for the subject's region and write the audit log; the pages use them too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Response, UploadFile
from fastapi.responses import FileResponse

from tekseru.api.plans import attachment, service_errors, temporary_file
from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE, ErrorOut
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
    RevisionIn,
    VerificationOut,
    ViolationOut,
)
from tekseru.services import audit, checklists
from tekseru.services import inspections as flow
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor, Permission
from tekseru.services.registry_queries import subject_card
from tekseru.settings import Settings
from tekseru.web.dependencies import get_database, get_settings
from tekseru.web.security import api_actor

INSPECTION_ERRORS: Mapping[type[Exception], int] = {
    flow.InspectionNotFound: 404,
    flow.SubjectNotFound: 404,
    flow.InspectionFrozen: 409,
    flow.ChecklistIncomplete: 409,
    flow.InspectionError: 422,
}
UPLOAD_LIMIT = checklists.AttachmentLimits().max_bytes


# The inspection services for an actor: permissions by region and the audit log ---------------------------


def _audit(db: Database, actor: Actor, action: str, key: object, region: str, after: dict[str, Any]) -> None:
    with db.transaction() as session:
        audit.record(session, actor, action, "inspection", key, region=region, after=after)


def sheet_for(
    db: Database, actor: Actor, inspection_id: int, permission: Permission, language: str = "kk"
) -> checklists.InspectionSheet:
    """The inspection item by item, when the actor may `permission` in its subject's region."""
    sheet = checklists.inspection_sheet(db, inspection_id, language=language)
    actor.require(permission, sheet.subject.region)
    return sheet


def list_for(
    db: Database,
    actor: Actor,
    *,
    bin: str | None = None,
    status: str | None = None,
    region: str | None = None,
    include_superseded: bool = False,
) -> list[tuple[flow.InspectionRecord, Any]]:
    """(inspection, subject) pairs of the actor's region (an inspector's) or of `region`, by id."""
    scope = actor.scoped_region(Permission.READ_INSPECTIONS, region)
    found = flow.list_inspections(db, bin=bin or None, status=status, include_superseded=include_superseded)
    return [(record, subject) for record, subject in found if scope is None or subject.region == scope]


def create_for(
    db: Database, actor: Actor, bin: str, header: flow.InspectionHeader, appendix: int | None = None
) -> flow.InspectionRecord:
    subject = subject_card(db, actor, bin).subject
    actor.require(Permission.WRITE_INSPECTIONS, subject.region)
    record = flow.create_inspection(db, bin, header, created_by=actor.username, appendix=appendix)
    _audit(db, actor, "inspection.create", record.id, subject.region, InspectionOut.of(record).model_dump())
    return record


@contextmanager
def writing(db: Database, actor: Actor, inspection_id: int, action: str) -> Iterator[dict[str, Any]]:
    """Around a change of the inspection: the actor must be allowed to write in its subject's region; what
    the caller puts in the yielded dict is written to the audit log once the change is made."""
    region = sheet_for(db, actor, inspection_id, Permission.WRITE_INSPECTIONS).subject.region
    after: dict[str, Any] = {}
    yield after
    _audit(db, actor, action, inspection_id, region, after)


def attachment_for(
    db: Database, actor: Actor, inspection_id: int, attachment_id: int
) -> Any:  # tekseru.store.inspections.AttachmentRecord, not re-exported by the services
    sheet = sheet_for(db, actor, inspection_id, Permission.READ_INSPECTIONS)
    files = [*sheet.attachments, *(file for item in sheet.items for file in item.attachments)]
    found = next((file for file in files if file.id == attachment_id), None)
    if found is None:
        raise HTTPException(404, f"inspection {inspection_id} has no attachment {attachment_id}")
    return found


def document_for(
    db: Database, actor: Actor, inspection_id: int, format: str, language: str, settings: Settings
) -> tuple[bytes, str, str | None]:
    """The printed form (sealed once completed), its file name and its verification code."""
    region = sheet_for(db, actor, inspection_id, Permission.READ_INSPECTIONS).subject.region
    name = f"inspection-{inspection_id}-{language}.{format}"
    with temporary_file(name) as out:
        printed = checklists.render_inspection_document(
            db, inspection_id, format, language, out, issued_by=actor.username, settings=settings
        )
        code = printed.code
        content = out.read_bytes()
    if code is not None:
        _audit(db, actor, "inspection.print", inspection_id, region, {"code": code, "file": name})
    return content, name, code


def form_for(
    db: Database, actor: Actor, appendix: int, format: str, language: str, **prefill: Any
) -> tuple[bytes, str]:
    """The checklist of `appendix`, blank or prefilled (`bin`, `act_number`, `act_date`), and its name."""
    actor.require(Permission.READ_INSPECTIONS)
    if prefill.get("bin"):
        subject_card(db, actor, prefill["bin"])  # the subject's region must be the actor's
    name = f"checklist-{appendix}-{language}.{format}"
    with temporary_file(name) as out:
        checklists.render_checklist(db, appendix, language=language, format=format, out=out, **prefill)
        return out.read_bytes(), name


def verify_for(db: Database, actor: Actor, file_name: str, content: bytes) -> checklists.DocumentCheck:
    """Check an uploaded PDF or DOCX against the forms tekseru issued."""
    actor.require(Permission.READ_INSPECTIONS)
    name = checklists.sanitise_file_name(file_name or "document.pdf")
    if Path(name).suffix.lower() not in (".pdf", ".docx"):
        raise flow.InspectionError(f"{name}: only a PDF or DOCX form printed by tekseru can be verified")
    with temporary_file(name, content) as path:
        try:
            return checklists.verify_document(db, path)
        except ValueError as error:
            raise flow.InspectionError(f"{name}: {error}") from None


def read_upload(file: UploadFile, limit: int = UPLOAD_LIMIT) -> bytes:
    """The uploaded content, one byte more than `limit` at most (the services refuse what is too large)."""
    return file.file.read(limit + 1)


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
    actor: Actor = Signed,
    db: Database = Db,
) -> list[InspectionOut]:
    found = list_for(db, actor, bin=bin, status=status, region=region, include_superseded=all)
    return [InspectionOut.of(record, subject) for record, subject in found]


@router.post(
    "/inspections",
    response_model=InspectionOut,
    status_code=201,
    summary="Record a draft",
    name="api_inspections_create",
)
def create(body: InspectionIn, actor: Actor = Signed, db: Database = Db) -> InspectionOut:
    header = flow.InspectionHeader(
        body.kind, body.act_number, body.act_date, tuple(body.inspectors), body.planned_on
    )
    return InspectionOut.of(create_for(db, actor, body.bin, header, body.appendix))


@router.get(ONE, response_model=InspectionSheetOut, summary="Item by item", name="api_inspections_get")
def get(
    inspection_id: int,
    lang: str = Query("kk", pattern="^(kk|ru|en)$"),
    actor: Actor = Signed,
    db: Database = Db,
) -> InspectionSheetOut:
    return InspectionSheetOut.of(sheet_for(db, actor, inspection_id, Permission.READ_INSPECTIONS, lang), lang)


@router.post(
    f"{ONE}/answers", response_model=AnsweredOut, summary="Answer items", name="api_inspections_answer"
)
def answer(inspection_id: int, body: AnswersIn, actor: Actor = Signed, db: Database = Db) -> AnsweredOut:
    rows = [flow.AnswerRow(a.item, a.answer, a.comment, number) for number, a in enumerate(body.answers, 1)]
    with writing(db, actor, inspection_id, "inspection.answer") as log:
        count = flow.answer_items(db, inspection_id, rows, answered_by=actor.username)
        log["answers"] = {str(row.item): row.answer for row in rows}
    return AnsweredOut(answered=count)


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
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Config,
) -> AttachmentOut:
    content, name = read_upload(file), file.filename or ""
    with writing(db, actor, inspection_id, "inspection.attach") as log:
        added = checklists.attach_file(
            db, inspection_id, name, content, added_by=actor.username, item=item, settings=settings
        )
        log.update(AttachmentOut.model_validate(added).model_dump())
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
    found = attachment_for(db, actor, inspection_id, attachment_id)
    path = checklists.attachment_path(found, settings)
    return FileResponse(path, media_type=found.media_type, filename=found.file_name)


@router.post(
    f"{ONE}/complete",
    response_model=CompletionOut,
    summary="Complete a draft",
    name="api_inspections_complete",
)
def complete(inspection_id: int, body: CompleteIn, actor: Actor = Signed, db: Database = Db) -> CompletionOut:
    with writing(db, actor, inspection_id, "inspection.complete") as log:
        report = flow.complete_inspection(
            db, inspection_id, completed_by=actor.username, inspected_on=body.inspected_on
        )
        log.update(CompletionOut.of(report).model_dump())
    return CompletionOut.of(report)


@router.post(
    f"{ONE}/revisions",
    response_model=InspectionOut,
    status_code=201,
    summary="Start a correction of a completed inspection",
    name="api_inspections_revise",
)
def revise(inspection_id: int, body: RevisionIn, actor: Actor = Signed, db: Database = Db) -> InspectionOut:
    with writing(db, actor, inspection_id, "inspection.revise") as log:
        record = flow.revise_inspection(
            db, inspection_id, reason=body.reason, created_by=actor.username, corrections=body.corrections()
        )
        log.update(InspectionOut.of(record).model_dump())
    return InspectionOut.of(record)


@router.patch(
    f"{ONE}/violations/{{item}}",
    response_model=ViolationOut,
    summary="Follow up a violation: deadline, status, note",
    name="api_inspections_follow_up",
)
def follow_up(
    inspection_id: int, item: int, body: FollowUpIn, actor: Actor = Signed, db: Database = Db
) -> ViolationOut:
    changes = body.model_dump(exclude_none=True)
    with writing(db, actor, inspection_id, "violation.follow_up") as log:
        view = flow.follow_up(db, inspection_id, item, by=actor.username, **changes)
        log.update(ViolationOut.of(view).model_dump())
    return ViolationOut.of(view)


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
) -> Response:
    content, name, code = document_for(db, actor, inspection_id, format, lang, settings)
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
) -> Response:
    prefill = {"bin": bin or None, "act_number": act_number, "act_date": act_date, "settings": settings}
    content, name = form_for(db, actor, appendix, format, lang, **prefill)
    return attachment(content, name, format)


@router.post(
    "/documents/verify",
    response_model=VerificationOut,
    summary="Verify a printed form (PDF or DOCX) by its code",
    name="api_documents_verify",
)
def verify(file: UploadFile = File(...), actor: Actor = Signed, db: Database = Db) -> VerificationOut:
    return VerificationOut.of(verify_for(db, actor, file.filename or "", read_upload(file)))
