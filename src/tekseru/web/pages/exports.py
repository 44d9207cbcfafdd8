"""`/exports/...`: the registry, a run's results, a list's rows, the inspections, their violations and the
audit log as CSV, XLSX or JSON, with the filters and the order of their pages (the links under each table
carry them); headers in the page's language."""

from __future__ import annotations

import uuid

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database, request_today
from tekseru.http.exports import FORMAT_PATTERN, export_response
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services import exports
from tekseru.services.audit import AuditFilter
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor
from tekseru.services.registry_queries import (
    CLASS_FILTERS,
    CLASSES,
    CRITERION_MAX,
    SubjectSearch,
    SubjectSort,
)

router = PathRouter(prefix="/exports", include_in_schema=False)
section = None

Db = Depends(get_database)
Held = Depends(get_catalogue)
Signed = Depends(page_actor)
Format = Query("csv", pattern=FORMAT_PATTERN)


@router.get("/registry", name="exports_registry")
def registry(
    request: Request,
    format: str = Format,
    q: str = "",
    region: str = "",
    group: str = "",
    risk_class: str = "",
    criterion: int | None = Query(None, ge=1, le=CRITERION_MAX),
    run: uuid.UUID | None = None,
    sort: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    wanted = SubjectSearch(
        text=q.strip(),
        region=region or None,
        group=group or None,
        risk_class=risk_class if risk_class in CLASS_FILTERS else None,
        criterion=criterion,
    )
    export = exports.registry(db, actor, wanted, SubjectSort.from_parameter(sort), run)
    return export_response(request, export, format, catalogue, for_excel=True)


@router.get("/results/{run_id}", name="exports_results")
def results(
    request: Request,
    run_id: uuid.UUID,
    format: str = Format,
    risk_class: str = "",
    region: str = "",
    sort: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    export = exports.results(
        db,
        actor,
        run_id,
        risk_class=risk_class if risk_class in CLASSES else None,
        region=region or None,
        sort=SubjectSort.from_parameter(sort),
    )
    return export_response(request, export, format, catalogue, for_excel=True)


@router.get("/audit", name="exports_audit")
def audit(
    request: Request,
    format: str = Format,
    who: str = "",
    action: str = "",
    entity: str = "",
    key: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    """The audit log's filters have the names of its page's (`who` is the actor who acted)."""
    where = AuditFilter(
        actor=who or None, action=action or None, entity=entity or None, entity_key=key or None
    )
    return export_response(request, exports.audit_log(db, actor, where), format, catalogue, for_excel=True)


@router.get("/lists/{plan_id}", name="exports_list")
def plan_rows(
    request: Request,
    plan_id: int,
    format: str = Format,
    region: str = "",
    month: int | None = Query(None, ge=1, le=12),
    sort: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    export = exports.plan_rows(
        db, actor, plan_id, region=region or None, month=month, sort=SubjectSort.from_parameter(sort)
    )
    return export_response(request, export, format, catalogue, for_excel=True)


@router.get("/inspections", name="exports_inspections")
def inspections(
    request: Request,
    format: str = Format,
    status: str = Query("", pattern="^(draft|completed)?$"),
    bin: str = "",
    all: str = Query("", pattern="^(yes)?$"),
    number: str = Query("", max_length=40),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    export = exports.inspections(
        db, actor, bin=bin.strip(), status=status or None, all_revisions=all == "yes", number=number
    )
    return export_response(request, export, format, catalogue, for_excel=True)


@router.get("/violations", name="exports_violations")
def violations(
    request: Request,
    format: str = Format,
    status: str = Query("", pattern="^(open|eliminated|overdue)?$"),
    bin: str = "",
    region: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> StreamingResponse:
    """The violations found by the inspections the page lists, with their follow-up."""
    export = exports.violations(
        db,
        actor,
        bin=bin.strip(),
        status=status or None,
        region=region or None,
        today=request_today(request),
    )
    return export_response(request, export, format, catalogue, for_excel=True)
