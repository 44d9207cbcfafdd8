"""Writes that named a stale version (`StaleVersion`): 409 with a problem detail in the reader's language
under /api; elsewhere the page that made the write shows the conflict itself, and this answers only a
page that does not (an error page with the same text).

The problem detail is the API's (`tekseru.api.conflicts.problem`) and the page the web interface's
(`tekseru.web.errors.conflict_page`): the app factory hands both to `install_conflict_handler`."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from tekseru.http.errors import is_api
from tekseru.http.language import reader_language
from tekseru.services.inspections import StaleVersion

Problem = Callable[[StaleVersion, str], BaseModel]
"""The API's problem detail of a conflict, in a language."""
ConflictPage = Callable[[Request], Response]


def install_conflict_handler(app: FastAPI, *, problem: Problem, page: ConflictPage) -> None:
    async def stale_version(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StaleVersion)
        if not is_api(request):
            return page(request)
        language = reader_language(request)
        headers = {"Content-Language": language}
        content = jsonable_encoder(problem(exc, language))
        return JSONResponse(content, status_code=409, media_type="application/problem+json", headers=headers)

    app.add_exception_handler(StaleVersion, stale_version)
