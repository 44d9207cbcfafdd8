"""Writes that named a stale version (`StaleVersion`): 409 with a problem detail in the reader's language
under /api; elsewhere the page that made the write shows the conflict itself, and this answers only a
page that does not (an error page with the same text)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from tekseru.api.schemas.conflicts import PROBLEM_TYPE, ConflictOut, StaleVersionOut
from tekseru.catalog import LANGUAGES
from tekseru.services.inspections import StaleVersion
from tekseru.web.errors import is_api
from tekseru.web.i18n import COOKIE_NAME, QUERY_PARAMETER, request_language, translate
from tekseru.web.templating import render


def problem(error: StaleVersion, language: str) -> StaleVersionOut:
    return StaleVersionOut(
        type=PROBLEM_TYPE,
        title=translate(language, "conflict.title"),
        status=409,
        detail=translate(language, "conflict.detail", count=len(error.conflicts)),
        conflicts=[ConflictOut.model_validate(conflict) for conflict in error.conflicts],
    )


def reader_language(request: Request) -> str:
    """The request's language (`?lang=`, the cookie); for an API client that sets neither, the first of
    its Accept-Language that tekseru speaks."""
    chosen = request.query_params.get(QUERY_PARAMETER) or request.cookies.get(COOKIE_NAME)
    if chosen not in LANGUAGES:
        for part in request.headers.get("accept-language", "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return request_language(request)


async def stale_version(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StaleVersion)
    language = reader_language(request)
    body = problem(exc, language)
    if is_api(request):
        headers = {"Content-Language": language}
        content = jsonable_encoder(body)
        return JSONResponse(content, status_code=409, media_type="application/problem+json", headers=headers)
    context = {"title_key": "conflict.title", "text_key": "conflict.reload_page", "detail": None}
    return render(request, "error.html", context, status_code=409)


def install_conflict_handler(app: FastAPI) -> None:
    app.add_exception_handler(StaleVersion, stale_version)
