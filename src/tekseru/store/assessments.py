"""Runs of the risk engine and their results: start, progress, finish, store and read scores."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, insert, select, true, update
from sqlalchemy.orm import Session

from tekseru.store.models import Assessment, AssessmentResult
from tekseru.store.records import AssessmentResultData, AssessmentRun

RUNNING, FINISHED, FAILED = "running", "finished", "failed"

_RUN_COLUMNS = (
    Assessment.id,
    Assessment.as_of,
    Assessment.edition_id,
    Assessment.inputs_fingerprint,
    Assessment.started_at,
    Assessment.finished_at,
    Assessment.status,
    Assessment.subjects_total,
    Assessment.subjects_done,
    Assessment.message,
)
_RESULT_COLUMNS = (
    AssessmentResult.subject_id,
    AssessmentResult.group_key,
    AssessmentResult.score,
    AssessmentResult.risk_class,
    AssessmentResult.significant_part,
    AssessmentResult.minor_part,
    AssessmentResult.gross_found,
    AssessmentResult.violated_criteria,
    AssessmentResult.explanation,
)


def inputs_fingerprint(inputs: Iterable[object]) -> str:
    """sha256 of the inputs as sorted canonical JSON lines: the same inputs in any order, the same hash."""
    lines = sorted(json.dumps(item, sort_keys=True, default=str, ensure_ascii=False) for item in inputs)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def start_run(
    session: Session,
    *,
    as_of: date,
    edition_id: str,
    inputs_fingerprint: str,
    subjects_total: int,
    now: datetime,
    run_id: uuid.UUID | None = None,
) -> AssessmentRun:
    """Record a new run in status "running"; its id is `run_id` or a new random UUID."""
    values = {
        "id": run_id or uuid.uuid4(),
        "as_of": as_of,
        "edition_id": edition_id,
        "inputs_fingerprint": inputs_fingerprint,
        "started_at": now,
        "finished_at": None,
        "status": RUNNING,
        "subjects_total": subjects_total,
        "subjects_done": 0,
        "message": None,
    }
    session.execute(insert(Assessment), [values])
    return AssessmentRun(**values)  # type: ignore[arg-type]


def record_progress(session: Session, run_id: uuid.UUID, subjects_done: int) -> None:
    session.execute(update(Assessment).where(Assessment.id == run_id).values(subjects_done=subjects_done))


def finish_run(
    session: Session, run_id: uuid.UUID, *, now: datetime, status: str = FINISHED, message: str | None = None
) -> None:
    """Mark the run finished (or failed, with a message)."""
    if status not in (FINISHED, FAILED):
        raise ValueError(f"a run ends as {FINISHED!r} or {FAILED!r}, not {status!r}")
    values: dict[str, object] = {"status": status, "finished_at": now, "message": message}
    if status == FINISHED:
        values["subjects_done"] = Assessment.subjects_total
    session.execute(update(Assessment).where(Assessment.id == run_id).values(**values))


def add_results(session: Session, run_id: uuid.UUID, results: Iterable[AssessmentResultData]) -> int:
    """Store results of a run in one multi-row insert; how many."""
    values = [
        {
            "run_id": run_id,
            "subject_id": result.subject_id,
            "group_key": result.group_key,
            "score": result.score,
            "risk_class": result.risk_class,
            "significant_part": result.significant_part,
            "minor_part": result.minor_part,
            "gross_found": result.gross_found,
            "violated_criteria": list(result.violated_criteria),
            "explanation": dict(result.explanation),
        }
        for result in results
    ]
    if values:
        session.execute(insert(AssessmentResult), values)
    return len(values)


def _runs(session: Session, condition: ColumnElement[bool], limit: int | None = None) -> list[AssessmentRun]:
    query = select(*_RUN_COLUMNS).where(condition).order_by(Assessment.started_at.desc()).limit(limit)
    return [AssessmentRun(**row._asdict()) for row in session.execute(query)]


def get_run(session: Session, run_id: uuid.UUID) -> AssessmentRun | None:
    runs = _runs(session, Assessment.id == run_id)
    return runs[0] if runs else None


def find_finished_run(session: Session, fingerprint: str) -> AssessmentRun | None:
    """The latest finished run with these inputs, whose results can be reused instead of recomputed."""
    runs = _runs(session, (Assessment.inputs_fingerprint == fingerprint) & (Assessment.status == FINISHED), 1)
    return runs[0] if runs else None


def latest_run(session: Session, *, status: str | None = FINISHED) -> AssessmentRun | None:
    condition = true() if status is None else Assessment.status == status
    runs = _runs(session, condition, 1)
    return runs[0] if runs else None


def list_runs(session: Session, *, limit: int = 50) -> list[AssessmentRun]:
    """The latest runs first."""
    return _runs(session, true(), limit)


def results_for_run(
    session: Session,
    run_id: uuid.UUID,
    *,
    risk_class: str | None = None,
    group_key: str | None = None,
    subject_id: int | None = None,
) -> list[AssessmentResultData]:
    """The run's results, highest score first (ties by subject id), optionally filtered."""
    condition = AssessmentResult.run_id == run_id
    for column, value in (
        (AssessmentResult.risk_class, risk_class),
        (AssessmentResult.group_key, group_key),
        (AssessmentResult.subject_id, subject_id),
    ):
        if value is not None:
            condition = condition & (column == value)
    query = (
        select(*_RESULT_COLUMNS)
        .where(condition)
        .order_by(AssessmentResult.score.desc(), AssessmentResult.subject_id, AssessmentResult.group_key)
    )
    return [_result(row) for row in session.execute(query)]


def _result(row: Row[Any]) -> AssessmentResultData:
    return AssessmentResultData(
        subject_id=row.subject_id,
        group_key=row.group_key,
        score=row.score,
        risk_class=row.risk_class,
        significant_part=row.significant_part,
        minor_part=row.minor_part,
        gross_found=row.gross_found,
        violated_criteria=tuple(row.violated_criteria),
        explanation=row.explanation,
    )
