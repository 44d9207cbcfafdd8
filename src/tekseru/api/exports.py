"""`/api/v1/exports`: the registry's search, a run's results and the audit log as a CSV, XLSX or JSON file,
with the same filters (and sort) as `/subjects`, `/assessments/{id}/results` and `/audit`; streamed, so a
100,000-row export starts at once. CSV and XLSX headers follow the request's language (`?lang=`)."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import Today, get_catalogue, get_database
from tekseru.http.exports import FORMAT_PATTERN, export_response
from tekseru.http.security import api_actor
from tekseru.services import exports
from tekseru.services.audit import AuditFilter
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor
from tekseru.services.registry_queries import (
    CLASS_FILTERS,
    CLASSES,
    CRITERION_FILTER,
    CRITERION_MAX,
    SORT_KEYS,
    SubjectSearch,
    SubjectSort,
)
from tekseru.services.run_compare import comparison_export

router = APIRouter(
    prefix="/exports", tags=["exports"], responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE}
)

Db = Depends(get_database)
Held = Depends(get_catalogue)
Signed = Depends(api_actor)
Format = Query("csv", pattern=FORMAT_PATTERN, description="csv, xlsx or json.")
ClassPattern = "^(" + "|".join(CLASSES) + ")$"
SubjectClassPattern = "^(" + "|".join(CLASS_FILTERS) + ")$"
SortPattern = "^-?(" + "|".join(SORT_KEYS) + ")$"
FILE = {
    "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for key, media in exports.MEDIA_TYPES.items()
        if key != "json"
    }
    | {exports.MEDIA_TYPES["json"]: {"schema": {"type": "array", "items": {"type": "object"}}}},
    "description": "The file, streamed: JSON is an array of objects with the fields of the API's answers.",
}


@router.get(
    "/subjects",
    summary="The registry's search as a file",
    name="api_exports_subjects",
    response_class=StreamingResponse,
    responses={200: FILE},
)
def subjects(
    request: Request,
    format: str = Format,
    q: str = Query("", description="Part of the name, or the start of the BIN."),
    region: str | None = Query(None, description="Region key."),
    group: str | None = Query(None, description="Control group key."),
    risk_class: str | None = Query(
        None, pattern=SubjectClassPattern, description="high, medium, low or none (not assessed)."
    ),
    criterion: int | None = Query(None, ge=1, le=CRITERION_MAX, description=CRITERION_FILTER),
    run: uuid.UUID | None = Query(None, description="As for /subjects: the classes of that finished run."),
    sort: str | None = Query(None, pattern=SortPattern, description="As for /subjects."),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    wanted = SubjectSearch(
        text=q.strip(), region=region, group=group, risk_class=risk_class, criterion=criterion
    )
    export = exports.registry(db, actor, wanted, SubjectSort.from_parameter(sort), run)
    return export_response(request, export, format, catalogue)


@router.get(
    "/results/{run_id}",
    summary="A run's results as a file",
    name="api_exports_results",
    response_class=StreamingResponse,
    responses={200: FILE},
)
def results(
    request: Request,
    run_id: uuid.UUID,
    format: str = Format,
    risk_class: str | None = Query(None, pattern=ClassPattern, description="high, medium or low."),
    region: str | None = Query(None, description="Region key."),
    sort: str | None = Query(None, pattern=SortPattern, description="As for /subjects; default: score."),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    export = exports.results(
        db, actor, run_id, risk_class=risk_class, region=region, sort=SubjectSort.from_parameter(sort)
    )
    return export_response(request, export, format, catalogue)


@router.get(
    "/audit",
    summary="The audit log as a file (administrators)",
    name="api_exports_audit",
    response_class=StreamingResponse,
    responses={200: FILE},
)
def audit(
    request: Request,
    format: str = Format,
    who: str | None = Query(None, description="The actor who acted."),
    action: str | None = Query(None),
    entity: str | None = Query(None),
    key: str | None = Query(None, description="The entity's key."),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    where = AuditFilter(actor=who, action=action, entity=entity, entity_key=key)
    return export_response(request, exports.audit_log(db, actor, where), format, catalogue)


@router.get(
    "/lists/{plan_id}",
    summary="A semi-annual list's rows as a file",
    name="api_exports_list",
    response_class=StreamingResponse,
    responses={200: FILE},
)
def plan_rows(
    request: Request,
    plan_id: int,
    format: str = Format,
    region: str | None = Query(None, description="Region key: that region's rows only."),
    month: int | None = Query(None, ge=1, le=12, description="The planned month: its rows only."),
    sort: str | None = Query(
        None, pattern=SortPattern, description="As for /subjects, within each part; default: rank."
    ),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    export = exports.plan_rows(
        db, actor, plan_id, region=region, month=month, sort=SubjectSort.from_parameter(sort)
    )
    return export_response(request, export, format, catalogue)


@router.get(
    "/inspections",
    summary="The inspections as a file",
    name="api_exports_inspections",
    response_class=StreamingResponse,
    responses={200: FILE},
)
def inspections(
    request: Request,
    format: str = Format,
    status: str | None = Query(None, pattern="^(draft|completed)$"),
    bin: str | None = Query(None, description="One subject's inspections."),
    region: str | None = Query(None, description="Region key (an inspector: its own)."),
    all_revisions: bool = Query(False, description="Also the revisions a correction superseded."),
    number: str | None = Query(
        None, max_length=40, description="Only those whose number contains this (any case), as on the page."
    ),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    export = exports.inspections(
        db, actor, bin=bin, status=status, region=region, all_revisions=all_revisions, number=number
    )
    return export_response(request, export, format, catalogue)


@router.get(
    "/violations",
    summary="The violations and their follow-up as a file",
    name="api_exports_violations",
    response_class=StreamingResponse,
    responses={200: FILE},
)
def violations(
    request: Request,
    format: str = Format,
    status: str | None = Query(
        None, pattern="^(open|eliminated|overdue)$", description="As for /violations."
    ),
    bin: str | None = Query(None, description="One subject's violations."),
    region: str | None = Query(None, description="Region key."),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
    today: date = Today,
) -> StreamingResponse:
    export = exports.violations(db, actor, bin=bin, status=status, region=region, today=today)
    return export_response(request, export, format, catalogue)


@router.get(
    "/compare",
    summary="Two assessment runs side by side as a file",
    name="api_exports_compare",
    response_class=StreamingResponse,
    responses={200: FILE},
)
def compare(
    request: Request,
    before: uuid.UUID = Query(description="The earlier run."),
    after: uuid.UUID = Query(description="The later run."),
    format: str = Format,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    """The subject-groups whose class or score differs between the runs, the criteria added and removed,
    and the evidence records that moved them (`evidence_moved`: each record's number, criterion, source,
    date, reference, and its part in each run: counted, the reason it was not, or null when absent)."""
    return export_response(request, comparison_export(db, actor, before, after), format, catalogue)
