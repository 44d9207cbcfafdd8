"""Models of /api/v1/jobs (and of the 202 answers of imports and assessments): background jobs."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tekseru.api.schemas.common import Timestamp
from tekseru.i18n import say_stored
from tekseru.services.jobs import JobKind


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: JobKind
    status: str = Field(
        description="queued, running or cancelling (being stopped) while unfinished; then finished, failed, "
        "cancelled, timed_out (stopped at the time limit; nothing kept) or interrupted (the server stopped; "
        "nothing kept, start it again)."
    )
    done: int = Field(description="Rows or subjects done so far.")
    total: int = Field(description="Rows or subjects to do (0 while unknown).")
    percent: int | None
    message: str | None = Field(
        description="Why the job failed, or who cancelled it, in the reader's language."
    )
    params: dict[str, Any]
    result: dict[str, Any] | None = Field(
        description="An import's report (counts and errors by row) or an assessment's summary (with run_id). "
        "Each error's `message` is in the reader's language; `messages` has it in kk, ru and en."
    )
    created_by: str
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None

    @classmethod
    def said(cls, job: object, language: str) -> JobOut:
        """The job, its message (written by tekseru) said in `language`."""
        out = cls.model_validate(job)
        out.message = say_stored(language, out.message) if out.message else out.message
        if out.result is not None and isinstance(out.result.get("errors"), list):
            out.result = {
                **out.result,
                "errors": [_said_error(error, language) for error in out.result["errors"]],
            }
        return out


def _said_error(error: Any, language: str) -> Any:
    """A row error of an import's report with its `message` in `language` (the report keeps it in every
    language under `messages`; an error kept before that stays as it is)."""
    if not isinstance(error, dict):
        return error
    texts = error.get("messages")
    if isinstance(texts, dict) and isinstance(texts.get(language), str):
        return {**error, "message": texts[language]}
    return error
