"""Errors as answers: JSON `{"detail": ...}` under /api, an HTML page (in the reader's language) elsewhere.

A service signals "no such thing" with its own exception; list it in `NOT_FOUND` and every route that
calls the service answers 404 with the exception's message, without a try/except in the route.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tekseru.catalog import UnknownCatalogueEntry
from tekseru.web.templating import render

NOT_FOUND: tuple[type[Exception], ...] = (UnknownCatalogueEntry,)
API_PREFIX = "/api/"


def is_api(request: Request) -> bool:
    return request.url.path.removeprefix(request.scope.get("root_path", "")).startswith(API_PREFIX)


def error_page(request: Request, status_code: int, detail: str | None = None) -> Response:
    key = status_code if status_code in (400, 404, 405) else 500
    context = {"title_key": f"error.{key}.title", "text_key": f"error.{key}.text", "detail": detail}
    return render(request, "error.html", context, status_code=status_code)


async def not_found(request: Request, exc: Exception) -> Response:
    if is_api(request):
        return JSONResponse({"detail": str(exc)}, status_code=404)
    return error_page(request, 404, str(exc))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if is_api(request):
        return await http_exception_handler(request, exc)
    return error_page(request, exc.status_code)


async def invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if is_api(request):
        return await request_validation_exception_handler(request, exc)
    return error_page(request, 400)


def install_error_handlers(app: FastAPI) -> None:
    for exception in NOT_FOUND:
        app.add_exception_handler(exception, not_found)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
