"""The answer to a write that named a stale version (409): a problem detail (RFC 9457) in the reader's
language, with each record changed since it was read, stored and given side by side."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from tekseru.api.schemas.common import ErrorOut, Timestamp

PROBLEM_TYPE = "urn:tekseru:problem:stale-version"


class ConflictOut(BaseModel):
    # Read from a store Conflict, which calls `your_version` expected and `yours` given.
    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(description="item (a checklist answer), violation (its follow-up) or plan.")
    key: int = Field(description="The item's number, or the list's id.")
    your_version: int = Field(
        validation_alias=AliasChoices("your_version", "expected"),
        description="The version the write named (0: the item had no answer).",
    )
    stored_version: int | None = Field(description="The version stored now; null when the record is gone.")
    stored: dict[str, Any] | None = Field(description="The values stored now.")
    yours: dict[str, Any] = Field(
        validation_alias=AliasChoices("yours", "given"), description="The values the write gave."
    )
    changed_by: str | None = Field(description="Who made the last change, if known.")
    changed_at: Timestamp | None = Field(description="When, if known.")


class StaleVersionOut(BaseModel):
    type: str = Field(PROBLEM_TYPE, description="What kind of problem this is.")
    title: str = Field(description="A short summary, in the reader's language (?lang=, else kk).")
    status: int = Field(409, description="409.")
    detail: str = Field(description="What happened and what to do, in the reader's language.")
    conflicts: list[ConflictOut] = Field(description="Each record changed since it was read.")


# 409 is either a refusal in this status (ErrorOut, JSON) or a stale version (a problem detail).
STALE_VERSION_RESPONSE: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorOut | StaleVersionOut,
        "description": "Not in this status, or someone changed the record after the version named was read"
        " (a problem detail, application/problem+json): nothing was stored",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/StaleVersionOut"}}},
    }
}
