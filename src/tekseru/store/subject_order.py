"""The orders a table of subjects can be read in, done by the database so that paging stays on the server.

Every order ends with the planning order (tekseru.planning.priority: score, then the counts of gross,
significant and minor criteria violated, then the longest since the last visit) and then BIN and id, so
that equal values are ordered as the semi-annual list orders them and every page is the same each time.
A subject not assessed in the run (no score) comes after every assessed one, in either direction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Select, String, bindparam, case, false, func, select, true
from sqlalchemy.orm import Session

from tekseru.planning.priority import PRIORITY_ORDER
from tekseru.store.inspection_models import Inspection
from tekseru.store.models import AssessmentSubjectClass, Subject, SubjectGroup, region_is, score_hundredths
from tekseru.store.run_keys import run_key_of
from tekseru.store.subject_classes import of_run

REGISTRY_ORDER = "registry"  # the order subjects were first imported in (by id)
SORT_KEYS = (REGISTRY_ORDER, "score", "class", "name", "region", "group", "last_visit")
COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class SubjectSort:
    """A column and a direction: `reverse` turns the column's natural direction round (score and class:
    highest first; name, region, group: alphabetical; last visit: longest ago first, never first)."""

    key: str = REGISTRY_ORDER
    reverse: bool = False

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise ValueError(f"sort by one of {', '.join(SORT_KEYS)}, not {self.key!r}")

    @classmethod
    def from_parameter(cls, value: str | None) -> SubjectSort | None:
        """The order a `sort` parameter of a URL asks for (`score`; `-score` the other way round); None,
        the registry order, for an empty or unknown one."""
        key = (value or "").removeprefix("-")
        return cls(key, reverse=(value or "").startswith("-")) if key in SORT_KEYS else None

    @property
    def parameter(self) -> str:
        return ("-" if self.reverse else "") + self.key


def last_visits(subject_ids: Sequence[int] | BindParameter[Any] | None = None) -> Select[int, date | None]:
    """(subject id, date of its latest completed current inspection): what planning calls the last visit
    (tekseru.store.inspections.visit_histories); of the subjects `subject_ids` (a list, or an expanding
    parameter), else of all."""
    condition = (Inspection.status == COMPLETED) & Inspection.superseded_by_id.is_(None)
    if subject_ids is not None:
        condition = condition & Inspection.subject_id.in_(subject_ids)
    return (
        select(Inspection.subject_id, func.max(Inspection.inspected_on).label("last_visit_on"))
        .where(condition)
        .group_by(Inspection.subject_id)
    )


def tie_breaks(
    session: Session, run_id: uuid.UUID, subject_ids: Sequence[int]
) -> dict[int, tuple[int, int, int]]:
    """(gross, significant, minor) counts of each of these subjects' leading group in the run."""
    if not subject_ids:
        return {}
    table = AssessmentSubjectClass
    query = select(table.subject_id, table.gross_count, table.significant_count, table.minor_count).where(
        of_run(run_id) & table.subject_id.in_(subject_ids)
    )
    return {row[0]: (row[1], row[2], row[3]) for row in session.execute(query)}


def sort_columns(sort: SubjectSort, classes: Any, visits: Any, *, result: Any | None = None) -> list[Any]:
    """ORDER BY of `sort` over subjects joined with the run's classes and the last visits; with `result`
    (the run's results, one row per subject and group), over those rows: score, class and group are the
    row's own, and the tie-break is the subject's leading group's, as the list ranks subjects by it."""
    risk_class = classes.c.risk_class if result is None else result.risk_class
    rank = case((risk_class == "high", 3), (risk_class == "medium", 2), (risk_class == "low", 1))
    first_group = (
        select(func.min(SubjectGroup.group_key))
        .where(SubjectGroup.subject_id == Subject.id)
        .scalar_subquery()
        if result is None
        else result.group_key
    )
    fields: dict[str, Any] = {
        "score": classes.c.score if result is None else result.score,
        "gross_count": classes.c.gross_count,
        "significant_count": classes.c.significant_count,
        "minor_count": classes.c.minor_count,
        "last_visit_on": visits.c.last_visit_on,
    }
    # (column, larger first, whether NULL stays last whatever the direction)
    planning = [
        (fields[name], larger_first, name != "last_visit_on") for name, larger_first in PRIORITY_ORDER
    ]
    lead: dict[str, list[tuple[Any, bool, bool]]] = {
        REGISTRY_ORDER: [(Subject.id, False, False)],
        "score": [],
        "class": [(rank, True, True)],
        "name": [(Subject.name_key, False, False), (Subject.name, False, False)],
        "region": [(Subject.region, False, False)],
        "group": [(first_group, False, False)],
        "last_visit": [(visits.c.last_visit_on, False, False)],
    }
    steps = [*lead[sort.key], *planning]
    columns = [
        _direction(column, larger_first != sort.reverse, null_last, sort.reverse)
        for column, larger_first, null_last in steps
    ]
    return [*columns, Subject.bin, Subject.id, *([] if result is None else [result.group_key])]


def _direction(column: Any, descending: bool, null_always_last: bool, reverse: bool) -> Any:
    ordered = column.desc() if descending else column.asc()
    if null_always_last:
        return ordered.nulls_last()
    # A date: never visited counts as longest ago (first), and last when the order is turned round.
    return ordered.nulls_last() if reverse else ordered.nulls_first()


def run_classes(run_id: uuid.UUID | None) -> Any:
    """The run's subject classes (its leading results; none without a run), to join subjects with."""
    table = AssessmentSubjectClass
    columns = (
        table.subject_id,
        table.risk_class.label("risk_class"),
        table.score,
        table.gross_count,
        table.significant_count,
        table.minor_count,
    )
    return select(*columns).where(of_run(run_id) if run_id else false()).subquery()


def scored_ids(
    session: Session,
    condition: Any,
    run_id: uuid.UUID,
    sort: SubjectSort,
    *,
    limit: int | None,
    offset: int,
    values: Mapping[str, Any] | None = None,
) -> list[int]:
    """The ids of a page in score order, driven by the run's index by score: the assessed subjects first
    (the index gives score and gross count in order, so the database sorts only within equal ones), then
    the subjects the run did not assess. Same order as `sort_columns`, without sorting the whole run.
    `values` are those of the parameters of `condition`."""
    table = AssessmentSubjectClass
    visits = last_visits().subquery()
    # The index's expression of the score (its hundredths, migration 0024), then the score itself: the
    # same order for published scores, which are rounded to hundredths; for a score stored unrounded, the
    # score orders those of equal hundredths.
    steps = [
        (score_hundredths(table.score), True),
        (table.gross_count, True),
        (table.score, True),
        (table.significant_count, True),
        (table.minor_count, True),
    ]
    ordered = [
        column.asc() if larger_first == sort.reverse else column.desc() for column, larger_first in steps
    ]
    visit = (
        visits.c.last_visit_on.desc().nulls_last()
        if sort.reverse
        else visits.c.last_visit_on.asc().nulls_first()
    )
    # A search by region (`values`' "region", which `condition` filters the subjects by) filters the run's
    # rows by it too: they keep their subject's region (a trigger moves them with it, migration 0005), and
    # the database then leaves out the other regions' rows before reading their subjects. The lowest scores
    # tie for a third of a run (score 0): their page read each one's subject, 2.9 s for one region's page
    # at 757,000 subjects, 0.6 s so.
    region = region_is(bindparam("region", type_=String)) if (values or {}).get("region") else true()
    assessed = (
        select(table.subject_id)
        .join(Subject, Subject.id == table.subject_id)
        .outerjoin(visits, visits.c.subject_id == table.subject_id)
        .where(of_run(run_id) & region & condition)
    )
    page = list(
        session.execute(
            assessed.order_by(*ordered, visit, Subject.bin, Subject.id).limit(limit).offset(offset), values
        ).scalars()
    )
    if limit is not None and len(page) == limit:
        return page
    counted = session.execute(select(func.count()).select_from(assessed.subquery()), values).scalar_one()
    wanted = None if limit is None else limit - len(page)
    rest = (
        select(Subject.id)
        .outerjoin(visits, visits.c.subject_id == Subject.id)
        .where(
            condition
            # (any result of the subject in the run: the results' key alone answers, without their rows)
            & ~select(table.subject_id)
            .where((table.run_key == run_key_of(run_id)) & (table.subject_id == Subject.id))
            .exists()
        )
        .order_by(visit, Subject.bin, Subject.id)
        .limit(wanted)
        .offset(max(offset - counted, 0))
    )
    return page + list(session.execute(rest, values).scalars())
