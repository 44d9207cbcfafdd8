"""Errors as answers: JSON `{"detail": ...}` under /api, an HTML page (in the reader's language) elsewhere.

A service signals "no such thing" with its own exception; list it in `NOT_FOUND` and every route that
calls the service answers 404 with the exception's message, without a try/except in the route. Every
`detail` is in the reader's language (`?lang=`, the cookie, else an API client's Accept-Language; the
answer names it in Content-Language): an exception that carries a message (`tekseru.message.Explained`)
is said from the catalogues, and so are FastAPI's own details and pydantic's problems
(`tekseru.http.validation`). In the same way `NotAuthenticated` answers 401 (a page redirects to the
sign-in page instead), `PermissionDenied`
(and a missing CSRF token) 403, `INVALID` exceptions 422 (a page: 400), an upload too large 413 and a
database whose write lock another process held too long 503 (with Retry-After). A parameter that does not
fit (a page number past `MAX_PAGE`, a date no edition covers, a number too large for the database) answers
422 (a page: 400, naming the parameter in the reader's language).

Anything else is a fault of ours: it is logged with its traceback and the request's id
(`tekseru.http.middleware.RequestId`), and the answer is 500 with that id (the page shows it, in the reader's
language, to quote when reporting it), never the traceback.

The pages themselves are the web interface's (`tekseru.web.errors.error_page`): the app factory hands
them to `install_error_handlers`, so that this package knows neither interface.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tekseru.catalog import UnknownCatalogueEntry
from tekseru.catalog.catalogue import NoEditionInForce
from tekseru.http.language import (
    messages,
    reader_language,
    request_language,
    said,
    say_error,
    translate,
)
from tekseru.http.middleware import REQUEST_ID_HEADER, request_id
from tekseru.http.validation import translated_problems
from tekseru.services import inspections
from tekseru.services.accounts import InvalidUser, UserNotFound
from tekseru.services.database import (
    DatabaseBusy,
    DriverDataError,
    DriverError,
    InvalidText,
    lost_database,
    number_out_of_range,
)
from tekseru.services.inspections import AttachmentNotFound
from tekseru.services.jobs import JobNotFound, UploadTooLarge
from tekseru.services.permissions import NotAuthenticated, PermissionDenied
from tekseru.services.plans import PlanNotFound
from tekseru.services.registry_queries import InvalidEvidence, RunNotFound, SubjectNotFound

NOT_FOUND: tuple[type[Exception], ...] = (
    UnknownCatalogueEntry,
    SubjectNotFound,
    RunNotFound,
    JobNotFound,
    UserNotFound,
    PlanNotFound,
    inspections.InspectionNotFound,
    inspections.SubjectNotFound,
    AttachmentNotFound,
)
INVALID: tuple[type[Exception], ...] = (InvalidUser, InvalidEvidence, NoEditionInForce, InvalidText)
API_PREFIX = "/api/"
log = logging.getLogger("tekseru.web")

ErrorPage = Callable[[Request, int, str | None, list[str] | None], Response]
"""The HTML page of an error: request, status, the service's own words, sentences in the reader's language."""


# What FastAPI says (in English, as a 400) of a request body it could not read
FASTAPI_BODY_UNREADABLE = "There was an error parsing the body"


def is_api(request: Request) -> bool:
    return request.url.path.removeprefix(request.scope.get("root_path", "")).startswith(API_PREFIX)


def api_error(
    request: Request, status_code: int, detail: object, *, language: str | None = None
) -> JSONResponse:
    """`{"detail": ...}` with the language it is said in (Content-Language)."""
    language = language or reader_language(request)
    return JSONResponse({"detail": detail}, status_code=status_code, headers={"Content-Language": language})


class ErrorAnswers:
    """The exception handlers; `page` makes the HTML answers (the web interface's error page)."""

    def __init__(self, page: ErrorPage) -> None:
        self.page = page

    def _answer(
        self, request: Request, status_code: int, error: Exception, page_status: int | None = None
    ) -> Response:
        if is_api(request):
            return api_error(request, status_code, said(request, error, reader_language(request)))
        detail = said(request, error)
        return self.page(request, page_status or status_code, detail, None)

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self._answer(request, 404, exc)

    async def not_authenticated(self, request: Request, exc: Exception) -> Response:
        if is_api(request):
            answer = api_error(request, 401, say_error(reader_language(request), exc))
            answer.headers["WWW-Authenticate"] = "Session"
            return answer
        root = request.scope.get("root_path", "")
        here = request.url.path.removeprefix(root) + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{root}/login?next={quote(here, safe='')}", status_code=303)

    async def forbidden(self, request: Request, exc: Exception) -> Response:
        return self._answer(request, 403, exc)

    async def invalid(self, request: Request, exc: Exception) -> Response:
        return self._answer(request, 422, exc, page_status=400)

    async def too_large(self, request: Request, exc: Exception) -> Response:
        return self._answer(request, 413, exc)

    async def busy(self, request: Request, exc: Exception) -> Response:
        answer = self._answer(request, 503, exc)
        answer.headers["Retry-After"] = "60"
        return answer

    async def database_lost(self, request: Request, exc: Exception) -> Response:
        """The database server went away (connections cut, the database dropped, the server down): 503 in
        the reader's language, logged with the request id; any other driver error is a fault of ours."""
        if not isinstance(exc, DriverError) or not lost_database(exc):
            return await self.unexpected(request, exc)
        identifier = request_id(request)
        log.error(
            "request %s: %s %s: the database is unreachable: %s",
            identifier,
            request.method,
            request.url.path,
            exc.orig,
        )
        headers = {REQUEST_ID_HEADER: identifier, "Retry-After": "60"}
        if is_api(request):
            language = reader_language(request)
            answer: Response = api_error(request, 503, translate(language, "refusal.database.lost"))
        else:
            language = request_language(request)
            detail = translate(language, "refusal.database.lost")
            request.state.database_lost = True  # the page's title: not the busy database's (`error_page`)
            try:
                answer = self.page(request, 503, detail, None)
            except Exception:  # the page reads the reader's session: without a database, said plainly
                answer = PlainTextResponse(detail, status_code=503, headers={"Content-Language": language})
        answer.headers.update(headers)
        return answer

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.detail == FASTAPI_BODY_UNREADABLE:  # FastAPI's English (JSON nested too deep for its parser)
            language = reader_language(request) if is_api(request) else request_language(request)
            exc = StarletteHTTPException(400, translate(language, "tester14.request.body_unreadable"))
        if is_api(request):
            language = reader_language(request)
            if exc.detail == HTTPStatus(exc.status_code).phrase:  # Starlette's own: "Not Found"...
                key = f"api.status.{exc.status_code}"
                detail = translate(language, key) if messages(language).get(key) else exc.detail
                exc = StarletteHTTPException(exc.status_code, detail, exc.headers)
            answer = await http_exception_handler(request, exc)
            answer.headers["Content-Language"] = language
            return answer
        # A refusal of a service (`tekseru.http.refusals`) comes said in the page's language already.
        own = isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase
        return self.page(request, exc.status_code, exc.detail if own else None, None)

    async def invalid_request(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if is_api(request):
            language = reader_language(request)
            problems = translated_problems(exc.errors(), language)
            return api_error(request, 422, jsonable_encoder(problems), language=language)
        language = request_language(request)
        names = dict.fromkeys(str(error["loc"][-1]) for error in exc.errors() if error.get("loc"))
        return self.page(request, 400, None, [translate(language, "error.parameter", name=n) for n in names])

    async def number_too_large(self, request: Request, exc: Exception) -> Response:
        """A whole number the database cannot hold (SQLite and PostgreSQL stop at 2**63 - 1) is the request's
        fault, wherever it reached the database from."""
        if is_api(request):
            return api_error(request, 422, translate(reader_language(request), "api.error.number_too_large"))
        return self.page(request, 400, None, [translate(request_language(request), "error.number")])

    async def out_of_range(self, request: Request, exc: Exception) -> Response:
        """PostgreSQL's "integer out of range" of a number the request gave (an id of 4 bytes asked for as
        3000000000): the request's fault, as a number too large for SQLite (`number_too_large`)."""
        if isinstance(exc, DriverDataError) and number_out_of_range(exc):
            return await self.number_too_large(request, exc)
        return await self.unexpected(request, exc)

    async def unexpected(self, request: Request, exc: Exception) -> Response:
        """A fault of ours: logged with the traceback and the request id; the answer names only the id."""
        identifier = request_id(request)
        log.error("request %s: %s %s failed", identifier, request.method, request.url.path, exc_info=exc)
        headers = {REQUEST_ID_HEADER: identifier}
        if is_api(request):
            language = reader_language(request)
            detail = translate(language, "api.error.internal", request_id=identifier)
            body = {"detail": detail, "request_id": identifier}
            return JSONResponse(body, status_code=500, headers={**headers, "Content-Language": language})
        try:
            page = self.page(request, 500, None, None)
        except Exception:  # the page itself needs the database: say it plainly rather than fail twice
            log.exception("request %s: the error page failed too", identifier)
            return PlainTextResponse(f"Error 500. Request id: {identifier}", status_code=500, headers=headers)
        page.headers[REQUEST_ID_HEADER] = identifier
        return page


def install_error_handlers(app: FastAPI, page: ErrorPage) -> None:
    answers = ErrorAnswers(page)
    for exception in NOT_FOUND:
        app.add_exception_handler(exception, answers.not_found)
    for exception in INVALID:
        app.add_exception_handler(exception, answers.invalid)
    app.add_exception_handler(NotAuthenticated, answers.not_authenticated)
    app.add_exception_handler(PermissionDenied, answers.forbidden)
    app.add_exception_handler(UploadTooLarge, answers.too_large)
    app.add_exception_handler(DatabaseBusy, answers.busy)
    app.add_exception_handler(StarletteHTTPException, answers.http_error)
    app.add_exception_handler(RequestValidationError, answers.invalid_request)
    app.add_exception_handler(OverflowError, answers.number_too_large)
    app.add_exception_handler(DriverError, answers.database_lost)
    app.add_exception_handler(DriverDataError, answers.out_of_range)
    app.add_exception_handler(Exception, answers.unexpected)
