"""`/api/v1/audit`: the audit log, newest first, and its verification (admins only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from tekseru.api.schemas.accounts import AuditPageOut, AuditVerificationOut
from tekseru.api.schemas.common import FORBIDDEN_RESPONSE
from tekseru.http.dependencies import get_database
from tekseru.http.security import api_actor
from tekseru.services import audit
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor
from tekseru.services.registry_queries import MAX_PAGE

router = APIRouter(prefix="/audit", tags=["audit"], responses=FORBIDDEN_RESPONSE)


@router.get("", response_model=AuditPageOut, summary="Audit log entries", name="api_audit_entries")
def entries(
    actor_name: str | None = Query(None, alias="actor", description="Who made the change (user name)."),
    action: str | None = Query(None, description="e.g. user.create, evidence.add, import.subjects."),
    entity: str | None = Query(None, description="user, subject, job, assessment."),
    key: str | None = Query(None, description="Which one: a user name, a BIN, a job id."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(50, ge=1, le=500),
    actor: Actor = Depends(api_actor),
    db: Database = Depends(get_database),
) -> AuditPageOut:
    where = audit.AuditFilter(actor=actor_name, action=action, entity=entity, entity_key=key)
    return AuditPageOut.model_validate(audit.browse(db, actor, where, page=page, per_page=per_page))


@router.get(
    "/verify",
    response_model=AuditVerificationOut,
    summary="Verify the audit log's hash chain and the records it seals",
    name="api_audit_verify",
)
def verify(
    anchor: str | None = Query(
        None, max_length=64, description="A head hash from an earlier verification: is it still in the chain?"
    ),
    actor: Actor = Depends(api_actor),
    db: Database = Depends(get_database),
) -> AuditVerificationOut:
    """Like `tekseru audit verify`: `ok`, or the problems found, the first bad entry or record first."""
    return AuditVerificationOut.model_validate(audit.verify(db, actor, anchor=anchor))
