"""`/admin/contacts`: where notices by e-mail go. An administrator sets (or, with an empty address, removes)
the address of a subject by its BIN and of a user, through the same use cases as `tekseru outbox
subject-email|user-email` (`tekseru.services.notices`), which check the address and audit the change."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.http.dependencies import get_database
from tekseru.http.language import said
from tekseru.http.security import page_actor
from tekseru.services.auth import Database
from tekseru.services.notices import ContactError, contacts, set_subject_email, set_user_email
from tekseru.services.permissions import Actor
from tekseru.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
section = None

EMPTY_FORM = {"which": "", "bin": "", "subject_email": "", "username": "", "user_email": ""}
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


@router.post("/contacts/subject", response_class=HTMLResponse, name="admin_contacts_subject")
def subject(
    request: Request,
    bin: str = Form("", max_length=64),
    email: str = Form("", max_length=1000),
    actor: Actor = Signed,
    db: Database = Db,
) -> Response:
    contacts(db, actor)  # administrators only, before anything is said about the BIN
    try:
        set_subject_email(db, actor, bin.strip(), email)
    except ContactError as refused:
        form = {"which": "subject", "bin": bin, "subject_email": email}
        return _page(request, actor, db, error=said(request, refused), form=form)
    return RedirectResponse(request.app.url_path_for("admin_contacts") + "?done=subject", status_code=303)


@router.post("/contacts/user", response_class=HTMLResponse, name="admin_contacts_user")
def user(
    request: Request,
    username: str = Form("", max_length=64),
    email: str = Form("", max_length=1000),
    actor: Actor = Signed,
    db: Database = Db,
) -> Response:
    try:
        set_user_email(db, actor, username.strip().lower(), email)
    except ContactError as refused:
        form = {"which": "user", "username": username, "user_email": email}
        return _page(request, actor, db, error=said(request, refused), form=form)
    return RedirectResponse(request.app.url_path_for("admin_contacts") + "?done=user", status_code=303)
