"""Read-only queries of the registry for people: search with paging, a subject's scores over time, the
results of a run, and the figures of the dashboard.

A subject in several control groups has a score in each; its *class* here is the highest of its groups'
classes in the run (and its score the highest score), which is what decides whether it is a candidate.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tekseru.store.fast_reads import read_first, read_rows, read_together
from tekseru.store.inspection_models import Inspection
from tekseru.store.models import Assessment, AssessmentSubjectClass, Subject, SubjectGroup
from tekseru.store.name_search import COMMON_FRAGMENTS, SCANNED, normalised
from tekseru.store.search_statements import CLASS_FILTERS as CLASS_FILTERS
from tekseru.store.search_statements import NOT_ASSESSED as NOT_ASSESSED
from tekseru.store.search_statements import (
    Shape,
    TextStatements,
    class_statements,
    filter_condition,
    filter_count,
    shape_of,
    text_statements,
)
from tekseru.store.search_statements import SubjectSearch as SubjectSearch
from tekseru.store.subject_classes import CLASSES as CLASSES
from tekseru.store.subject_classes import classes_of, of_run
from tekseru.store.subject_order import (
    COMPLETED,
    REGISTRY_ORDER,
    SubjectSort,
    last_visits,
    run_classes,
    scored_ids,
    sort_columns,
)

# The readings here go through the session's connection (`session.connection().execute`), not the ORM's
# execution (`session.execute`): they read columns, never mapped objects, and the ORM's layer cost about a
# third of the CPU time of each (no flush is due: these run in reading transactions that write nothing).
TEXT_MATCHES_COUNTED = 1000
SCAN_BUDGET = 4  # names read (times the cap) for a common fragment before the text index is asked
FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """A subject with its class in a run and the planning order's tie-break (its leading group's counts
    of gross, significant and minor criteria violated; its last completed visit)."""

    id: int
    bin: str
    name: str
    region: str
    address: str
    groups: tuple[str, ...]
    score: float | None
    risk_class: str | None
    gross_count: int = 0
    significant_count: int = 0
    minor_count: int = 0
    last_visit_on: date | None = None


def search_subjects(
    session: Session,
    search: SubjectSearch,
    *,
    run_id: uuid.UUID | None,
    limit: int,
    offset: int,
    text_cap: int = TEXT_MATCHES_COUNTED,
    sort: SubjectSort | None = None,
) -> tuple[list[SubjectRow], int]:
    """One page of the matching subjects in registry order (by id), or in `sort`'s order, with their class
    in `run_id`; and how many match. A search by text reads at most `text_cap` + 1 matches (a total of
    `text_cap` + 1 means "more than `text_cap`") and pages within them."""
    text = normalised(search.text)
    shape, values = shape_of(session, search, run_id, text)
    if sort is not None and sort.key != REGISTRY_ORDER:
        return _sorted(session, shape, values, run_id, sort, limit=limit, offset=offset, text_cap=text_cap)
    connection = session.connection()
    values.update(limit=limit, offset=offset, cap=text_cap + 1, budget=SCAN_BUDGET * (text_cap + 1))
    if shape.text:
        page, total = _text_page(connection, shape, values)
        return _rows_of(session, page, run_id), total
    if shape.risk_class == "class" and not shape.group and not shape.criterion:
        # a class (and perhaps a region) alone: counted and paged on the run's index of subject classes
        count, ids = class_statements(shape.region)
        counted, found = read_together(connection, [(count, values), (ids, values)])
        return _rows_of(session, [row[0] for row in found], run_id), counted[0][0]
    # Two readings, not one with a window count: the count reads only an index, and the page stops early;
    # sent together (on PostgreSQL one round trip, `fast_reads.read_together`).
    counted, filtered = read_together(
        connection, [(filter_count(shape), values), (_filtered_page(shape), values)]
    )
    return [subject_row_of(row) for row in filtered], counted[0][0]


def _text_page(connection: Connection, shape: Shape, values: dict[str, Any]) -> tuple[list[int], int]:
    """The ids of a page of a search by text, and its capped count. One reading: the database finds the
    first `:cap` matches, counts them and hands back the page's ids only, each with the count (read apart
    when the page is past the matches). A fragment alone that the text index found in more names than the
    cap before is looked for first among the first names (`scanned_name_ids`), which holds it when they
    hold `:cap` matches (the first matches by id are the same either way)."""
    fragment = values.get("fragment")
    alone = replace(shape, text="") == Shape(run=shape.run)
    if fragment is not None and alone and fragment in COMMON_FRAGMENTS:
        page, total = _capped_page(connection, text_statements(replace(shape, text=SCANNED)), values)
        if total == values["cap"]:
            return page, total
        COMMON_FRAGMENTS.forget(fragment)
    page, total = _capped_page(connection, text_statements(shape), values)
    if fragment is not None and alone and total == values["cap"]:
        COMMON_FRAGMENTS.remember(fragment)
    return page, total


def _capped_page(
    connection: Connection, statements: TextStatements, values: dict[str, Any]
) -> tuple[list[int], int]:
    rows = read_rows(connection, statements.page, values)
    total = rows[0][1] if rows else read_rows(connection, statements.count, values)[0][0]
    return [row[0] for row in rows], total


@lru_cache(maxsize=256)
def _filtered_page(shape: Shape) -> Select[Any]:
    page = _PAGE_ROWS.where(filter_condition(shape)).order_by(Subject.id)
    return page.limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))


def _sorted(
    session: Session,
    shape: Shape,
    values: dict[str, Any],
    run_id: uuid.UUID | None,
    sort: SubjectSort,
    *,
    limit: int,
    offset: int,
    text_cap: int,
) -> tuple[list[SubjectRow], int]:
    """A page in `sort`'s order: the filters (and the first `text_cap` + 1 text matches) counted, then
    ordered by the database with the planning order breaking every tie."""
    page, total = _sorted_ids(
        session, shape, values, run_id, sort, limit=limit, offset=offset, text_cap=text_cap
    )
    return _rows_of(session, page, run_id), total


def _sorted_ids(
    session: Session,
    shape: Shape,
    values: dict[str, Any],
    run_id: uuid.UUID | None,
    sort: SubjectSort,
    *,
    limit: int | None,
    offset: int,
    text_cap: int,
    counted: bool = True,
) -> tuple[list[int], int]:
    total = -1
    if shape.text:
        first = text_statements(shape).first
        ids = list(session.connection().execute(first, {**values, "cap": text_cap + 1}).scalars())
        condition: ColumnElement[bool] = Subject.id.in_(ids)
        total = len(ids)
    else:
        condition = filter_condition(shape)
        if counted:
            total = session.connection().execute(filter_count(shape), values).scalar_one()
    if sort.key == "score" and run_id is not None:
        return scored_ids(session, condition, run_id, sort, limit=limit, offset=offset, values=values), total
    classes, visits = run_classes(run_id), last_visits().subquery()
    query = (
        select(Subject.id)
        .select_from(Subject)
        .outerjoin(classes, classes.c.subject_id == Subject.id)
        .outerjoin(visits, visits.c.subject_id == Subject.id)
        .where(condition)
        .order_by(*sort_columns(sort, classes, visits))
        .limit(limit)
        .offset(offset)
    )
    return list(session.connection().execute(query, values).scalars()), total


def iter_subjects(
    session: Session,
    search: SubjectSearch,
    *,
    run_id: uuid.UUID | None,
    sort: SubjectSort | None = None,
    text_cap: int = TEXT_MATCHES_COUNTED,
    chunk: int = 1000,
) -> Iterator[SubjectRow]:
    """Every subject `search_subjects` pages through, in the same order, read `chunk` at a time (for an
    export: only the ids of the whole table are held, never all its rows)."""
    order = sort or SubjectSort()
    shape, values = shape_of(session, search, run_id, normalised(search.text))
    ids, _ = _sorted_ids(
        session, shape, values, run_id, order, limit=None, offset=0, text_cap=text_cap, counted=False
    )
    for start in range(0, len(ids), chunk):
        yield from _rows_of(session, ids[start : start + chunk], run_id)


# A page's rows in one reading (a round trip to the database costs more than the reading itself when the
# machine is busy): each subject with its class, score and tie-break in the run, its control groups and
# its last visit; the statement is made once, with the run and the ids as parameters.
_GROUP_SEPARATOR = ","  # control group keys are catalogue identifiers: letters, digits and _
_groups_of = (
    select(func.aggregate_strings(SubjectGroup.group_key, _GROUP_SEPARATOR))
    .where(SubjectGroup.subject_id == Subject.id)
    .scalar_subquery()
)
_last_visit = (
    select(func.max(Inspection.inspected_on))
    .where(
        (Inspection.subject_id == Subject.id)
        & (Inspection.status == COMPLETED)
        & Inspection.superseded_by_id.is_(None)
    )
    .scalar_subquery()
)
_PAGE_ROWS = (
    select(
        Subject.id,
        Subject.bin,
        Subject.name,
        Subject.region,
        Subject.address,
        _groups_of,
        AssessmentSubjectClass.score,
        AssessmentSubjectClass.risk_class,
        AssessmentSubjectClass.gross_count,
        AssessmentSubjectClass.significant_count,
        AssessmentSubjectClass.minor_count,
        _last_visit,
    )
    .select_from(Subject)
    .outerjoin(
        AssessmentSubjectClass,
        (AssessmentSubjectClass.subject_id == Subject.id)
        & of_run(bindparam("run", type_=Assessment.id.type)),
    )
)


def subject_row(session: Session, bin: str, run_id: uuid.UUID | None) -> SubjectRow | None:
    found = read_first(session.connection(), SUBJECT_BY_BIN, {"run": run_id, "bin": bin})
    return None if found is None else subject_row_of(found)


def _rows_of(session: Session, ids: Sequence[int], run_id: uuid.UUID | None) -> list[SubjectRow]:
    """The subjects `ids`, in that order, with their groups, class, score and tie-break in `run_id` (none
    without a run) and last visit."""
    if not ids:
        return []
    found = {
        row[0]: row
        for row in read_rows(session.connection(), _PAGE_BY_IDS, {"run": run_id, "ids": list(ids)})
    }
    return [subject_row_of(found[i]) for i in ids]


def subject_row_of(values: Any) -> SubjectRow:
    subject_id, bin, name, region, address, groups, score, risk_class, gross, significant, minor, visit = (
        values
    )
    keys = tuple(sorted(groups.split(_GROUP_SEPARATOR))) if groups else ()
    if risk_class is None:  # not assessed in the run
        gross = significant = minor = 0
    fields = (subject_id, bin, name, region, address, keys, score, risk_class)
    return SubjectRow(*fields, gross, significant, minor, last_visit_on=visit)


_PAGE_BY_IDS = _PAGE_ROWS.where(Subject.id.in_(bindparam("ids", expanding=True)))
SUBJECT_BY_BIN = _PAGE_ROWS.where(Subject.bin == bindparam("bin"))  # a card's subject


def best_results(
    session: Session, run_id: uuid.UUID, subject_ids: Sequence[int]
) -> dict[int, tuple[float | None, str | None]]:
    """(highest score, class) of each of these subjects that the run assessed."""
    return dict(classes_of(session, run_id, list(subject_ids)))
