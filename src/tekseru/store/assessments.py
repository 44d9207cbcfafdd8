"""Runs of the risk engine and their results: start, progress, finish, store and read scores."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Connection, Row, func, insert, select, true, update
from sqlalchemy.orm import Session

from tekseru.store.models import Assessment, AssessmentResult, Subject
from tekseru.store.records import AssessmentResultData, AssessmentRun
from tekseru.store.subject_classes import summarise_run

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
    """Mark the run finished (and write each subject's class in it), or failed with a message."""
    if status not in (FINISHED, FAILED):
        raise ValueError(f"a run ends as {FINISHED!r} or {FAILED!r}, not {status!r}")
    values: dict[str, object] = {"status": status, "finished_at": now, "message": message}
    if status == FINISHED:
        values["subjects_done"] = Assessment.subjects_total
        summarise_run(session, run_id)
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
    if status == FINISHED:  # what every page of the registry asks: its statement is made once
        row = session.execute(_LATEST_FINISHED).first()
        return None if row is None else AssessmentRun(**row._asdict())
    condition = true() if status is None else Assessment.status == status
    runs = _runs(session, condition, 1)
    return runs[0] if runs else None


_LATEST_FINISHED = (
    select(*_RUN_COLUMNS).where(Assessment.status == FINISHED).order_by(Assessment.started_at.desc()).limit(1)
)


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


@dataclass(frozen=True)
class ResultBatch:
    """Results of many subject-groups of one run, column by column (element i of each is result i).

    The JSON columns come already serialised: the risk engine writes their text without Python objects.
    """

    subject_id: Sequence[int]
    group_key: Sequence[str]
    score: Sequence[float]
    risk_class: Sequence[str]
    significant_part: Sequence[float]
    minor_part: Sequence[float]
    gross_found: Sequence[int]
    violated_criteria: Sequence[str]
    explanation: Sequence[str]

    def __len__(self) -> int:
        return len(self.subject_id)

    def columns(self) -> list[Sequence[Any]]:
        return [getattr(self, name.name) for name in fields(self)]


_BATCH_NAMES = ("run_id", *(name.name for name in fields(ResultBatch)))
_ROWS_PER_STATEMENT = 3000


def add_result_batch(session: Session, run_id: uuid.UUID, batch: ResultBatch) -> int:
    """Store many results of a run at once; how many.

    SQLite: multi-row INSERT statements of up to 500 rows (binding values costs far less than running
    one statement per row, as executemany does); PostgreSQL (psycopg 3): COPY; elsewhere SQLAlchemy's insert.
    """
    count = len(batch)
    if not count:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        process = AssessmentResult.__table__.c.run_id.type.bind_processor(dialect)
        table = np.empty((count, len(_BATCH_NAMES)), dtype=object)
        table[:, 0] = process(run_id) if process is not None else run_id
        for index, column in enumerate(batch.columns(), start=1):
            table[:, index] = column
        _insert_sqlite(connection, table)
    elif dialect.name == "postgresql" and dialect.driver == "psycopg":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY assessment_results ({', '.join(_BATCH_NAMES)}) FROM STDIN") as copy:
            for row in zip(*batch.columns(), strict=True):
                copy.write_row((run_id, *row))
    else:
        names = _BATCH_NAMES[1:]
        values = [dict(zip(names, row, strict=True)) for row in zip(*batch.columns(), strict=True)]
        for value in values:
            value.update(
                run_id=run_id,
                violated_criteria=json.loads(value["violated_criteria"]),
                explanation=json.loads(value["explanation"]),
            )
        session.execute(insert(AssessmentResult), values)
    return count


def _insert_sqlite(connection: Connection, table: npt.NDArray[np.object_]) -> None:
    driver = connection.connection.driver_connection
    cursor = driver.cursor()  # type: ignore[union-attr]
    names, marks = ", ".join(_BATCH_NAMES), "(" + ", ".join("?" for _ in _BATCH_NAMES) + ")"
    # SQLite before 3.32 takes at most 999 values per statement, later versions 32,766.
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
    per_statement = max(1, min(_ROWS_PER_STATEMENT, limit // len(_BATCH_NAMES)))

    def statement(rows: int) -> str:
        return f"INSERT INTO assessment_results ({names}) VALUES {', '.join([marks] * rows)}"

    full = len(table) // per_statement * per_statement
    if full:
        many = statement(per_statement)
        for values in table[:full].reshape(-1, per_statement * len(_BATCH_NAMES)).tolist():
            cursor.execute(many, values)
    if full < len(table):
        cursor.execute(statement(len(table) - full), table[full:].ravel().tolist())


@dataclass(frozen=True)
class ResultRow:
    """One stored score with its subject's BIN, name and region (the explanation stays in the database)."""

    subject_id: int
    bin: str
    name: str
    region: str
    group_key: str
    score: float
    risk_class: str
    significant_part: float
    minor_part: float
    gross_found: int
    violated_criteria: tuple[int, ...]


def result_rows(
    session: Session, run_id: uuid.UUID, *, limit: int | None = None, region: str | None = None
) -> list[ResultRow]:
    """The run's results (of subjects of `region`, when given), highest score first (then by BIN and
    group), with the subjects' details."""
    r = AssessmentResult
    query = (
        select(
            r.subject_id,
            Subject.bin,
            Subject.name,
            Subject.region,
            r.group_key,
            r.score,
            r.risk_class,
            r.significant_part,
            r.minor_part,
            r.gross_found,
            r.violated_criteria,
        )
        .join(Subject, Subject.id == r.subject_id)
        .where(r.run_id == run_id, *([] if region is None else [Subject.region == region]))
        .order_by(r.score.desc(), Subject.bin, r.group_key)
        .limit(limit)
    )
    return [_result_row(row) for row in session.execute(query)]


def _result_row(row: Any) -> ResultRow:
    subject_id, bin, name, region, group_key, score, risk_class, significant, minor, gross, violated = row
    return ResultRow(
        subject_id,
        bin,
        name,
        region,
        group_key,
        score,
        risk_class,
        significant,
        minor,
        gross,
        tuple(violated),
    )


def class_counts(session: Session, run_id: uuid.UUID) -> list[tuple[str, str, str, int]]:
    """(group key, region key, risk class, number of results) of the run."""
    r = AssessmentResult
    query = (
        select(r.group_key, Subject.region, r.risk_class, func.count())
        .join(Subject, Subject.id == r.subject_id)
        .where(r.run_id == run_id)
        .group_by(r.group_key, Subject.region, r.risk_class)
    )
    return [(group, region, risk_class, count) for group, region, risk_class, count in session.execute(query)]


def finished_run_on(session: Session, as_of: date) -> AssessmentRun | None:
    """The latest finished run assessed as of exactly `as_of`."""
    query = (
        select(Assessment.id)
        .where((Assessment.as_of == as_of) & (Assessment.status == FINISHED))
        .order_by(Assessment.started_at.desc())
        .limit(1)
    )
    run_id = session.execute(query).scalar_one_or_none()
    return None if run_id is None else get_run(session, run_id)
