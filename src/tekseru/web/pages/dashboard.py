"""`/`: the start page. Until the registry and assessments exist it summarises the edition in force."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tekseru.catalog import Severity
from tekseru.services.catalog import CatalogService
from tekseru.web.dependencies import get_catalog_service
from tekseru.web.navigation import Section
from tekseru.web.templating import render

router = APIRouter(include_in_schema=False)
section = Section(key="dashboard", route_name="dashboard", prefix="/")


@router.get("/", response_class=HTMLResponse, name="dashboard")
def dashboard(request: Request, service: CatalogService = Depends(get_catalog_service)) -> HTMLResponse:
    context = {
        "edition": service.edition(),
        "counts": service.criteria_counts(),
        "severities": list(Severity),
    }
    return render(request, "pages/dashboard.html", context)
