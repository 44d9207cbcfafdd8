"""Models every part of the API shares."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    detail: str = Field(description="What was not found or what is wrong, in English.")


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
