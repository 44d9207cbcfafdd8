"""`/api/v1/outbox`: the notices by e-mail as administrators see them (counts by status, newest messages)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE
from tekseru.api.schemas.public import OutboxMessageOut, OutboxOut
from tekseru.http.dependencies import get_database
from tekseru.http.security import api_actor
from tekseru.services.auth import Database
from tekseru.services.outbox import outbox_state
from tekseru.services.permissions import Actor

router = APIRouter(prefix="/outbox", tags=["outbox"], responses=FORBIDDEN_RESPONSE)


@router.get(
    "", response_model=OutboxOut, summary="The outbox: counts by status, newest messages", name="api_outbox"
)
def outbox(
    status: str | None = Query(None, pattern="^(pending|sending|sent|failed)$"),
    limit: int = Query(100, ge=1, le=1000),
    actor: Actor = Depends(api_actor),
    db: Database = Depends(get_database),
) -> OutboxOut:
    state = outbox_state(db, actor, status=status, limit=limit)
    return OutboxOut(
        counts=state.counts,
        messages=[
            OutboxMessageOut.model_validate(message, from_attributes=True) for message in state.messages
        ],
    )
