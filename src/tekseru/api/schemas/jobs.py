"""Models of /api/v1/jobs (and of the 202 answers of imports and assessments): background jobs."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tekseru.api.schemas.common import Timestamp
from tekseru.i18n import format_decimal, say_stored, translate
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
        description="In the reader's language: what a finished import did (rows read, added, changed, "
        "already stored, rejected), why the job failed, or who cancelled it."
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
        if out.message is None and out.status == "finished" and out.result is not None:
            out.message = import_said(out.result, out.params.get("file"), language)
        if out.result is not None and isinstance(out.result.get("errors"), list):
            out.result = {
                **out.result,
                "errors": [_said_error(error, language) for error in out.result["errors"]],
            }
        return out


# The counts of an import's report, with the labels its web page shows them under.
REPORT_LABELS = (
    ("rows_read", "job.rows_read"),
    ("created", "job.created"),
    ("updated", "job.updated"),
    ("unchanged", "job.unchanged"),
    ("rejected", "job.rejected"),
)


def import_said(result: dict[str, Any], file: object, language: str) -> str | None:
    """What a finished import did, as its web page says it: the file imported (`file`, as it was uploaded,
    else as the report names it) and each count; a file of no rows says so, so that it is not taken for
    an import that stored something. None for another job's result. Said when read, not stored, so that
    imports finished before this read the same."""
    if not all(isinstance(result.get(count), int) for count, _ in REPORT_LABELS):
        return None
    name = file or result.get("file") or ""
    if result["rows_read"] == 0:  # not "imported": the file had nothing to import
        return f"{name}: {translate(language, 'tester10.import.no_rows')}"
    counts = "; ".join(
        f"{translate(language, label)}: {format_decimal(result[count], language, 0)}"
        for count, label in REPORT_LABELS
    )
    return f"{translate(language, 'cli.import.title', file=name)}. {counts}."


def _said_error(error: Any, language: str) -> Any:
    """A row error of an import's report with its `message` in `language` (the report keeps it in every
    language under `messages`; an error kept before that stays as it is)."""
    if not isinstance(error, dict):
        return error
    texts = error.get("messages")
    if isinstance(texts, dict) and isinstance(texts.get(language), str):
        return {**error, "message": texts[language]}
    return error
