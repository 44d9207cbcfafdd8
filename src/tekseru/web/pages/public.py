"""`/public`: the public register, readable without signing in: the published semi-annual lists by
half-year and region, a page per list at a stable address (`/public/lists/{number}`), and the same list as
CSV and JSON (open data). Nothing here needs or shows a session; the rows hold no personal data
(`tekseru.services.public_register`)."""

from __future__ import annotations

from typing import Literal

from fastapi import Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import Zone, get_catalogue, get_database
from tekseru.http.language import request_language
from tekseru.http.refusals import PLAN_ERRORS, service_errors
from tekseru.http.routing import PathRouter
from tekseru.services.auth import Database
from tekseru.services.public_register import (
    PUBLIC_LANGUAGES,
    public_file,
    public_index,
    public_json,
    public_list,
)
from tekseru.web.templating import render

router = PathRouter(
    prefix="/public", include_in_schema=False, dependencies=[Depends(service_errors(PLAN_ERRORS, page=True))]
)
section = None

Db = Depends(get_database)
REGION = Query("", pattern=r"^[a-z_]{0,32}$", description="A region key, to show only its rows.")
HALF_YEAR = Query("", pattern=r"^(\d{4}-H[12])?$")
PLAN_ID = Path(ge=1, le=2_147_483_647, description="The list's number.")


def file_language(request: Request) -> str:
    """The language of a file: the page's, when it is Kazakh or Russian; else Kazakh, the official one."""
    language = request_language(request)
    return language if language in PUBLIC_LANGUAGES else PUBLIC_LANGUAGES[0]


@router.get("", name="public_home")
def home(request: Request) -> Response:
    return RedirectResponse(request.url_for("public_index").path, status_code=303)


def regions_in_order(keys: list[str], language: str, catalogue: Catalogue) -> list[str]:
    """Region keys in the order a reader of `language` looks for them: the catalogue's own order (the Kazakh
    alphabet) in Kazakh, alphabetical by the region's name otherwise."""
    if language == "kk":
        return keys
    return sorted(keys, key=lambda key: catalogue.regions.name_of(key, language).casefold())


@router.get("/lists", response_class=HTMLResponse, name="public_index")
def index(
    request: Request,
    half_year: str = HALF_YEAR,
    region: str = REGION,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
    zone: str = Zone,
) -> Response:
    lists = public_index(db, zone=zone, half_year=half_year or None, region=region or None)
    every = public_index(db, zone=zone)
    by_half_year: dict[str, list[object]] = {}
    for summary in lists:
        by_half_year.setdefault(summary.half_year, []).append(summary)
    context = {
        "title_key": "public.index.title",
        "by_half_year": by_half_year,
        "filters": {"half_year": half_year, "region": region},
        "half_years": sorted({summary.half_year for summary in every}, reverse=True),
        "regions": regions_in_order(
            [region.key for region in catalogue.regions], request_language(request), catalogue
        ),
    }
    return render(request, "public/index.html", context)


@router.get("/lists/{plan_id}.{format}", name="public_list_file")
def list_file(
    request: Request,
    plan_id: int = PLAN_ID,
    format: Literal["csv", "json"] = Path(description="csv or json"),
    region: str = REGION,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
    zone: str = Zone,
) -> Response:
    """The list as open data: CSV to download (for Excel in the page's language: `;` between cells), JSON to
    read in place, in the page's language."""
    listing = public_list(db, plan_id, zone=zone, region=region or None)
    language = file_language(request)
    content, media_type, name = public_file(listing, format, language, catalogue, for_excel=True)
    disposition = "attachment" if format == "csv" else "inline"
    headers = {"Content-Disposition": f'{disposition}; filename="{name}"'}
    return Response(content, media_type=media_type, headers=headers)


ROWS_PER_PAGE = 100


@router.get("/lists/{plan_id}", response_class=HTMLResponse, name="public_list")
def list_page(
    request: Request,
    plan_id: int = PLAN_ID,
    region: str = REGION,
    page: int = Query(1, ge=1, le=1_000_000),
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
    zone: str = Zone,
) -> Response:
    listing = public_list(db, plan_id, zone=zone, region=region or None)
    data = public_json(listing, request_language(request), catalogue)
    rows = data["rows"]
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    page = min(page, pages)
    context = {
        "title_key": "public.list.title",
        "title_params": {"number": plan_id},
        "listing": listing,
        # a page at a time (a list of 10,000 rows would be a page of megabytes); the files hold every row
        "data": data | {"rows": rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]},
        "row_count": len(rows),
        "paging": {"page": page, "pages": pages},
        "all_regions": regions_in_order(
            list(public_list(db, plan_id, zone=zone).regions), request_language(request), catalogue
        ),
        "filters": {"region": region},
        "file_language": file_language(request),
    }
    return render(request, "public/list.html", context)
