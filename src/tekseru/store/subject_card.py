"""What a subject's card reads besides the subject's row, each kind in one statement: its results in a run
(with their stored explanations and the tie-break of its leading group), its scores over the latest
finished runs, its evidence and its inspections.

Every statement is made once, at import, with the run and the subject as parameters: building a
statement and working out its cache key cost more than running it (issue 18: a card page made thirteen,
in two transactions, on every request). The rows are the store's records, as the general queries give them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import Session

from tekseru.store.assessments import result_data
from tekseru.store.inspection_models import Inspection, InspectionRecord
from tekseru.store.models import Assessment, AssessmentResult, AssessmentSubjectClass, Evidence
from tekseru.store.records import AssessmentResultData, EvidenceRecord
from tekseru.store.run_keys import run_key_of
from tekseru.store.run_results import FINISHED, ScorePoint

HISTORY_RUNS = 20  # the latest finished runs a card shows the subject's scores in

_RUN = bindparam("run", type_=Assessment.id.type)
_SUBJECT = bindparam("subject", type_=Integer())
_LIMIT = bindparam("limit", type_=Integer())

_result, _class = AssessmentResult, AssessmentSubjectClass
_RESULTS = (
    select(
        _result.subject_id,
        _result.group_key,
        _result.score,
        _result.risk_class,
        _result.significant_part,
        _result.minor_part,
        _result.gross_found,
        _result.violated_criteria,
        _result.explanation,
        _result.evidence_statuses,
        func.coalesce(_class.gross_count, 0),
        func.coalesce(_class.significant_count, 0),
        func.coalesce(_class.minor_count, 0),
    )
    .select_from(_result)
    .outerjoin(_class, (_class.run_key == _result.run_key) & (_class.subject_id == _result.subject_id))
    .where((_result.run_key == run_key_of(_RUN)) & (_result.subject_id == _SUBJECT))
    .order_by(_result.score.desc(), _result.group_key)
)

_RUNS = (
    select(Assessment.id)
    .where(Assessment.status == FINISHED)
    .order_by(Assessment.started_at.desc())
    .limit(_LIMIT)
)
_HISTORY = (
    select(
        Assessment.id,
        Assessment.as_of,
        Assessment.started_at,
        Assessment.edition_id,
        _result.group_key,
        _result.score,
        _result.risk_class,
        _result.violated_criteria,
    )
    .join(_result, _result.run_key == Assessment.run_key)
    .where((_result.subject_id == _SUBJECT) & Assessment.id.in_(_RUNS))
    .order_by(Assessment.started_at, _result.group_key)
)

_e = Evidence.__table__.c
_EVIDENCE = (
    select(
        _e.id,
        _e.subject_id,
        _e.criterion,
        _e.source_group,
        _e.observed_on,
        _e.reference,
        _e.confirmed,
        _e.entered_by,
        _e.entered_at,
        _e.origin,
        _e.used_on,
    )
    .where(_e.subject_id == _SUBJECT)
    .order_by(_e.id)
)

_i = Inspection.__table__.c
_INSPECTIONS = (
    select(*(_i[field.name] for field in fields(InspectionRecord)))
    .where(_i.subject_id == _SUBJECT)
    .order_by(_i.id)
)


@dataclass(frozen=True, slots=True)
class SubjectResult:
    """One of the subject's results in the run: as stored (with its explanation), and the counts of the
    subject's leading group in the run (0 when the run gave it no class)."""

    data: AssessmentResultData
    gross_count: int
    significant_count: int
    minor_count: int


def subject_results(session: Session, run_id: uuid.UUID, subject_id: int) -> list[SubjectResult]:
    """The subject's results in the run, highest score first (then by group)."""
    rows = session.connection().execute(_RESULTS, {"run": run_id, "subject": subject_id})
    return [_subject_result(row) for row in rows]


def _subject_result(row: Any) -> SubjectResult:
    return SubjectResult(result_data(row), *row[-3:])


def subject_history(session: Session, subject_id: int, *, limit: int = HISTORY_RUNS) -> list[ScorePoint]:
    """The subject's scores in the latest `limit` finished runs, oldest first (as `score_history`)."""
    rows = session.connection().execute(_HISTORY, {"subject": subject_id, "limit": limit})
    return [ScorePoint(*row[:7], tuple(row[7])) for row in rows]


def subject_evidence(session: Session, subject_id: int) -> list[EvidenceRecord]:
    """The subject's evidence, by id."""
    return [EvidenceRecord(*row) for row in session.connection().execute(_EVIDENCE, {"subject": subject_id})]


def subject_inspections(session: Session, subject_id: int) -> list[InspectionRecord]:
    """Every inspection of the subject (every revision, superseded ones too), by id."""
    rows = session.connection().execute(_INSPECTIONS, {"subject": subject_id})
    return [_inspection(row) for row in rows]


def _inspection(row: Any) -> InspectionRecord:
    values = row._asdict()
    values.update(group_keys=tuple(values["group_keys"]), inspectors=tuple(values["inspectors"]))
    return InspectionRecord(**values)
