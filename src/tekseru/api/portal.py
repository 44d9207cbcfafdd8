"""`/api/v1/my` and `/api/v1/remediation-reports`: a controlled subject's own data and its remediation
reports, and their review. Every operation asks `tekseru.services.portal`, which refuses another subject's
things (404) and other roles (403)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE, ErrorOut, Timestamp
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import Today, get_catalogue, get_database, get_settings
from tekseru.http.files import read_upload
from tekseru.http.refusals import INSPECTION_ERRORS, service_errors
from tekseru.http.security import api_actor
from tekseru.services import portal
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor
from tekseru.settings import Settings

ERRORS: dict[type[Exception], int] = {portal.NotFound: 404, portal.PortalError: 422, **INSPECTION_ERRORS}
REFUSED: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorOut, "description": "The report or decision cannot be taken (its reason is said)"}
}
router = APIRouter(
    tags=["subjects' own data"],
    responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE},
    dependencies=[Depends(service_errors(ERRORS, page=False))],
)

Db = Depends(get_database)
Signed = Depends(api_actor)


class FileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    file_name: str
    media_type: str
    size: int
    sha256: str


class ReportOut(BaseModel):
    """A remediation report as the service keeps it (`portal.RemediationRecord`), read attribute by
    attribute."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    violation_id: int
    inspection_id: int
    item: int
    text: str
    status: str = Field(description="submitted, accepted or rejected")
    submitted_by: str
    submitted_at: Timestamp
    reviewed_by: str | None
    reviewed_at: Timestamp | None
    review_reason: str | None
    files: list[FileOut]


class ViolationOut(BaseModel):
    id: int
    bin: str
    inspection_id: int
    act_number: str
    item: int
    status: str = Field(description="open, overdue or eliminated")
    deadline: date | None
    eliminated_on: date | None
    note: str
    reports: list[ReportOut]


class InspectionOut(BaseModel):
    id: int
    bin: str
    kind: str
    act_number: str
    act_date: date
    inspected_on: date | None


class ListRowOut(BaseModel):
    plan_id: int
    half_year: str
    status: str
    bin: str
    on_list: bool
    rank: int | None = None
    reason: str | None = Field(None, description="Why the subject is not on the list")
    remediation_reports: list[int] = Field([], description="Accepted reports that prove the reason")


class SubjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    bin: str
    name: str
    region: str


class OrganisationOut(BaseModel):
    bins: list[str]
    subjects: list[SubjectOut]
    inspections: list[InspectionOut]
    violations: list[ViolationOut]
    lists: list[ListRowOut]
    risk: list[str] | None = Field(None, description="The risk explanation, when the setting shows it")


class DecisionIn(BaseModel):
    accept: bool
    reason: str = Field("", description="Required to reject.")


@router.get("/my", response_model=OrganisationOut, summary="What concerns the account's BINs", name="api_my")
def my(
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Depends(get_settings),
    catalogue: Catalogue = Depends(get_catalogue),
    today: date = Today,
) -> OrganisationOut:
    org = portal.my_organisation(db, actor, today=today, settings=settings, catalogue=catalogue)
    rows = []
    for stored in org.lists:
        record = stored.record
        for row in stored.plan.included + stored.plan.overflow:
            rows.append(
                ListRowOut(
                    plan_id=record.id,
                    half_year=record.half_year,
                    status=record.status,
                    bin=row.bin,
                    on_list=True,
                    rank=row.rank,
                )
            )
        for gone in stored.plan.excluded:
            rows.append(
                ListRowOut(
                    plan_id=record.id,
                    half_year=record.half_year,
                    status=record.status,
                    bin=gone.bin,
                    on_list=False,
                    reason=gone.reason.value,
                    remediation_reports=list(gone.remediation_reports),
                )
            )
    return OrganisationOut(
        bins=list(org.bins),
        subjects=[SubjectOut.model_validate(s) for s in org.subjects],
        inspections=[
            InspectionOut(
                id=r.id,
                bin=s.bin,
                kind=r.kind,
                act_number=r.act_number,
                act_date=r.act_date,
                inspected_on=r.inspected_on,
            )
            for r, s in org.inspections
        ],
        violations=[
            ViolationOut(
                id=v.record.id,
                bin=v.subject.bin,
                inspection_id=v.inspection.id,
                act_number=v.inspection.act_number,
                item=v.record.item,
                status=v.status,
                deadline=v.record.deadline,
                eliminated_on=v.record.eliminated_on,
                note=v.record.note,
                reports=[ReportOut.model_validate(r) for r in v.reports],
            )
            for v in org.violations
        ],
        lists=rows,
        risk=None if org.risk is None else [line for e in org.risk for line in e.lines()],
    )


@router.post(
    "/my/violations/{violation_id}/reports",
    response_model=ReportOut,
    status_code=201,
    summary="Report what was remedied of one of the account's violations (text and files)",
    name="api_my_report",
    responses=REFUSED,
)
def report(
    violation_id: int,
    text: str = Form(),
    files: list[UploadFile] = File(default_factory=list),
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Depends(get_settings),
) -> ReportOut:
    given = [(file.filename or "", read_upload(file)) for file in files if file.filename]
    return ReportOut.model_validate(
        portal.submit_remediation(db, actor, violation_id, text, given, settings=settings)
    )


@router.get(
    "/remediation-reports",
    response_model=list[ReportOut],
    summary="Reports waiting for review (an inspector's region only)",
    name="api_remediation_reports",
)
def to_review(actor: Actor = Signed, db: Database = Db) -> list[ReportOut]:
    return [ReportOut.model_validate(view.report) for view in portal.reports_to_review(db, actor)]


@router.get(
    "/remediation-reports/{report_id}",
    response_model=ReportOut,
    summary="One remediation report (its subject, or a reviewer of its region)",
    name="api_remediation_report",
)
def one(report_id: int, actor: Actor = Signed, db: Database = Db) -> ReportOut:
    return ReportOut.model_validate(portal.remediation_report(db, actor, report_id).report)


@router.post(
    "/remediation-reports/{report_id}/decision",
    response_model=ReportOut,
    summary="Accept (closing the violation) or reject a report, with a reason",
    name="api_remediation_decision",
    responses=REFUSED,
)
def decide(
    report_id: int, body: DecisionIn, actor: Actor = Signed, db: Database = Db, today: date = Today
) -> ReportOut:
    decided = portal.review_remediation(
        db, actor, report_id, accept=body.accept, reason=body.reason, today=today
    )
    return ReportOut.model_validate(decided)
