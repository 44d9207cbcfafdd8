"""The OpenAPI document of /api/v1, with every answer an operation can give.

FastAPI documents what each route declares. The answers that come from what a route depends on are added
here, once, from the route's dependencies, so that no route can forget one:

- 401 and 403 for every route that needs a signed-in user (`api_actor`: not signed in; not allowed, or an
  unsafe call without the CSRF header);
- 503 (with Retry-After) for every route that uses the database (`DatabaseBusy`: another process held its
  write lock too long);
- 400 for every route that takes a body (one that is not JSON, or not a form, cannot be read);
- 413 for every route that takes a file (`UploadTooLarge`) or a multipart form (a text field longer than its
  limit, `tekseru.http.forms`: the answer names the `field` and the `limit` too);
- 422 for every route that takes parameters or a body, with one model (`InvalidOut`) for both kinds of
  refusal: the list FastAPI gives for a request that does not fit the document, and a service's sentence.

tests/api/test_openapi_conformance.py checks the document against the answers with schemathesis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from tekseru.api.schemas.common import ErrorOut, InvalidOut
from tekseru.http.dependencies import get_database
from tekseru.http.security import api_actor

_ERROR = "#/components/schemas/ErrorOut"
_INVALID = "#/components/schemas/InvalidOut"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema}}}}


def _extra_answers(route: Any, method: str) -> dict[str, dict[str, Any]]:
    calls = set(_calls(route.dependant))
    answers: dict[str, dict[str, Any]] = {}
    if api_actor in calls:
        answers["401"] = _answer("Not signed in, or the session ended", _ERROR)
        refused = "Not allowed for this user (or its region)"
        if method in _UNSAFE:
            refused += ", or no X-CSRF-Token header"
        answers["403"] = _answer(refused, _ERROR)
    if get_database in calls:
        busy = _answer("The database is busy; try again after Retry-After seconds", _ERROR)
        busy["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}}
        answers["503"] = busy
    return answers


def _has_input(operation: dict[str, Any]) -> bool:
    return bool(operation.get("parameters")) or "requestBody" in operation


def complete_document(app: FastAPI, prefix: str) -> dict[str, Any]:
    """The OpenAPI document of the routes under `prefix`, with the answers of their dependencies."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        routes=app.routes,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorOut"] = ErrorOut.model_json_schema()
    schemas["InvalidOut"] = InvalidOut.model_json_schema(ref_template="#/components/schemas/{model}")
    for definition in schemas["InvalidOut"].pop("$defs", {}).values():  # none today; kept flat if any
        schemas.setdefault(definition["title"], definition)
    for route in iter_route_contexts(app.routes):  # each route as included, with its routers' dependencies
        if not isinstance(route.original_route, APIRoute):
            continue
        path = route.path_format or ""
        if not route.include_in_schema or not path.startswith(prefix):
            continue
        for method in route.methods or ():
            operation = document["paths"][path].get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, answer in _extra_answers(route, method).items():
                responses.setdefault(status, answer)
            if "requestBody" in operation:
                responses.setdefault(
                    "400", _answer("The body cannot be read (not JSON, or not a form)", _ERROR)
                )
            if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                responses.setdefault(
                    "413", _answer("The file is too large, or a text field longer than its limit", _ERROR)
                )
            if _has_input(operation) or "422" in responses:
                responses["422"] = _answer(
                    responses.get("422", {}).get("description", "The request is not valid"), _INVALID
                )
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    return document


def install_document(app: FastAPI, prefix: str) -> None:
    """Serve `complete_document` at the app's `openapi_url` (made once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_document(app, prefix)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
