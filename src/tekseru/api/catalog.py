"""`/api/v1/catalog`: the act's catalogue. Every route parses, calls `CatalogService` and presents.

Without `edition` a route reads the edition in force today. Unknown editions and entries answer 404
with a message naming what exists (see `tekseru.http.errors`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from tekseru.api.schemas.catalog import (
    ChecklistOut,
    ChecklistSummaryOut,
    CriterionDetailOut,
    CriterionOut,
    DiffOut,
    EditionOut,
    GroupOut,
)
from tekseru.api.schemas.common import NOT_FOUND_RESPONSE, Layered
from tekseru.catalog import Severity
from tekseru.http.dependencies import get_catalog_service
from tekseru.services.catalog import CatalogService

router = APIRouter(prefix="/catalog", tags=["catalog"], responses=NOT_FOUND_RESPONSE)

Service = Depends(get_catalog_service)
EditionQuery = Query(None, description="Edition id (default: the edition in force today).")


@router.get("/editions", response_model=list[EditionOut], summary="Editions of the act")
def editions(service: CatalogService = Service) -> list[EditionOut]:
    return [EditionOut.model_validate(summary) for summary in service.editions()]


@router.get("/editions/{edition_id}/export", summary="The whole edition as JSON")
def export(edition_id: str, service: CatalogService = Service) -> dict[str, Any]:
    return service.export(edition_id)


@router.get("/criteria", response_model=list[CriterionOut], summary="Subjective criteria (Appendix 1)")
def criteria(
    severity: Severity | None = Query(None, description="gross, significant or minor."),
    source_group: int | None = Query(None, ge=1, description="Information source group."),
    edition: str | None = EditionQuery,
    service: CatalogService = Service,
) -> list[CriterionOut]:
    return [
        CriterionOut.model_validate(c)
        for c in service.criteria(edition, severity=severity, source_group=source_group)
    ]


@router.get("/criteria/{number}", response_model=CriterionDetailOut, summary="One criterion")
def criterion(
    number: int, edition: str | None = EditionQuery, service: CatalogService = Service
) -> CriterionDetailOut:
    view = service.criterion(number, edition)
    return CriterionDetailOut.model_validate(Layered(view, view.criterion))


@router.get("/checklists", response_model=list[ChecklistSummaryOut], summary="Checklists (Appendices 2 to 7)")
def checklists(
    edition: str | None = EditionQuery, service: CatalogService = Service
) -> list[ChecklistSummaryOut]:
    return [ChecklistSummaryOut.model_validate(checklist) for checklist in service.checklists(edition)]


@router.get("/checklists/{appendix}", response_model=ChecklistOut, summary="One checklist with its items")
def checklist(
    appendix: int, edition: str | None = EditionQuery, service: CatalogService = Service
) -> ChecklistOut:
    view = service.checklist(appendix, edition)
    return ChecklistOut.model_validate(Layered(view, view.checklist))


@router.get("/groups", response_model=list[GroupOut], summary="Control groups")
def groups(edition: str | None = EditionQuery, service: CatalogService = Service) -> list[GroupOut]:
    return [GroupOut.model_validate(group) for group in service.groups(edition)]


@router.get("/groups/{key}", response_model=GroupOut, summary="One control group")
def group(key: str, edition: str | None = EditionQuery, service: CatalogService = Service) -> GroupOut:
    return GroupOut.model_validate(service.group(key, edition))


@router.get("/diff", response_model=DiffOut, summary="What changed between two editions")
def diff(
    a: str = Query(..., description="The older edition id."),
    b: str = Query(..., description="The newer edition id."),
    service: CatalogService = Service,
) -> DiffOut:
    return DiffOut.model_validate(service.diff(a, b))
