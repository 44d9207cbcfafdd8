"""`/admin`: users (create, change role, region or whether active, reset a password) and the audit log.
Admins only: the services refuse everyone else."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.catalog.regions import Regions
from tekseru.http.dependencies import get_database, get_passwords, get_regions
from tekseru.http.language import request_language, said
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services import audit
from tekseru.services.accounts import (
    Credentials,
    InvalidUser,
    create_user,
    get_user,
    list_users,
    set_password,
    update_user,
)
from tekseru.services.auth import Database
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor, Permission, Role
from tekseru.services.registry_queries import MAX_PAGE
from tekseru.web.navigation import Section
from tekseru.web.templating import render

router = PathRouter(prefix="/admin", include_in_schema=False)
section = Section(key="admin", route_name="admin_users", prefix="/admin", permission=Permission.MANAGE_USERS)

Db = Depends(get_database)
Signed = Depends(page_actor)
Hashing = Depends(get_passwords)
Regioned = Depends(get_regions)


def _users(
    request: Request,
    actor: Actor,
    db: Database,
    regions: Regions,
    *,
    created: Credentials | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    context = {
        "users": list_users(db, actor),
        "roles": list(Role),
        "regions": regions.reading_order(request_language(request)),
        "created": created,
        "error": error,
        "form": form or {"username": "", "full_name": "", "role": "viewer", "region": "", "bins": ""},
    }
    return render(request, "admin/users.html", context, status_code=400 if error else 200)


@router.get("/users", response_class=HTMLResponse, name="admin_users")
def users(
    request: Request, actor: Actor = Signed, db: Database = Db, regions: Regions = Regioned
) -> Response:
    return _users(request, actor, db, regions)


@router.post("/users", response_class=HTMLResponse, name="admin_create_user")
def create(
    request: Request,
    username: str = Form(""),
    full_name: str = Form(""),
    role: str = Form(""),
    region: str = Form(""),
    bins: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    passwords: Passwords = Hashing,
    regions: Regions = Regioned,
) -> Response:
    form = {"username": username, "full_name": full_name, "role": role, "region": region, "bins": bins}
    try:
        _, credentials = create_user(
            db,
            actor,
            username=username,
            full_name=full_name,
            role=role,
            region=region or None,
            bins=_bins(bins),
            passwords=passwords,
            regions=regions,
        )
    except InvalidUser as problem:
        return _users(request, actor, db, regions, error=said(request, problem), form=form)
    return _users(request, actor, db, regions, created=credentials)


def _bins(text: str) -> list[str]:
    """The BINs of a subject's account, as typed: separated by spaces, commas or lines."""
    return [part for part in text.replace(",", " ").split() if part]


def _user(
    request: Request, actor: Actor, db: Database, regions: Regions, username: str, **extra: Any
) -> Response:
    actor.require(Permission.MANAGE_USERS)  # get_user alone lets users read their own record
    context = {
        "user": get_user(db, actor, username),
        "roles": list(Role),
        "regions": regions.reading_order(request_language(request)),
        "reset": None,
        "error": None,
        "saved": request.query_params.get("saved") == "1",
        "title_params": {"username": username},
        **extra,
    }
    return render(request, "admin/user.html", context, status_code=400 if context["error"] else 200)


@router.get("/users/{username}", response_class=HTMLResponse, name="admin_user")
def user(
    request: Request, username: str, actor: Actor = Signed, db: Database = Db, regions: Regions = Regioned
) -> Response:
    return _user(request, actor, db, regions, username)


@router.post("/users/{username}", response_class=HTMLResponse, name="admin_update_user")
def update(
    request: Request,
    username: str,
    full_name: str = Form(""),
    role: str = Form(""),
    region: str = Form(""),
    active: str = Form(""),
    bins: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    regions: Regions = Regioned,
) -> Response:
    try:
        update_user(
            db,
            actor,
            username,
            full_name=full_name,
            role=role or None,
            region=region or None,
            active=active == "yes",
            bins=_bins(bins),
            regions=regions,
        )
    except InvalidUser as problem:
        return _user(request, actor, db, regions, username, error=said(request, problem))
    target = request.app.url_path_for("admin_user", username=username)
    return RedirectResponse(f"{target}?saved=1", status_code=303)


@router.post("/users/{username}/password", response_class=HTMLResponse, name="admin_reset_password")
def reset_password(
    request: Request,
    username: str,
    actor: Actor = Signed,
    db: Database = Db,
    passwords: Passwords = Hashing,
    regions: Regions = Regioned,
) -> Response:
    reset = set_password(db, actor, username, passwords=passwords)
    return _user(request, actor, db, regions, username, reset=reset)


@router.get("/audit", response_class=HTMLResponse, name="admin_audit")
def audit_log(
    request: Request,
    who: str = "",
    action: str = "",
    entity: str = "",
    key: str = "",
    page: int = Query(1, ge=1, le=MAX_PAGE),
    actor: Actor = Signed,
    db: Database = Db,
) -> HTMLResponse:
    where = audit.AuditFilter(
        actor=who or None, action=action or None, entity=entity or None, entity_key=key or None
    )
    context = {
        "result": audit.browse(db, actor, where, page=page),
        "choices": audit.choices(db, actor),
        "filters": {"who": who, "action": action, "entity": entity, "key": key},
    }
    return render(request, "admin/audit.html", context)


@router.get("/audit/verify", response_class=HTMLResponse, name="admin_audit_verify")
def audit_verify(request: Request, actor: Actor = Signed, db: Database = Db) -> HTMLResponse:
    """The check of `tekseru audit verify`: the audit log's hash chain and the records it seals."""
    return render(request, "admin/audit_verify.html", {"report": audit.verify(db, actor)})
