"""`/admin/outbox`: the notices by e-mail as administrators see them: how many wait, are being sent, were
sent or failed, and the newest messages with their attempts and the mail server's last answer."""

from __future__ import annotations

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from tekseru.http.dependencies import get_database
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services.auth import Database
from tekseru.services.outbox import OUTBOX_STATUSES, outbox_state
from tekseru.services.permissions import Actor
from tekseru.web.templating import render

router = PathRouter(prefix="/admin", include_in_schema=False)
section = None


@router.get("/outbox", response_class=HTMLResponse, name="admin_outbox")
def outbox(
    request: Request,
    status: str = Query("", pattern="^(pending|sending|sent|failed)?$"),
    actor: Actor = Depends(page_actor),
    db: Database = Depends(get_database),
) -> Response:
    state = outbox_state(db, actor, status=status or None)
    context = {"state": state, "statuses": OUTBOX_STATUSES, "filters": {"status": status}}
    return render(request, "admin/outbox.html", context)
