"""`/api/v1/rosters`: the reconciliation of the three rosters on a date, the stored reports evidence of rows
78 to 84 refers to, and making that evidence. IINs leave masked unless the user's role is entitled."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE
from tekseru.api.schemas.rosters import EvidenceOutcomeOut, ReconciliationOut, SystemReportOut
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import Today, get_catalogue, get_database
from tekseru.http.language import reader_language, translate
from tekseru.http.security import api_actor
from tekseru.services import roster_reports
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor

router = APIRouter(
    prefix="/rosters", tags=["rosters"], responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE}
)

Db = Depends(get_database)
Signed = Depends(api_actor)


@router.get(
    "/reconciliation",
    response_model=ReconciliationOut,
    summary="Reconcile the provider, E-Sobes and portal rosters on a date",
    name="api_rosters_reconciliation",
)
def reconciliation(
    as_of: date = Query(description="The date (YYYY-MM-DD)."), actor: Actor = Signed, db: Database = Db
) -> ReconciliationOut:
    found = roster_reports.reconcile(db, as_of, actor=actor)
    return ReconciliationOut.model_validate(found.to_json(reveal=roster_reports.sees_iins(actor)))


@router.get(
    "/reports/{report_id}",
    response_model=SystemReportOut,
    summary="A stored report that evidence of rows 78 to 84 refers to",
    name="api_rosters_report",
)
def report(request: Request, report_id: str, actor: Actor = Signed, db: Database = Db) -> SystemReportOut:
    found = roster_reports.report_for_evidence(db, roster_reports.REFERENCE_PREFIX + report_id, actor=actor)
    if found is None:
        raise HTTPException(
            404, translate(reader_language(request), "rosters.report_not_found", report=report_id)
        )
    return SystemReportOut.model_validate(found)


@router.post(
    "/evidence",
    response_model=EvidenceOutcomeOut,
    summary="Turn what the information systems' data show into evidence (rows 78 to 84)",
    name="api_rosters_evidence",
)
def evidence(
    as_of: date = Query(description="The date (YYYY-MM-DD)."),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
    today: date = Today,
) -> EvidenceOutcomeOut:
    outcome = roster_reports.make_evidence(db, catalogue.edition_at(today), as_of, actor=actor)
    return EvidenceOutcomeOut.model_validate(asdict(outcome))
