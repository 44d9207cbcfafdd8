"""`/api/v1/auth`: sign in (a session cookie and a CSRF token), who am I, sign out.

A client signs in with `POST /api/v1/auth/login` (JSON), keeps the `tekseru_session` cookie it gets, and
sends the returned `csrf_token` as the `X-CSRF-Token` header with every POST, PUT, PATCH and DELETE. The
same failed-sign-in limits apply as on the sign-in page (429 with Retry-After when exceeded).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from tekseru.api.schemas.accounts import LoginIn, MeOut, SessionOut
from tekseru.api.schemas.common import ErrorOut, Layered
from tekseru.http.dependencies import app_state, get_database, get_passwords
from tekseru.http.errors import api_error
from tekseru.http.language import reader_language, say_error
from tekseru.http.security import (
    api_actor,
    clear_session_cookie,
    client_address,
    session_token,
    set_session_cookie,
)
from tekseru.services.auth import Database, LoginRefused, SignedIn, log_in, log_out
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor

router = APIRouter(prefix="/auth", tags=["auth"])

REFUSED: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "Wrong user name or password"},
    429: {"model": ErrorOut, "description": "Too many failed sign-ins; see Retry-After"},
}


@router.post("/login", response_model=SessionOut, responses=REFUSED, summary="Sign in", name="api_auth_login")
def login(
    body: LoginIn,
    request: Request,
    db: Database = Depends(get_database),
    passwords: Passwords = Depends(get_passwords),
) -> Response:
    try:
        signed = log_in(
            db,
            body.username,
            body.password,
            client=client_address(request),
            passwords=passwords,
            policy=app_state(request).policy,
        )
    except LoginRefused as refused:
        answer = api_error(
            request, 429 if refused.rate_limited else 401, say_error(reader_language(request), refused)
        )
        if refused.rate_limited:
            answer.headers["Retry-After"] = str(refused.retry_after)
        return answer
    return session_response(request, signed)


def session_response(request: Request, signed: SignedIn) -> Response:
    """The new session as JSON, with its cookie (every way of signing in through the API answers so)."""
    out = SessionOut.model_validate(Layered(signed, signed.actor))
    response = JSONResponse(out.model_dump(mode="json"))
    set_session_cookie(request, response, signed)
    return response


@router.get("/me", response_model=MeOut, summary="The signed-in user", name="api_auth_me")
def me(actor: Actor = Depends(api_actor)) -> MeOut:
    return MeOut.model_validate(actor)


@router.post("/logout", status_code=204, summary="Sign out (ends the session)", name="api_auth_logout")
def logout(
    request: Request, actor: Actor = Depends(api_actor), db: Database = Depends(get_database)
) -> Response:
    token = session_token(request)
    if token is not None:
        log_out(db, token, actor)
    response = Response(status_code=204)
    clear_session_cookie(request, response)
    return response
