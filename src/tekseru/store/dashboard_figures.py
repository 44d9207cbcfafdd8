"""The dashboard's figures: subjects by region, subjects by region and class in a run, and how many subjects
had each criterion counted as violated."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from tekseru.store.models import AssessmentResult, Subject
from tekseru.store.run_keys import run_key_of
from tekseru.store.subject_classes import count_by_region_and_class


def _in_region(region: str | None) -> ColumnElement[bool]:
    return true() if region is None else Subject.region == region


def subjects_by_region(session: Session, *, region: str | None = None) -> dict[str, int]:
    query = select(Subject.region, func.count()).where(_in_region(region)).group_by(Subject.region)
    return {key: count for key, count in session.execute(query)}


def classes_by_region(
    session: Session, run_id: uuid.UUID, *, region: str | None = None
) -> dict[tuple[str, str], int]:
    """(region, class) -> number of subjects of the region with that class in the run."""
    return count_by_region_and_class(session, run_id, region=region)


def violated_criteria(session: Session, run_id: uuid.UUID, *, region: str | None = None) -> Counter[int]:
    """Criterion -> number of subjects in whose score of the run it was counted as violated."""
    query = (
        select(AssessmentResult.subject_id, AssessmentResult.violated_criteria)
        .join(Subject, Subject.id == AssessmentResult.subject_id)
        .where((AssessmentResult.run_key == run_key_of(run_id)) & _in_region(region))
    )
    per_subject: dict[int, set[int]] = {}
    for subject_id, criteria in session.execute(query):
        per_subject.setdefault(subject_id, set()).update(criteria)
    return Counter(criterion for criteria in per_subject.values() for criterion in criteria)
