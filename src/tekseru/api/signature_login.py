"""`/api/v1/auth/signature`: sign in with an electronic signature, as on the page `/login/signature`.

A client asks for a challenge (`POST /api/v1/auth/signature/challenge`), makes a detached CMS signature of
its text (UTF-8) with the subject's NCA key, and sends both to `POST /api/v1/auth/signature/login`; it gets
the session cookie and CSRF token as from `/api/v1/auth/login`. Refusals are 401 with the reason in the
reader's language (`tekseru.services.signature_login`).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tekseru.api.auth import session_response
from tekseru.api.schemas.accounts import SessionOut
from tekseru.api.schemas.common import ErrorOut, Timestamp
from tekseru.http.dependencies import app_state, get_database, get_settings
from tekseru.http.errors import api_error
from tekseru.http.language import reader_language, say_error
from tekseru.http.security import client_address
from tekseru.services.auth import Database
from tekseru.services.signature_login import (
    CHALLENGE_PATTERN,
    MAX_SIGNATURE_BYTES,
    SignatureLoginRefused,
    issue_challenge,
    log_in_with_signature,
)
from tekseru.settings import Settings

router = APIRouter(prefix="/auth/signature", tags=["auth"])


class ChallengeOut(BaseModel):
    challenge: str = Field(description="Sign these characters (UTF-8) with a detached CMS signature.")
    expires_at: Timestamp


class SignatureLoginIn(BaseModel):
    challenge: str = Field(pattern=CHALLENGE_PATTERN, description="The challenge as it was issued.")
    signature: str = Field(
        max_length=2 * MAX_SIGNATURE_BYTES,
        description="The detached CMS signature of the challenge: base64 (NCALayer's answer) or PEM.",
    )


@router.post(
    "/challenge",
    response_model=ChallengeOut,
    summary="A one-time challenge to sign",
    name="api_signature_challenge",
)
def challenge(request: Request, db: Database = Depends(get_database)) -> ChallengeOut:
    issued = issue_challenge(db, client=client_address(request))
    return ChallengeOut(challenge=issued.text, expires_at=issued.expires_at)


@router.post(
    "/login",
    response_model=SessionOut,
    responses={401: {"model": ErrorOut, "description": "The signature does not sign this subject in"}},
    summary="Sign in with an electronic signature (a controlled subject)",
    name="api_signature_login",
)
def login(
    body: SignatureLoginIn,
    request: Request,
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings),
) -> Response:
    try:
        signed = log_in_with_signature(
            db,
            body.challenge,
            body.signature.strip().encode("utf-8"),
            client=client_address(request),
            settings=settings,
            policy=app_state(request).policy,
        )
    except SignatureLoginRefused as refused:
        return api_error(request, 401, say_error(reader_language(request), refused))
    return session_response(request, signed)
