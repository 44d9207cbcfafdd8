"""`/api/v1`: from the list to the visit (docs/web.md): a list's fulfilment row by row, starting the
inspection of a list row, a planner's reason for a row that will not be inspected, assigning inspectors,
one inspection's number and origin, and the signed-in inspector's visits. `tekseru.services.inspections`
decides who may do what and writes the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Response

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE, ErrorOut
from tekseru.api.schemas.visits import (
    AssignedOut,
    AssignIn,
    FulfilmentOut,
    MyVisitsOut,
    RowReasonIn,
    StartIn,
    VisitOut,
)
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import Today, get_catalogue, get_database
from tekseru.http.refusals import INSPECTION_ERRORS, PLAN_ERRORS, service_errors
from tekseru.http.security import api_actor
from tekseru.services import inspections
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor

REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Not in this status"},
    422: {"model": ErrorOut, "description": "Refused: no such row, a row started already, a draft list..."},
}
router = APIRouter(
    tags=["visits"],
    responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE},
    dependencies=[Depends(service_errors({**INSPECTION_ERRORS, **PLAN_ERRORS}, page=False))],
)
Db = Depends(get_database)
Signed = Depends(api_actor)


@router.get(
    "/plans/{plan_id}/fulfilment",
    response_model=FulfilmentOut,
    summary="Each row's visit and whether the list is fulfilled",
    name="api_visits_fulfilment",
)
def fulfilment(plan_id: int, actor: Actor = Signed, db: Database = Db) -> FulfilmentOut:
    return FulfilmentOut.of(inspections.plan_progress(db, actor, plan_id))


@router.post(
    "/plans/{plan_id}/rows/{rank}/inspection",
    response_model=VisitOut,
    status_code=201,
    responses=REFUSED,
    summary="Start the inspection of a row of an approved list",
    name="api_visits_start",
)
def start(
    plan_id: int,
    rank: int,
    body: StartIn,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> VisitOut:
    header = inspections.InspectionHeader(
        inspections.PREVENTIVE_CONTROL,
        body.act_number,
        body.act_date,
        tuple(body.inspectors),
        body.planned_on,
    )
    record = inspections.start_inspection(
        db, actor, plan_id, rank, header, appendix=body.appendix, catalogue=catalogue
    )
    return VisitOut.of(inspections.inspection_visit(db, actor, record.id))


@router.put(
    "/plans/{plan_id}/rows/{rank}/reason",
    status_code=204,
    responses=REFUSED,
    summary="Record why a row will not be inspected (planners)",
    name="api_visits_reason",
)
def reason(plan_id: int, rank: int, body: RowReasonIn, actor: Actor = Signed, db: Database = Db) -> Response:
    inspections.record_row_reason(db, actor, plan_id, rank, body.reason)
    return Response(status_code=204)


@router.get(
    "/inspections/{inspection_id}/visit",
    response_model=VisitOut,
    summary="An inspection's number, origin and inspectors",
    name="api_visits_visit",
)
def visit(inspection_id: int, actor: Actor = Signed, db: Database = Db) -> VisitOut:
    return VisitOut.of(inspections.inspection_visit(db, actor, inspection_id))


@router.put(
    "/inspections/{inspection_id}/inspectors",
    response_model=AssignedOut,
    responses=REFUSED,
    summary="Assign inspectors to an inspection (planners)",
    name="api_visits_assign",
)
def assign(
    inspection_id: int,
    body: AssignIn,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> AssignedOut:
    assigned = inspections.assign_inspectors(db, actor, inspection_id, body.inspectors, catalogue=catalogue)
    return AssignedOut(inspection_id=inspection_id, assigned=list(assigned))


@router.get(
    "/visits", response_model=MyVisitsOut, summary="The signed-in user's visits", name="api_visits_mine"
)
def mine(actor: Actor = Signed, db: Database = Db, today: date = Today) -> MyVisitsOut:
    return MyVisitsOut.of(inspections.my_visits(db, actor, today=today))
