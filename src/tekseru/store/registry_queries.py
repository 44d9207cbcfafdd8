"""Read-only queries of the registry for people: search with paging, a subject's scores over time, the
results of a run, and the figures of the dashboard.

A subject in several control groups has a score in each; its *class* here is the highest of its groups'
classes in the run (and its score the highest score), which is what decides whether it is a candidate.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import Session

from tekseru.store.models import Assessment, AssessmentResult, Subject, SubjectGroup
from tekseru.store.name_search import indexed_name_ids, is_bin_prefix, name_contains, normalised
from tekseru.store.subject_classes import CLASSES as CLASSES
from tekseru.store.subject_classes import classes_of, count_by_region_and_class, subjects_of_class

TEXT_MATCHES_COUNTED = 1000
FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class SubjectSearch:
    """What to look for: `text` is part of a name or the start of a BIN; the rest filter exactly."""

    text: str = ""
    region: str | None = None
    group: str | None = None
    risk_class: str | None = None


@dataclass(frozen=True, slots=True)
class SubjectRow:
    id: int
    bin: str
    name: str
    region: str
    address: str
    groups: tuple[str, ...]
    score: float | None
    risk_class: str | None


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


def _filter_condition(search: SubjectSearch, run_id: uuid.UUID | None) -> ColumnElement[bool]:
    """The exact filters of a search: region, group and class (the subject's class in the run)."""
    condition: ColumnElement[bool] = true()
    if search.region is not None:
        condition = condition & (Subject.region == search.region)
    if search.group is not None:
        members = select(SubjectGroup.subject_id).where(SubjectGroup.group_key == search.group)
        condition = condition & Subject.id.in_(members)
    if search.risk_class is not None:
        if run_id is None or search.risk_class not in CLASSES:
            return false()
        condition = condition & Subject.id.in_(subjects_of_class(run_id, search.risk_class, search.region))
    return condition


def _text_condition(session: Session, text: str) -> ColumnElement[bool]:
    if not text:
        return true()
    if is_bin_prefix(text):  # a BIN or its start: a range of the unique index on bin
        upper = text[:-1] + chr(ord(text[-1]) + 1)
        return Subject.bin == text if len(text) == 12 else (Subject.bin >= text) & (Subject.bin < upper)
    return name_contains(session, text)


def search_subjects(
    session: Session,
    search: SubjectSearch,
    *,
    run_id: uuid.UUID | None,
    limit: int,
    offset: int,
    text_cap: int = TEXT_MATCHES_COUNTED,
) -> tuple[list[SubjectRow], int]:
    """One page of the matching subjects in registry order (by id), with their class in `run_id`; and how
    many match. A search by text reads at most `text_cap` + 1 matches (a total of `text_cap` + 1 means
    "more than `text_cap`") and pages within them."""
    text = normalised(search.text)
    filters = _filter_condition(search, run_id)
    if text:
        indexed = None
        if not is_bin_prefix(text):
            indexed = indexed_name_ids(session, text, filters, limit=text_cap + 1)
        if indexed is None:
            condition = _text_condition(session, text) & filters
            indexed = select(Subject.id).where(condition).order_by(Subject.id).limit(text_cap + 1)
        ids = list(session.execute(indexed).scalars())
        page = ids[offset : offset + limit]
        found = {row.id: row for row in session.execute(_subject_page(Subject.id.in_(page)))} if page else {}
        return _rows(session, [found[i] for i in page], run_id), len(ids)
    if search.risk_class is not None and search.group is None and run_id is not None:
        return _by_class(session, search, run_id, limit=limit, offset=offset)
    # Two readings, not one with a window count: the count reads only an index, and the page stops early.
    total = session.execute(select(func.count()).select_from(Subject).where(filters)).scalar_one()
    query = _subject_page(filters).order_by(Subject.id).limit(limit).offset(offset)
    return _rows(session, list(session.execute(query)), run_id), total


def _by_class(
    session: Session, search: SubjectSearch, run_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[SubjectRow], int]:
    """A class (and perhaps a region) alone: counted and paged on the run's index of subject classes."""
    if search.risk_class not in CLASSES:
        return [], 0
    wanted = subjects_of_class(run_id, search.risk_class, search.region).subquery()
    total = session.execute(select(func.count()).select_from(wanted)).scalar_one()
    ids = select(wanted.c.subject_id).order_by(wanted.c.subject_id).limit(limit).offset(offset)
    page = list(session.execute(ids).scalars())
    found = {row.id: row for row in session.execute(_subject_page(Subject.id.in_(page)))} if page else {}
    return _rows(session, [found[i] for i in page], run_id), total


def _subject_page(condition: Any) -> Any:
    return select(Subject.id, Subject.bin, Subject.name, Subject.region, Subject.address).where(condition)


def subject_row(session: Session, bin: str, run_id: uuid.UUID | None) -> SubjectRow | None:
    found = _rows(session, list(session.execute(_subject_page(Subject.bin == bin))), run_id)
    return found[0] if found else None


def _rows(session: Session, rows: Sequence[Any], run_id: uuid.UUID | None) -> list[SubjectRow]:
    ids = [row.id for row in rows]
    groups: dict[int, list[str]] = {subject_id: [] for subject_id in ids}
    if ids:
        query = select(SubjectGroup.subject_id, SubjectGroup.group_key).where(
            SubjectGroup.subject_id.in_(ids)
        )
        for subject_id, key in session.execute(query):
            groups[subject_id].append(key)
    best = best_results(session, run_id, ids) if run_id is not None else {}
    found = []
    for row in rows:
        score, risk_class = best.get(row.id, (None, None))
        groups_of = tuple(sorted(groups[row.id]))
        found.append(
            SubjectRow(row.id, row.bin, row.name, row.region, row.address, groups_of, score, risk_class)
        )
    return found


def best_results(
    session: Session, run_id: uuid.UUID, subject_ids: Sequence[int]
) -> dict[int, tuple[float | None, str | None]]:
    """(highest score, class) of each of these subjects that the run assessed."""
    return dict(classes_of(session, run_id, list(subject_ids)))


def score_history(session: Session, subject_id: int, *, limit: int = 20) -> list[ScorePoint]:
    """The subject's scores in the latest `limit` finished runs, oldest first."""
    runs = (
        select(Assessment.id)
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
        .join(AssessmentResult, AssessmentResult.run_id == Assessment.id)
        .where((AssessmentResult.subject_id == subject_id) & Assessment.id.in_(runs))
        .order_by(Assessment.started_at, AssessmentResult.group_key)
    )
    return [ScorePoint(*row[:7], tuple(row[7])) for row in session.execute(query)]


def _results_condition(
    run_id: uuid.UUID, region: str | None, risk_class: str | None, subject_id: int | None
) -> ColumnElement[bool]:
    condition = AssessmentResult.run_id == run_id
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
) -> tuple[list[ResultRow], int]:
    """One page of the run's results, highest score first; and how many there are (-1 for one subject's)."""
    condition = _results_condition(run_id, region, risk_class, subject_id)
    joined = AssessmentResult.__table__.join(Subject.__table__, Subject.id == AssessmentResult.subject_id)
    total = (
        -1  # one subject's results: all of them fit on the page; no count needed
        if subject_id is not None
        else session.execute(select(func.count()).select_from(joined).where(condition)).scalar_one()
    )
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
        )
        .select_from(joined)
        .where(condition)
        .order_by(AssessmentResult.score.desc(), Subject.id, AssessmentResult.group_key)
        .limit(limit)
        .offset(offset)
    )
    return [ResultRow(*row[:8], tuple(row[8])) for row in session.execute(query)], total


# Dashboard figures


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
        .where((AssessmentResult.run_id == run_id) & _in_region(region))
    )
    per_subject: dict[int, set[int]] = {}
    for subject_id, criteria in session.execute(query):
        per_subject.setdefault(subject_id, set()).update(criteria)
    return Counter(criterion for criteria in per_subject.values() for criterion in criteria)
