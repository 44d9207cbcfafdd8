"""`/admin/contacts`: where notices by e-mail go. An administrator sets (or, with an empty address, removes)
the address of a subject by its BIN and of a user, through the same use cases as `tekseru outbox
subject-email|user-email` (`tekseru.services.notices`), which check the address and audit the change."""

from __future__ import annotations

from typing import Literal

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.http.dependencies import get_database
from tekseru.http.language import said
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services.auth import Database
from tekseru.services.notices import ContactError, contacts, set_subject_email, set_user_email
from tekseru.services.permissions import Actor
from tekseru.web.templating import render

router = PathRouter(prefix="/admin", include_in_schema=False)
section = None

EMPTY_FORM = {"which": "", "key": "", "email": ""}
Signed = Depends(page_actor)
Db = Depends(get_database)


def _page(
    request: Request,
    actor: Actor,
    db: Database,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    context = {
        "title_key": "contacts.title",
        "contacts": contacts(db, actor),
        "error": error,
        "form": {**EMPTY_FORM, **(form or {})},
        "done": done,
    }
    return render(request, "admin/contacts.html", context, status_code=422 if error else 200)


@router.get("/contacts", response_class=HTMLResponse, name="admin_contacts")
def page(
    request: Request,
    done: str = Query("", pattern="^(subject|user)?$"),
    actor: Actor = Signed,
    db: Database = Db,
) -> Response:
    return _page(request, actor, db, done=done)


SETTERS = {"subject": set_subject_email, "user": set_user_email}


@router.post("/contacts/{which}", response_class=HTMLResponse, name="admin_contacts_set")
def set_contact(
    request: Request,
    which: Literal["subject", "user"],
    key: str = Form("", max_length=64, description="The subject's BIN or the user's name."),
    email: str = Form("", max_length=1000),
    actor: Actor = Signed,
    db: Database = Db,
) -> Response:
    contacts(db, actor)  # administrators only, before anything is said about the BIN or the user
    try:
        SETTERS[which](db, actor, key.strip().lower(), email)
    except ContactError as refused:
        form = {"which": which, "key": key, "email": email}
        return _page(request, actor, db, error=said(request, refused), form=form)
    return RedirectResponse(request.app.url_path_for("admin_contacts") + f"?done={which}", status_code=303)
