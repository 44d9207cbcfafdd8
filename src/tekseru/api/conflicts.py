"""The problem detail (RFC 9457) of a write that named a stale version, in the reader's language;
`tekseru.http.conflicts` answers it with 409 under /api."""

from __future__ import annotations

from tekseru.api.schemas.conflicts import PROBLEM_TYPE, ConflictOut, StaleVersionOut
from tekseru.http.language import translate
from tekseru.services.inspections import StaleVersion


def problem(error: StaleVersion, language: str) -> StaleVersionOut:
    return StaleVersionOut(
        type=PROBLEM_TYPE,
        title=translate(language, "conflict.title"),
        status=409,
        detail=translate(language, "conflict.detail", count=len(error.conflicts)),
        conflicts=[ConflictOut.model_validate(conflict) for conflict in error.conflicts],
    )
