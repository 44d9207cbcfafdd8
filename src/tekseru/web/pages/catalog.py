"""`/catalog/...`: the act's criteria, checklists, control groups and editions, in the reader's language.

Filters come from GET forms, so every filtered list has an address; `edition` (optional everywhere)
selects an edition other than the one in force.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from tekseru.catalog import Severity
from tekseru.http.dependencies import get_catalog_service
from tekseru.http.routing import PathRouter
from tekseru.services.catalog import CatalogService
from tekseru.web.navigation import Section
from tekseru.web.templating import render

router = PathRouter(prefix="/catalog", include_in_schema=False)
section = Section(key="catalog", route_name="catalog_index", prefix="/catalog")

Service = Depends(get_catalog_service)


def _page(
    request: Request, template: str, service: CatalogService, edition: str | None, **context: Any
) -> HTMLResponse:
    chosen = service.edition(edition)
    common = {"edition": chosen, "edition_param": edition or None, "in_force": service.edition().id}
    return render(request, f"catalog/{template}.html", {**common, **context})


def _severity(value: str) -> Severity | None:
    return Severity(value) if value in {s.value for s in Severity} else None


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@router.get("", response_class=HTMLResponse, name="catalog_index")
def index(request: Request, edition: str | None = None, service: CatalogService = Service) -> HTMLResponse:
    return _page(request, "index", service, edition)


@router.get("/criteria", response_class=HTMLResponse, name="catalog_criteria")
def criteria(
    request: Request,
    severity: str = "",
    source_group: str = "",
    edition: str | None = None,
    service: CatalogService = Service,
) -> HTMLResponse:
    chosen, group = _severity(severity), _number(source_group)
    found = service.criteria(edition, severity=chosen, source_group=group)
    total = len(service.criteria(edition))
    return _page(
        request,
        "criteria",
        service,
        edition,
        criteria=found,
        total=total,
        severity=chosen,
        source_group=group,
        severities=list(Severity),
    )


@router.get("/criteria/{number}", response_class=HTMLResponse, name="catalog_criterion")
def criterion(
    request: Request, number: int, edition: str | None = None, service: CatalogService = Service
) -> HTMLResponse:
    return _page(request, "criterion", service, edition, view=service.criterion(number, edition))


@router.get("/checklists", response_class=HTMLResponse, name="catalog_checklists")
def checklists(
    request: Request, edition: str | None = None, service: CatalogService = Service
) -> HTMLResponse:
    return _page(request, "checklists", service, edition, checklists=service.checklists(edition))


@router.get("/checklists/{appendix}", response_class=HTMLResponse, name="catalog_checklist")
def checklist(
    request: Request, appendix: int, edition: str | None = None, service: CatalogService = Service
) -> HTMLResponse:
    return _page(request, "checklist", service, edition, view=service.checklist(appendix, edition))


@router.get("/groups", response_class=HTMLResponse, name="catalog_groups")
def groups(request: Request, edition: str | None = None, service: CatalogService = Service) -> HTMLResponse:
    return _page(request, "groups", service, edition, groups=service.groups(edition))


@router.get("/editions", response_class=HTMLResponse, name="catalog_editions")
def editions(request: Request, service: CatalogService = Service) -> HTMLResponse:
    return _page(request, "editions", service, None, editions=service.editions())


@router.get("/diff", response_class=HTMLResponse, name="catalog_diff")
def diff(request: Request, a: str = "", b: str = "", service: CatalogService = Service) -> HTMLResponse:
    result = service.diff(a, b) if a and b else None
    return _page(request, "diff", service, None, editions=service.editions(), a=a, b=b, diff=result)
