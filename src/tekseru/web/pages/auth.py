"""`/login`, `/logout` and `/account`: signing in and out, and one's own account and password."""

from __future__ import annotations

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.http.dependencies import app_state, get_database, get_passwords
from tekseru.http.routing import PathRouter
from tekseru.http.security import (
    check_login_token,
    clear_session_cookie,
    client_address,
    login_token,
    page_actor,
    session_token,
    set_login_cookie,
    set_session_cookie,
)
from tekseru.services.accounts import (
    MIN_PASSWORD_LENGTH,
    InvalidUser,
    UserRecord,
    change_own_password,
    dismiss_translation_notice,
    get_user,
)
from tekseru.services.auth import Database, LoginRefused, log_in, log_out
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor, Role
from tekseru.web.templating import render

router = PathRouter(include_in_schema=False)
section = None


def safe_next(target: str | None) -> str:
    """Only a path of this site: never another host (`//host`, `https://...`) after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request, next: str, *, error: str | None = None, username: str = "", status_code: int = 200
) -> Response:
    token = login_token(request)
    context = {"next": safe_next(next), "login_token": token, "error": error, "username": username}
    page = render(request, "auth/login.html", context, status_code=status_code)
    set_login_cookie(request, page, token)
    return page


@router.get("/login", response_class=HTMLResponse, name="login")
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next)


@router.post("/login", name="login_submit")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
    db: Database = Depends(get_database),
    passwords: Passwords = Depends(get_passwords),
) -> Response:
    check_login_token(request, csrf_token)
    try:
        signed = log_in(
            db,
            username,
            password,
            client=client_address(request),
            passwords=passwords,
            policy=app_state(request).policy,
        )
    except LoginRefused as refused:
        key = "login.rate_limited" if refused.rate_limited else "login.failed"
        page = _login_page(
            request, next, error=key, username=username, status_code=429 if refused.rate_limited else 401
        )
        if refused.rate_limited:
            page.headers["Retry-After"] = str(refused.retry_after)
        return page
    landing = safe_next(next)
    if landing == "/" and signed.actor.role is Role.INSPECTOR:  # an inspector's home page: My visits
        landing = str(request.app.url_path_for("visits_mine"))
    response = RedirectResponse(landing, status_code=303)
    set_session_cookie(request, response, signed)
    return response


@router.post("/logout", name="logout")
def logout(
    request: Request, actor: Actor = Depends(page_actor), db: Database = Depends(get_database)
) -> Response:
    token = session_token(request)
    if token is not None:
        log_out(db, token, actor)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(request, response)
    return response


def _account(
    request: Request, user: UserRecord, error: str | None = None, status_code: int = 200
) -> Response:
    return render(request, "auth/account.html", {"user": user, "error": error}, status_code=status_code)


@router.get("/account", response_class=HTMLResponse, name="account")
def account(
    request: Request, actor: Actor = Depends(page_actor), db: Database = Depends(get_database)
) -> Response:
    return _account(request, get_user(db, actor, actor.username))


@router.post("/account/password", response_class=HTMLResponse, name="account_password")
def change_password(
    request: Request,
    current: str = Form(""),
    new: str = Form(""),
    repeat: str = Form(""),
    actor: Actor = Depends(page_actor),
    db: Database = Depends(get_database),
    passwords: Passwords = Depends(get_passwords),
) -> Response:
    user = get_user(db, actor, actor.username)
    if len(new) < MIN_PASSWORD_LENGTH:
        return _account(request, user, "account.too_short", 400)
    if new != repeat:
        return _account(request, user, "account.mismatch", 400)
    try:
        change_own_password(db, actor, current, new, passwords=passwords)
    except InvalidUser:
        return _account(request, user, "account.wrong_current", 400)
    response = RedirectResponse("/login?next=/account", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.post("/account/notice", name="account_notice")
def hide_notice(
    request: Request,
    next: str = Form("/"),
    show: str = Form(""),
    actor: Actor = Depends(page_actor),
    db: Database = Depends(get_database),
) -> Response:
    """Close (or, with `show=yes`, bring back) the unofficial-translation notice for this user; htmx removes
    the notice from the page, a plain form goes back to `next`."""
    dismiss_translation_notice(db, actor, dismissed=show != "yes")
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200)
    return RedirectResponse(safe_next(next), status_code=303)
