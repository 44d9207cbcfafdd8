"""`/plans`: the semi-annual lists of preventive control with a visit: the stored lists, drafting one (with
an optional capacity file), a list with its rows beyond capacity and its exclusions, what changed against
the list it was compared with, approving and publishing (planners and admins), and the printed list.

An approved or published list never changes: its page offers no control that would change it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from fastapi import Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import (
    get_catalog_service,
    get_catalogue,
    get_database,
    get_settings,
    request_today,
)
from tekseru.http.files import attachment
from tekseru.http.language import request_language, said
from tekseru.http.refusals import PLAN_ERRORS, service_errors
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.i18n import format_half_year
from tekseru.i18n.plan_changes import change_lines, edition_naming
from tekseru.planning import HalfYear, InvalidHalfYear, PlanningInputError
from tekseru.services import inspections, plans
from tekseru.services.auth import Database
from tekseru.services.catalog import CatalogService
from tekseru.services.exports import sorted_rows
from tekseru.services.permissions import Actor, Permission
from tekseru.services.plans import CapacityFileError, PlanError, StaleVersion
from tekseru.services.registry_queries import Page, SubjectSort
from tekseru.settings import Settings
from tekseru.web.navigation import Section
from tekseru.web.templating import render

router = PathRouter(
    prefix="/plans", include_in_schema=False, dependencies=[Depends(service_errors(PLAN_ERRORS, page=True))]
)
section = Section(key="plans", route_name="plans_index", prefix="/plans", permission=Permission.READ_PLANS)

Db = Depends(get_database)
Catalog = Depends(get_catalog_service)
Signed = Depends(page_actor)
STATUSES = ("draft", "approved", "published")
# Rows of a list on one page: a list of hundreds of rows is read a page at a time, grouped.
ROWS_PER_PAGE = 100


def half_years(today: date) -> list[str]:
    """The half-years a list is usually drafted for: the previous, the current and the next two."""
    current = HalfYear.containing(today)
    return [str(h) for h in (current.previous(), current, current.next(), current.next().next())]


def _index(
    request: Request,
    actor: Actor,
    db: Database,
    *,
    filters: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    error: str | None = None,
    problems: list[str] | None = None,
) -> Response:
    filters = filters or {"half_year": "", "status": ""}
    stored = plans.list_plans(
        db, actor, half_year=filters["half_year"] or None, status=filters["status"] or None
    )
    choices = half_years(request_today(request))
    context = {
        "plans": stored,
        "filters": filters,
        "statuses": STATUSES,
        "half_years": sorted({*choices, *(p.record.half_year for p in stored)}, reverse=True),
        "draft_half_years": choices,
        "form": form or {"half_year": choices[2], "as_of": ""},
        "can_write": actor.can(Permission.WRITE_PLANS),
        "error": error,
        "problems": problems or [],
    }
    return render(request, "plans/index.html", context, status_code=400 if error else 200)


@router.get("", response_class=HTMLResponse, name="plans_index")
def index(
    request: Request,
    half_year: str = Query("", pattern=r"^(\d{4}-H[12])?$"),
    status: str = Query("", pattern="^(draft|approved|published)?$"),
    actor: Actor = Signed,
    db: Database = Db,
) -> Response:
    return _index(request, actor, db, filters={"half_year": half_year, "status": status})


@router.post("", name="plans_draft")
def draft(
    request: Request,
    half_year: str = Form(""),
    as_of: str = Form(""),
    capacity: UploadFile | None = File(None),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    form = {"half_year": half_year, "as_of": as_of}
    try:
        day = date.fromisoformat(as_of) if as_of else None
        limits = None
        if capacity is not None and capacity.filename:
            content = capacity.file.read(plans.CAPACITY_UPLOAD_LIMIT + 1)
            limits = plans.read_capacity_upload(actor, capacity.filename, content, catalogue.regions)
        stored = plans.draft_plan(db, actor, half_year, as_of=day, capacity=limits, catalogue=catalogue)
    except CapacityFileError as problem:
        lines = [error.describe(request_language(request)) for error in problem.errors]
        return _index(request, actor, db, form=form, error=said(request, problem), problems=lines)
    except (PlanError, InvalidHalfYear, PlanningInputError, ValueError) as problem:
        return _index(request, actor, db, form=form, error=said(request, problem))
    return _redirect(request, stored.id, "drafted")


def _redirect(request: Request, plan_id: int, done: str) -> Response:
    target = request.app.url_path_for("plans_plan", plan_id=str(plan_id))
    return RedirectResponse(f"{target}?done={done}", status_code=303)


def _context(catalog: CatalogService, edition_id: str, language: str) -> dict[str, Any]:
    return {
        "edition": catalog.edition(edition_id),
        "regions": catalog.catalogue.regions.reading_order(language),
    }


@router.get("/{plan_id}", response_class=HTMLResponse, name="plans_plan")
def plan(
    request: Request,
    plan_id: int,
    region: str = "",
    month: int | None = Query(None, ge=1, le=12),
    page: int = Query(1, ge=1, le=100_000),
    excluded_page: int = Query(1, ge=1, le=100_000),
    done: str = Query("", pattern="^(drafted|approved|published)?$"),
    sort: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    return _plan_page(
        request,
        actor,
        db,
        catalog,
        plan_id,
        region=region,
        month=month,
        page=page,
        excluded_page=excluded_page,
        done=done,
        sort=sort,
    )


@dataclass(frozen=True)
class RowGroup:
    """The rows of a list in one region and planned month: `count` of them in all, `rows` on this page."""

    region: str
    month: int | None
    count: int
    rows: list[Any]


def _grouped(
    rows: list[Any], region_order: list[str], paging: Page, sort: SubjectSort | None = None
) -> tuple[list[RowGroup], list[RowGroup]]:
    """Every (region, month) group with its count, and the groups of the page's rows: rows ordered by
    region (the catalogue's order), month and then rank or `sort`'s column (equal ones by rank), so that a
    page shows whole runs of a group."""
    place = {key: n for n, key in enumerate(region_order)}

    def key(row: Any) -> tuple[int, str, int]:
        return (place.get(row.region, len(place)), row.region, row.planned_month or 13)

    ordered = sorted(sorted_rows(rows, sort), key=key)
    counts: dict[tuple[str, int | None], int] = {}
    for row in ordered:
        counts[(row.region, row.planned_month)] = counts.get((row.region, row.planned_month), 0) + 1
    every = [RowGroup(r, m, n, []) for (r, m), n in counts.items()]
    shown: list[RowGroup] = []
    for row in ordered[paging.offset : paging.offset + paging.per_page]:
        if not shown or (shown[-1].region, shown[-1].month) != (row.region, row.planned_month):
            shown.append(RowGroup(row.region, row.planned_month, counts[(row.region, row.planned_month)], []))
        shown[-1].rows.append(row)
    return every, shown


def _plan_page(
    request: Request,
    actor: Actor,
    db: Database,
    catalog: CatalogService,
    plan_id: int,
    *,
    region: str = "",
    month: int | None = None,
    page: int = 1,
    excluded_page: int = 1,
    done: str = "",
    stale: StaleVersion | None = None,
    refused: str | None = None,
    sort: str = "",
) -> Response:
    """The list; after a change refused because someone changed the list since the page was loaded
    (`stale`), with what it is now and what the user asked, and 409; likewise 409 with the reason
    (`refused`) when another list of the half-year and its regions was approved first."""
    stored = plans.get_plan(db, actor, plan_id)
    keep = (lambda row: row.region == region) if region else (lambda row: True)
    in_region = [row for row in stored.plan.included if keep(row)]
    included = [row for row in in_region if month is None or row.planned_month == month]
    paging = Page(page, ROWS_PER_PAGE, len(included))
    if paging.page > paging.pages:
        paging = Page(paging.pages, ROWS_PER_PAGE, len(included))
    # The region-by-month table and the rows follow the region filter's order: the reader's alphabet.
    region_order = [item.key for item in catalog.catalogue.regions.reading_order(request_language(request))]
    groups, _ = _grouped(in_region, region_order, Page(1, ROWS_PER_PAGE, len(in_region)))
    order = SubjectSort.from_parameter(sort)
    _, shown = _grouped(included, region_order, paging, order)
    excluded = [row for row in stored.plan.excluded if keep(row)]
    excluded_paging = Page(excluded_page, ROWS_PER_PAGE, len(excluded))
    if excluded_paging.page > excluded_paging.pages:
        excluded_paging = Page(excluded_paging.pages, ROWS_PER_PAGE, len(excluded))
    context = {
        "stored": stored,
        "included": included,
        "groups": groups,
        "shown": shown,
        "paging": paging,
        "month": month,
        "overflow": [row for row in stored.plan.overflow if keep(row)],
        # The subjects not on the list are every other subject of the registry (thousands): a page at a time.
        "excluded": excluded[excluded_paging.offset : excluded_paging.offset + excluded_paging.per_page],
        "excluded_paging": excluded_paging,
        "region": region,
        "sort": sort if order is not None else "",
        "done": done,
        "conflict": None if stale is None else stale.conflicts[0],
        "refused": refused,
        "steps": plans.allowed_steps(actor, stored),
        "progress": inspections.plan_progress(db, actor, plan_id) if stored.frozen else None,
        "title_params": {
            "id": stored.id,
            "half_year": format_half_year(stored.record.half_year, request_language(request)),
        },
        **_context(catalog, stored.record.edition_id, request_language(request)),
    }
    conflicted = stale is not None or refused is not None
    return render(request, "plans/plan.html", context, status_code=409 if conflicted else 200)


@router.get("/{plan_id}/diff", response_class=HTMLResponse, name="plans_diff")
def diff(
    request: Request,
    plan_id: int,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    comparison = plans.plan_diff(db, actor, plan_id)
    language = request_language(request)
    naming = edition_naming(catalog.edition(comparison.plan.record.edition_id), catalog.catalogue.regions)
    moved = comparison.diff.moved if comparison.diff else ()
    context = {
        "comparison": comparison,
        "moved": [(row, change_lines(row, language, naming)) for row in moved],
        "title_params": {"id": plan_id},
        **_context(catalog, comparison.plan.record.edition_id, request_language(request)),
    }
    return render(request, "plans/diff.html", context)


def _version(text: str) -> int | None:
    """The version of the list the page was loaded with (a hidden field); None from an older page."""
    return int(text) if text.isdigit() and len(text) < 10 else None


Version = Form("")


def _step(
    request: Request, actor: Actor, db: Database, catalog: CatalogService, plan_id: int
) -> Callable[[Callable[..., Any], str, Callable[[Any], Response]], Response]:
    """One step of a list's life from its page: done, then `answer`; or, when the list changed since the
    page was loaded, the list's page again with the stored and the submitted versions."""

    def take(change: Callable[..., Any], version: str, answer: Callable[[Any], Response]) -> Response:
        try:
            outcome = change(db, actor, plan_id, version=_version(version))
        except StaleVersion as stale:
            return _plan_page(request, actor, db, catalog, plan_id, stale=stale)
        except plans.PlanAlreadyApproved as other:  # another list took the half-year first: 409, said why
            return _plan_page(request, actor, db, catalog, plan_id, refused=said(request, other))
        except (plans.PlanFrozen, plans.PlanNotApproved) as late:  # a second tab, a retried request: 409
            return _plan_page(request, actor, db, catalog, plan_id, refused=said(request, late))
        return answer(outcome)

    return take


@router.post("/{plan_id}/approve", name="plans_approve")
def approve(
    request: Request,
    plan_id: int,
    version: str = Version,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    step = _step(request, actor, db, catalog, plan_id)
    return step(plans.approve_plan, version, lambda stored: _redirect(request, stored.id, "approved"))


@router.post("/{plan_id}/publish", name="plans_publish")
def publish(
    request: Request,
    plan_id: int,
    version: str = Version,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    step = _step(request, actor, db, catalog, plan_id)
    publish_plan = partial(plans.publish_plan, catalogue=catalog.catalogue)
    return step(publish_plan, version, lambda stored: _redirect(request, stored.id, "published"))


@router.post("/{plan_id}/discard", name="plans_discard")
def discard(
    request: Request,
    plan_id: int,
    version: str = Version,
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    index = RedirectResponse(str(request.app.url_path_for("plans_index")), status_code=303)
    return _step(request, actor, db, catalog, plan_id)(plans.discard_draft, version, lambda _: index)


@router.get("/{plan_id}/document", name="plans_document")
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
