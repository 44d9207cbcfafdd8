"""`/login/signature`: a controlled subject signs in with its electronic signature. The page issues a
one-time challenge; the subject signs it with NCALayer (on the page) or with any tool that makes a detached
CMS signature (`openssl cms -sign`) and sends it back; `tekseru.services.signature_login` verifies it and
opens a session of the subject account bound to the certificate's BIN."""

from __future__ import annotations

from fastapi import Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.http.dependencies import app_state, get_database, get_settings
from tekseru.http.files import read_upload
from tekseru.http.language import said
from tekseru.http.routing import PathRouter
from tekseru.http.security import (
    check_login_token,
    client_address,
    login_token,
    set_login_cookie,
    set_session_cookie,
)
from tekseru.services.auth import Database
from tekseru.services.signature_login import (
    CHALLENGE_PATTERN,
    MAX_SIGNATURE_BYTES,
    SignatureLoginRefused,
    issue_challenge,
    log_in_with_signature,
)
from tekseru.settings import Settings
from tekseru.web.pages.auth import safe_next
from tekseru.web.pages.signatures import _policy as ncalayer_policy
from tekseru.web.templating import render

router = PathRouter(include_in_schema=False)
section = None


def _page(
    request: Request, db: Database, settings: Settings, next: str, *, error: str | None = None
) -> Response:
    """The page with a fresh challenge (a refused one is never offered again)."""
    token = login_token(request)
    challenge = issue_challenge(db, client=client_address(request))
    context = {
        "title_key": "login.signature.title",
        "next": safe_next(next),
        "login_token": token,
        "challenge": challenge,
        "error": error,
        "ncalayer_url": settings.ncalayer_url,
    }
    page = render(request, "auth/signature_login.html", context, status_code=401 if error else 200)
    page.headers["Content-Security-Policy"] = ncalayer_policy(settings)
    set_login_cookie(request, page, token)
    return page


@router.get("/login/signature", response_class=HTMLResponse, name="login_signature")
def signature_form(
    request: Request,
    next: str = "/",
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings),
) -> Response:
    return _page(request, db, settings, next)


@router.get("/login/signature/challenge", name="login_signature_challenge")
def challenge_file(c: str = Query(pattern=CHALLENGE_PATTERN)) -> Response:
    """The challenge as a file to sign (`openssl cms -sign -binary -in sign-in-challenge.txt ...`)."""
    headers = {"Content-Disposition": 'attachment; filename="sign-in-challenge.txt"'}
    return Response(c.encode("ascii"), media_type="text/plain; charset=utf-8", headers=headers)


@router.post("/login/signature", name="login_signature_submit")
def signature_submit(
    request: Request,
    challenge: str = Form("", max_length=200),
    signature: UploadFile | None = File(None),
    signature_base64: str = Form("", max_length=2 * MAX_SIGNATURE_BYTES),
    csrf_token: str = Form(""),
    next: str = Form("/"),
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings),
) -> Response:
    check_login_token(request, csrf_token)
    uploaded = b""
    if signature is not None and signature.filename:
        uploaded = read_upload(signature, MAX_SIGNATURE_BYTES)
    try:
        signed = log_in_with_signature(
            db,
            challenge,
            uploaded or signature_base64.strip().encode("utf-8"),
            client=client_address(request),
            settings=settings,
            policy=app_state(request).policy,
        )
    except SignatureLoginRefused as refused:
        return _page(request, db, settings, next, error=said(request, refused))
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, signed)
    return response
