"""Models every part of the API shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field


def in_utc(value: datetime) -> datetime:
    """The time with its offset: SQLite keeps none, and every time tekseru stores is in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(in_utc)]
"""A point in time, always written with its offset (`2026-12-06T09:45:51+00:00`), as `date-time` requires."""


class Layered:
    """An object read attribute by attribute, each name from the first layer that has it: lets a model read
    a record and the parts around it (a view and its criterion, an inspection and its subject) at once."""

    def __init__(self, *layers: object, **values: object) -> None:
        self._layers = (values, *layers)

    def __getattr__(self, name: str) -> Any:
        for layer in self._layers:
            if isinstance(layer, dict) and name in layer:
                return layer[name]
            if not isinstance(layer, dict) and hasattr(layer, name):
                return getattr(layer, name)
        raise AttributeError(name)


def _id(value: Any) -> Any:
    return getattr(value, "id", value)


def _keys(values: Iterable[Any]) -> list[Any]:
    return [getattr(value, "key", value) for value in values]


def _ids(values: Iterable[Any] | None) -> list[Any] | None:
    return None if values is None else [_id(value) for value in values]


# Fields read from a record's related records: their ids or keys.
IdOf = BeforeValidator(_id)
KeysOf = BeforeValidator(_keys)
IdsOf = BeforeValidator(_ids)
CountOf = BeforeValidator(len)


class ErrorOut(BaseModel):
    detail: str = Field(
        description="What was not found or what is wrong, in the reader's language (`?lang=`, the "
        "`tekseru_lang` cookie or Accept-Language; default kk), named in the Content-Language header."
    )


class InvalidOut(BaseModel):
    """422: a request the API cannot take. A request that does not fit the document (a missing field, a
    number out of range) lists each problem, as FastAPI does; a refusal of a service is one sentence."""

    detail: str | list[dict[str, Any]] = Field(
        description="What is wrong, in the reader's language: one sentence, or one object per problem with "
        "`loc`, `msg` (said in that language) and `type` (the same in every language)."
    )


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"
    version: str = Field(description="Version of the installed tekseru package.")


NOT_FOUND_RESPONSE: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut, "description": "Not found"}
}

FORBIDDEN_RESPONSE: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "Not signed in"},
    403: {"model": ErrorOut, "description": "Not allowed for this user (or this region), or no CSRF token"},
}


def json_answer(model: BaseModel) -> Response:
    """The answer FastAPI makes of a route's `response_model` (the same bytes, `application/json`), made by
    the route from the model it built: FastAPI would validate that model again, in one more worker thread
    for a plain route, before writing it. The route keeps its `response_model` for the OpenAPI document."""
    return Response(model.model_dump_json(by_alias=True), media_type="application/json")
