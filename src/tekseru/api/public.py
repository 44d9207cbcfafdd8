"""`/api/v1/public`: the public register as open data, without signing in: the published lists (by
half-year and region) and each list's rows, with no personal data (`tekseru.services.public_register`)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Path, Query

from tekseru.api.schemas.common import NOT_FOUND_RESPONSE, ErrorOut
from tekseru.api.schemas.public import PublicListOut, PublicListSummaryOut
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import Zone, get_catalogue, get_database
from tekseru.http.refusals import PLAN_ERRORS, service_errors
from tekseru.services.auth import Database
from tekseru.services.public_register import public_index, public_json, public_list

router = APIRouter(
    prefix="/public",
    tags=["public register"],
    responses={422: {"model": ErrorOut, "description": "Invalid half-year"}},
    dependencies=[Depends(service_errors(PLAN_ERRORS, page=False))],
)
Db = Depends(get_database)
Region = Query(None, pattern=r"^[a-z_]{1,32}$", description="A region key: only lists (rows) of it.")


@router.get(
    "/lists",
    response_model=list[PublicListSummaryOut],
    summary="Published lists, newest first (no sign-in)",
    name="api_public_lists",
)
def lists(
    half_year: str | None = Query(None, pattern=r"^\d{4}-H[12]$", description="2027-H1 or 2027-H2."),
    region: str | None = Region,
    db: Database = Db,
    zone: str = Zone,
) -> list[PublicListSummaryOut]:
    return [
        PublicListSummaryOut(**asdict(summary), total=summary.total)
        for summary in public_index(db, zone=zone, half_year=half_year, region=region)
    ]


@router.get(
    "/lists/{plan_id}",
    response_model=PublicListOut,
    summary="A published list's rows, names in Kazakh or Russian (no sign-in)",
    name="api_public_list",
    responses=NOT_FOUND_RESPONSE,
)
def one_list(
    plan_id: int = Path(ge=1, le=2_147_483_647),
    lang: str = Query("kk", pattern="^(kk|ru)$", description="The language of the names: kk or ru."),
    region: str | None = Region,
    db: Database = Db,
    zone: str = Zone,
    catalogue: Catalogue = Depends(get_catalogue),
) -> PublicListOut:
    return PublicListOut.model_validate(
        public_json(public_list(db, plan_id, zone=zone, region=region), lang, catalogue)
    )
