"""`/api/v1/plans`: the semi-annual lists of preventive control with a visit: draft, read, compare, approve,
publish, discard a draft, and print (XLSX or PDF, Kazakh or Russian).

Everyone who may read plans reads the lists and rows `tekseru.services.plans.visible_plan` lets them (an
inspector: approved and published lists, its own region's rows); only planners and admins
draft, approve, publish and discard: `tekseru.services.plans` decides, and writes the audit log.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE, ErrorOut
from tekseru.api.schemas.conflicts import STALE_VERSION_RESPONSE
from tekseru.api.schemas.plans import PlanDiffOut, PlanDraftIn, PlanOut, PlanSummaryOut
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalog_service, get_catalogue, get_database, get_settings
from tekseru.http.files import MEDIA_TYPES, attachment
from tekseru.http.language import reader_language
from tekseru.http.refusals import PLAN_ERRORS, service_errors
from tekseru.http.security import api_actor
from tekseru.i18n.plan_changes import edition_naming
from tekseru.services import plans
from tekseru.services.auth import Database
from tekseru.services.catalog import CatalogService
from tekseru.services.permissions import Actor
from tekseru.settings import Settings


def expected_version(
    if_match: str | None = Header(
        None,
        pattern=r'^\s*(W/)?"?[0-9]{1,9}"?\s*$',
        description="The `version` of the list you read (as returned, or its ETag). Stale (someone "
        "changed the list since): 409 with the list as it is, and nothing is done. Left out: no check.",
    ),
) -> int | None:
    """The version an If-Match header names (`3`, `"3"` or the ETag `W/"3"`), or None."""
    return None if if_match is None else int(if_match.strip().removeprefix("W/").strip('"'))


# Routes ---------------------------------------------------------------------------------------------------

CONFLICT_RESPONSE: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Not in this status (approved lists never change)"},
    422: {"model": ErrorOut, "description": "Invalid half-year or capacity"},
}
# A change that names the version read: 409 is a stale version or a list not in this status.
VERSIONED_RESPONSE: dict[int | str, dict[str, Any]] = {**CONFLICT_RESPONSE, **STALE_VERSION_RESPONSE}
Version = Depends(expected_version)
router = APIRouter(
    prefix="/plans",
    tags=["plans"],
    responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE},
    dependencies=[Depends(service_errors(PLAN_ERRORS, page=False))],
)
Db = Depends(get_database)
Signed = Depends(api_actor)
StatusPattern = "^(draft|approved|published)$"


@router.get(
    "", response_model=list[PlanSummaryOut], summary="Stored lists, newest first", name="api_plans_list"
)
def list_plans(
    half_year: str | None = Query(None, pattern=r"^\d{4}-H[12]$", description="2027-H1 or 2027-H2."),
    status: str | None = Query(None, pattern=StatusPattern),
    actor: Actor = Signed,
    db: Database = Db,
) -> list[PlanSummaryOut]:
    return [
        PlanSummaryOut.model_validate(stored)
        for stored in plans.list_plans(db, actor, half_year=half_year, status=status)
    ]


@router.post(
    "",
    response_model=PlanOut,
    status_code=201,
    responses=CONFLICT_RESPONSE,
    summary="Draft a list from the latest finished assessment",
    name="api_plans_draft",
)
def draft(
    body: PlanDraftIn, actor: Actor = Signed, db: Database = Db, catalogue: Catalogue = Depends(get_catalogue)
) -> PlanOut:
    return PlanOut.model_validate(
        plans.draft_plan(
            db, actor, body.half_year, as_of=body.as_of, capacity=body.capacity, catalogue=catalogue
        )
    )


@router.get("/{plan_id}", response_model=PlanOut, summary="One list with its rows", name="api_plans_get")
def get(plan_id: int, response: Response, actor: Actor = Signed, db: Database = Db) -> PlanOut:
    stored = plans.get_plan(db, actor, plan_id)
    response.headers["ETag"] = f'W/"{stored.record.version}"'
    return PlanOut.model_validate(stored)


@router.get(
    "/{plan_id}/diff",
    response_model=PlanDiffOut,
    summary="What changed against the list it was compared with",
    name="api_plans_diff",
)
def diff(
    request: Request,
    plan_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Depends(get_catalog_service),
) -> PlanDiffOut:
    comparison = plans.plan_diff(db, actor, plan_id)
    naming = edition_naming(catalog.edition(comparison.plan.record.edition_id), catalog.catalogue.regions)
    return PlanDiffOut.said(comparison, reader_language(request), naming)


@router.post(
    "/{plan_id}/approve",
    response_model=PlanSummaryOut,
    responses=VERSIONED_RESPONSE,
    summary="Approve a draft (it never changes after)",
    name="api_plans_approve",
)
def approve(
    plan_id: int, version: int | None = Version, actor: Actor = Signed, db: Database = Db
) -> PlanSummaryOut:
    return PlanSummaryOut.model_validate(plans.approve_plan(db, actor, plan_id, version=version))


@router.post(
    "/{plan_id}/publish",
    response_model=PlanSummaryOut,
    responses=VERSIONED_RESPONSE,
    summary="Publish an approved list",
    name="api_plans_publish",
)
def publish(
    plan_id: int,
    version: int | None = Version,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> PlanSummaryOut:
    published = plans.publish_plan(db, actor, plan_id, catalogue=catalogue, version=version)
    return PlanSummaryOut.model_validate(published)


@router.delete(
    "/{plan_id}",
    status_code=204,
    response_class=Response,
    responses=VERSIONED_RESPONSE,
    summary="Discard a draft",
    name="api_plans_discard",
)
def discard(
    plan_id: int, version: int | None = Version, actor: Actor = Signed, db: Database = Db
) -> Response:
    plans.discard_draft(db, actor, plan_id, version=version)
    return Response(status_code=204)


@router.get(
    "/{plan_id}/document",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPES["xlsx"]: {}, MEDIA_TYPES["pdf"]: {}}}},
    summary="The printed list (XLSX or PDF, kk or ru)",
    name="api_plans_document",
)
def document(
    plan_id: int,
    format: str = Query("xlsx", pattern="^(xlsx|pdf)$"),
    lang: str = Query("kk", pattern="^(kk|ru)$"),
    actor: Actor = Signed,
    db: Database = Db,
    settings: Settings = Depends(get_settings),
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    content, name = plans.plan_document(
        db, actor, plan_id, format=format, language=lang, zone=settings.time_zone, catalogue=catalogue
    )
    return attachment(content, name, format)
