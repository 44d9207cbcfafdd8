"""Runs of the risk engine and their results: start, progress, finish, store and read scores."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, true, update
from sqlalchemy.orm import Session

from tekseru.store._bulk import insert_columns
from tekseru.store.criteria_lists import packed_json
from tekseru.store.explanation_codes import as_json, read
from tekseru.store.fast_reads import read_first
from tekseru.store.models import Assessment, AssessmentResult, Subject, results_table, risk_class_code
from tekseru.store.records import AssessmentResultData, AssessmentRun
from tekseru.store.result_groups import coded, group_codes
from tekseru.store.run_keys import new_run_key, run_key, run_key_of
from tekseru.store.run_results import ResultRow
from tekseru.store.subject_classes import CLASSES, summarise_run

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
    AssessmentResult.evidence_statuses,
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
    key = new_run_key(session)
    session.execute(insert(Assessment).values(**values, **({} if key is None else {"run_key": key})))
    return AssessmentRun(**values)  # type: ignore[arg-type]


def record_progress(session: Session, run_id: uuid.UUID, subjects_done: int) -> None:
    session.execute(update(Assessment).where(Assessment.id == run_id).values(subjects_done=subjects_done))


def finish_run(
    session: Session,
    run_id: uuid.UUID,
    *,
    now: datetime,
    status: str = FINISHED,
    message: str | None = None,
    classes_stored: bool = False,
) -> None:
    """Mark the run finished (and write each subject's class in it, derived from the stored results,
    unless `classes_stored` says the results were stored with them: `add_result_batch`'s `lead`), or
    failed with a message."""
    if status not in (FINISHED, FAILED):
        raise ValueError(f"a run ends as {FINISHED!r} or {FAILED!r}, not {status!r}")
    values: dict[str, object] = {"status": status, "finished_at": now, "message": message}
    if status == FINISHED:
        values["subjects_done"] = Assessment.subjects_total
        if not classes_stored:
            summarise_run(session, run_id)
    session.execute(update(Assessment).where(Assessment.id == run_id).values(**values))


def add_results(session: Session, run_id: uuid.UUID, results: Iterable[AssessmentResultData]) -> int:
    """Store results of a run in one multi-row insert, their explanations as JSON text (whatever their
    mapping holds: `explanation_codes.as_json`); how many. (The risk engine stores its results with
    `add_result_batch`, their explanations as `explanation_codes`.)"""
    key = run_key(session, run_id)
    results = list(results)
    codes = group_codes(session, (result.group_key for result in results))
    values = [
        {
            "run_key": key,
            "subject_id": result.subject_id,
            "group_code": codes[result.group_key],
            "score": result.score,
            "risk_class": result.risk_class,
            "significant_part": result.significant_part,
            "minor_part": result.minor_part,
            "gross_found": result.gross_found,
            "violated_criteria": list(result.violated_criteria),
            "evidence_statuses": as_json(result.explanation),
        }
        for result in results
    ]
    if values:
        session.execute(insert(results_table), values)
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
        row = read_first(session.connection(), _LATEST_FINISHED)  # columns, in AssessmentRun's order
        return None if row is None else AssessmentRun(*row)
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
    condition = AssessmentResult.run_key == run_key_of(run_id)
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
    return [result_data(row) for row in session.execute(query)]


def result_data(row: Any) -> AssessmentResultData:
    """A stored result read as a row with the result table's columns, its explanation decoded."""
    return AssessmentResultData(
        subject_id=row.subject_id,
        group_key=row.group_key,
        score=row.score,
        risk_class=row.risk_class,
        significant_part=row.significant_part,
        minor_part=row.minor_part,
        gross_found=row.gross_found,
        violated_criteria=tuple(row.violated_criteria),
        explanation=read(row.evidence_statuses),
    )


@dataclass(frozen=True)
class ResultBatch:
    """Results of many subject-groups of one run, column by column (element i of each is result i).

    The violated criteria come as JSON text and the explanations as codes: the risk engine writes both
    without a Python object per result.
    """

    subject_id: Sequence[int]
    group_key: Sequence[str]
    score: Sequence[float]
    risk_class: Sequence[str]
    significant_part: Sequence[float]
    minor_part: Sequence[float]
    gross_found: Sequence[int]
    violated_criteria: Sequence[bytes]  # as `criteria_lists.packed` writes them (or JSON texts of lists)
    evidence_statuses: Sequence[bytes]  # each result's explanation as `explanation_codes` writes it

    def __len__(self) -> int:
        return len(self.subject_id)

    def columns(self) -> list[Sequence[Any]]:
        return [getattr(self, name.name) for name in fields(self)]


_POSTGRES_TYPES = {
    "run_key": "int4",
    "subject_id": "int4",
    "group_code": "int2",  # the group's code (migration 0025)
    "score": "float8",
    "significant_part": "float8",
    "minor_part": "float8",
    "gross_found": "int2",  # migration 0022
    "violated_criteria": "bytea",  # `criteria_lists` (migration 0026)
    "evidence_statuses": "bytea",
    # the classes as their ranks, the subject's class in its leading result (migration 0026)
    "risk_class": "int2",
    "subject_class": "int2",
    "region_code": "int2",
    "gross_count": "int2",
    "significant_count": "int2",
    "minor_count": "int2",
}
_CLASS_CODES = {name: risk_class_code(name) for name in CLASSES}


def add_result_batch(
    session: Session,
    run_id: uuid.UUID,
    batch: ResultBatch,
    lead: Mapping[str, Sequence[Any]] | None = None,
) -> int:
    """Store many results of a run at once; how many (multi-row INSERTs on SQLite, binary COPY on
    PostgreSQL: `_bulk.insert_columns`). `lead`: the subjects' classes in the columns of their leading
    results (`subject_classes.LeadColumns.rows`), written with the rows, not updated into them after."""
    count = len(batch)
    if not count:
        return 0
    connection = session.connection()
    columns: dict[str, Sequence[Any]] = {"run_key": [run_key(session, run_id)] * count}
    columns.update((name.name, getattr(batch, name.name)) for name in fields(batch))
    columns["group_code"] = coded(session, columns.pop("group_key"))
    columns["risk_class"] = list(map(_CLASS_CODES.__getitem__, batch.risk_class))
    if isinstance(next(iter(batch.violated_criteria), b""), str):  # JSON texts of lists (as before 0026)
        columns["violated_criteria"] = [packed_json(str(text)) for text in batch.violated_criteria]
    columns.update(lead or {})
    types = [_POSTGRES_TYPES[name] for name in columns]
    return insert_columns(connection, results_table, columns, postgres_types=types)


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
        .where(r.run_key == run_key_of(run_id), *([] if region is None else [Subject.region == region]))
        .order_by(r.score.desc(), Subject.bin, r.group_key)
        .limit(limit)
    )
    return [_result_row(row) for row in session.execute(query)]


def _result_row(row: Any) -> ResultRow:
    subject_id, bin, name, region, group_key, score, risk_class, significant, minor, gross, violated = row
    details = (subject_id, bin, name, region, group_key, score, risk_class, gross, tuple(violated))
    return ResultRow(*details, significant, minor)


def class_counts(session: Session, run_id: uuid.UUID) -> list[tuple[str, str, str, int]]:
    """(group key, region key, risk class, number of results) of the run."""
    r = AssessmentResult
    query = (
        select(r.group_key, Subject.region, r.risk_class, func.count())
        .join(Subject, Subject.id == r.subject_id)
        .where(r.run_key == run_key_of(run_id))
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
