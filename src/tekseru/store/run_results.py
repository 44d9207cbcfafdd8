"""Read-only queries of assessment runs for people: one run's results page by page (in the planning
order, with its tie-break), and a subject's scores over the latest runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tekseru.store.models import Assessment, AssessmentResult, Subject
from tekseru.store.run_keys import run_key_of
from tekseru.store.subject_order import (
    REGISTRY_ORDER,
    SubjectSort,
    last_visits,
    run_classes,
    sort_columns,
    tie_breaks,
)

FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """One subject's score in one group in one finished run."""

    run_id: uuid.UUID
    as_of: date
    started_at: datetime
    edition_id: str
    group_key: str
    score: float
    risk_class: str
    violated_criteria: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ResultRow:
    subject_id: int
    bin: str
    name: str
    region: str
    group_key: str
    score: float
    risk_class: str
    gross_found: int
    violated_criteria: tuple[int, ...]
    significant_part: float
    minor_part: float
    last_visit_on: date | None = None
    # The planning order's tie-break: the subject's counts in its leading group (as the list ranks it).
    gross_count: int = 0
    significant_count: int = 0
    minor_count: int = 0


def score_history(session: Session, subject_id: int, *, limit: int = 20) -> list[ScorePoint]:
    """The subject's scores in the latest `limit` finished runs, oldest first."""
    # The runs by their numbers: the subject's results in each are found by the primary key (run, subject).
    runs = (
        select(Assessment.run_key)
        .where(Assessment.status == FINISHED)
        .order_by(Assessment.started_at.desc())
        .limit(limit)
    )
    query = (
        select(
            Assessment.id,
            Assessment.as_of,
            Assessment.started_at,
            Assessment.edition_id,
            AssessmentResult.group_key,
            AssessmentResult.score,
            AssessmentResult.risk_class,
            AssessmentResult.violated_criteria,
        )
        .join(AssessmentResult, AssessmentResult.run_key == Assessment.run_key)
        .where(AssessmentResult.run_key.in_(runs) & (AssessmentResult.subject_id == subject_id))
        .order_by(Assessment.started_at, AssessmentResult.group_key)
    )
    return [ScorePoint(*row[:7], tuple(row[7])) for row in session.execute(query)]


def _results_condition(
    run_id: uuid.UUID, region: str | None, risk_class: str | None, subject_id: int | None
) -> ColumnElement[bool]:
    condition = AssessmentResult.run_key == run_key_of(run_id)
    if subject_id is not None:
        condition = condition & (AssessmentResult.subject_id == subject_id)
    if region is not None:
        condition = condition & (Subject.region == region)
    if risk_class is not None:
        condition = condition & (AssessmentResult.risk_class == risk_class)
    return condition


def run_result_rows(
    session: Session,
    run_id: uuid.UUID,
    *,
    region: str | None = None,
    risk_class: str | None = None,
    subject_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    sort: SubjectSort | None = None,
    counted: bool = True,
) -> tuple[list[ResultRow], int]:
    """One page of the run's results, highest score first (or in `sort`'s order, ties broken by the
    planning order); and how many there are (-1 for one subject's)."""
    condition = _results_condition(run_id, region, risk_class, subject_id)
    joined = AssessmentResult.__table__.join(Subject.__table__, Subject.id == AssessmentResult.subject_id)
    total = (
        -1  # one subject's results: all of them fit on the page; no count needed
        if subject_id is not None or not counted
        else session.execute(select(func.count()).select_from(joined).where(condition)).scalar_one()
    )
    if sort is None or sort.key == REGISTRY_ORDER:
        sort = SubjectSort("score")  # highest first, equal scores in the planning order's tie-break
    classes, visits = run_classes(run_id), last_visits().subquery()
    query = (
        select(
            Subject.id,
            Subject.bin,
            Subject.name,
            Subject.region,
            AssessmentResult.group_key,
            AssessmentResult.score,
            AssessmentResult.risk_class,
            AssessmentResult.gross_found,
            AssessmentResult.violated_criteria,
            AssessmentResult.significant_part,
            AssessmentResult.minor_part,
        )
        .select_from(joined)
        .where(condition)
        .limit(limit)
        .offset(offset)
    )
    if subject_id is not None:  # one subject's scores, highest first: nothing to break ties between
        query = query.order_by(AssessmentResult.score.desc(), AssessmentResult.group_key)
    else:
        query = (
            query.outerjoin(classes, classes.c.subject_id == Subject.id)
            .outerjoin(visits, visits.c.subject_id == Subject.id)
            .order_by(*sort_columns(sort, classes, visits, result=AssessmentResult))
        )
    rows = [ResultRow(*row[:8], tuple(row[8]), *row[9:]) for row in session.execute(query)]
    ids = list({row.subject_id for row in rows})
    visited = {subject_id: day for subject_id, day in session.execute(last_visits(ids))} if ids else {}
    counts = tie_breaks(session, run_id, ids)
    return [_completed(row, visited.get(row.subject_id), counts.get(row.subject_id)) for row in rows], total


def _completed(row: ResultRow, last_visit_on: date | None, counts: tuple[int, int, int] | None) -> ResultRow:
    gross, significant, minor = counts or (0, 0, 0)
    return replace(
        row,
        last_visit_on=last_visit_on,
        gross_count=gross,
        significant_count=significant,
        minor_count=minor,
    )
