"""Sessions and CSRF protection for pages and the API.

- The session cookie `tekseru_session` carries the session token signed with itsdangerous (`HttpOnly`,
  `SameSite=Lax`, `Secure` over https). The database knows the session by the token's SHA-256.
- Every unsafe request (POST, PUT, PATCH, DELETE) of a signed-in user must bring the session's CSRF token:
  pages in the form field `csrf_token` (or the `X-CSRF-Token` header, which htmx sends), the API in the
  `X-CSRF-Token` header only. The sign-in form, before there is a session, is protected by a token in its
  own cookie (`tekseru_login`), compared with the form's field.

Routes ask for the actor with `Depends(page_actor)` (pages) or `Depends(api_actor)` (API): both refuse
a request without a session (`NotAuthenticated`) and an unsafe one without the right token (`CsrfRefused`).
"""

from __future__ import annotations

import hmac
import secrets
import time

import anyio.to_thread
from fastapi import Depends, Request, Response
from itsdangerous import BadSignature

from tekseru.http.dependencies import app_state
from tekseru.http.forms import PARSER_PART_BYTES
from tekseru.services.auth import LiveSession, SignedIn, session_for
from tekseru.services.permissions import Actor, NotAuthenticated, PermissionDenied

SESSION_COOKIE = "tekseru_session"
LOGIN_COOKIE = "tekseru_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOGIN_COOKIE_MAX_AGE = 3600
_UNKNOWN = object()
CHECKED_COOKIES = 4096  # session cookies whose signature a process remembers having checked


class CsrfRefused(PermissionDenied):
    """An unsafe request without the session's CSRF token (or with another one)."""


def current_session(request: Request) -> LiveSession | None:
    """The request's live session, looked up once per request; None when signed out."""
    known = getattr(request.state, "tekseru_session", _UNKNOWN)
    if known is not _UNKNOWN:
        return known if isinstance(known, LiveSession) else None
    found = None
    token = session_token(request)
    if token is not None:
        found = session_for(app_state(request).database(), token)
    request.state.tekseru_session = found
    return found


def optional_actor(request: Request) -> Actor | None:
    live = current_session(request)
    return None if live is None else live.actor


async def signed_in(request: Request) -> Actor:
    live = await _session_of(request)
    if live is None:
        raise NotAuthenticated("sign in first").saying("refusal.sign_in_first")
    return live.actor


async def _session_of(request: Request) -> LiveSession | None:
    """`current_session`, asked of the database in a worker thread (where FastAPI ran a plain function
    dependency) unless the database is a SQLite file already open: a local read of one indexed row, which
    the event loop makes without handing the request to a thread and back (the hand-over and back cost a
    page about 0.2 million instructions). A server's database (PostgreSQL) is a round trip away, which
    the loop does not wait for."""
    known = getattr(request.state, "tekseru_session", _UNKNOWN)
    if known is not _UNKNOWN:
        return known if isinstance(known, LiveSession) else None
    db = app_state(request).opened_database()
    if db is not None and db.dialect == "sqlite":
        return current_session(request)
    return await anyio.to_thread.run_sync(current_session, request)


def _check(sent: object, expected: str) -> None:
    if not isinstance(sent, str) or not sent or not hmac.compare_digest(sent, expected):
        raise CsrfRefused("the CSRF token is missing or wrong: reload the page and try again").saying(
            "refusal.csrf"
        )


async def page_actor(request: Request, actor: Actor = Depends(signed_in)) -> Actor:
    """The signed-in actor of a page; an unsafe request must carry the CSRF token (form field or header)."""
    if request.method in UNSAFE_METHODS:
        sent: object = request.headers.get(CSRF_HEADER)
        if sent is None:
            sent = (await request.form(max_part_size=PARSER_PART_BYTES)).get(CSRF_FIELD)
        _check(sent, _csrf_token(request))
    return actor


async def api_actor(request: Request, actor: Actor = Depends(signed_in)) -> Actor:
    """The signed-in actor of an API call; an unsafe call must carry the `X-CSRF-Token` header."""
    if request.method in UNSAFE_METHODS:
        _check(request.headers.get(CSRF_HEADER), _csrf_token(request))
    return actor


def _csrf_token(request: Request) -> str:
    live = current_session(request)
    if live is None:
        raise NotAuthenticated("sign in first").saying("refusal.sign_in_first")
    return live.csrf_token


def csrf_token(request: Request) -> str | None:
    """The token forms of the signed-in user carry, or None when signed out."""
    live = current_session(request)
    return None if live is None else live.csrf_token


def client_address(request: Request) -> str:
    """The address a sign-in came from (what failed sign-ins are counted by)."""
    return request.client.host if request.client else "unknown"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, signed: SignedIn) -> None:
    state = app_state(request)
    response.set_cookie(
        SESSION_COOKIE,
        state.signer().dumps(signed.token),
        max_age=int(state.policy.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def session_token(request: Request) -> str | None:
    """The token of the request's session cookie, when its signature is good and not too old."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    state = app_state(request)
    max_age = int(state.policy.session_lifetime.total_seconds())
    checked = state.checked_cookies
    known = checked.get(raw)
    if known is not None:  # its signature was checked: only its age is left to check (as `loads` does)
        token, signed_at = known
        age = int(time.time()) - signed_at
        return token if 0 <= age <= max_age else None
    try:
        token, when = state.signer().loads(raw, max_age=max_age, return_timestamp=True)
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(token, str):
        return None
    if len(checked) >= CHECKED_COOKIES:
        checked.clear()
    checked[raw] = (token, int(when.timestamp()))
    return token


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request))


def login_token(request: Request) -> str:
    """The sign-in form's CSRF token: the one in the `tekseru_login` cookie, or a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


def set_login_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=LOGIN_COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/login",
    )


def check_login_token(request: Request, sent: str) -> None:
    expected = request.cookies.get(LOGIN_COOKIE)
    if not expected:
        raise CsrfRefused("the sign-in form has expired: reload the page and try again").saying(
            "refusal.login_form_expired"
        )
    _check(sent, expected)
