"""Each subject's class in a finished run: the highest class of its groups and its highest score, with its
region (kept current by a trigger of migration 0005) and the planning order's tie-break. Kept in the
subject's leading result of the run (the one with its highest score, migration 0026), written with the
results; read by the registry's search, its pages of subjects and the dashboard, which would otherwise
group the run's results. Every reading names the leading results (`of_run`): the indexes by class, region
and score hold only them.
NumPy is imported by the writer (`lead_columns`): the readers need none of it (issue 18).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from tekseru.planning.priority import priority_values, severity_counts
from tekseru.store.models import (
    RISK_CLASSES,
    AssessmentResult,
    AssessmentSubjectClass,
    ResultRegion,
    Subject,
    region_is,
    results_table,
    risk_class_code,
)
from tekseru.store.result_groups import region_codes
from tekseru.store.run_keys import run_key, run_key_of

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

CLASSES = RISK_CLASSES  # by rank: a subject's class is its highest
_c = AssessmentSubjectClass
# The columns of a subject's class in its leading result (NULL in its other results).
LEAD_COLUMNS = ("subject_class", "region_code", "gross_count", "significant_count", "minor_count")


def of_run(run_id: uuid.UUID | BindParameter[Any], entity: Any = _c) -> ColumnElement[bool]:
    """The leading results of the run: one row for each subject it assessed, with the subject's class
    (`entity`: `AssessmentSubjectClass` or an alias of it)."""
    condition: ColumnElement[bool] = (entity.run_key == run_key_of(run_id)) & entity.risk_class.is_not(None)
    return condition


def summarise_run(session: Session, run_id: uuid.UUID) -> None:
    """Write each assessed subject's class in the run into its leading result, from the run's results (for
    results stored without it, one by one: the risk engine writes them with its results)."""
    key = run_key(session, run_id)
    run_regions = select(Subject.region).where(Subject.id.in_(select(_c.subject_id).where(_c.run_key == key)))
    region_codes(session, session.execute(run_regions.distinct()).scalars())
    t, other = results_table, results_table.alias("other")
    same = (other.c.run_key == t.c.run_key) & (other.c.subject_id == t.c.subject_id)
    leading = select(other.c.group_code).where(same).order_by(other.c.score.desc(), other.c.group_code)
    highest = select(func.max(other.c.risk_class)).where(same)  # the codes are the classes' ranks
    region = select(ResultRegion.code).join(Subject, Subject.region == ResultRegion.region)
    values: dict[str, Any] = {
        "subject_class": highest.scalar_subquery(),
        "region_code": region.where(Subject.id == t.c.subject_id).scalar_subquery(),
        "gross_count": 0,
        "significant_count": 0,
        "minor_count": 0,
    }
    condition = (t.c.run_key == key) & (t.c.group_code == leading.limit(1).scalar_subquery())
    session.execute(update(t).where(condition).values(values))


@dataclass(frozen=True)
class SubjectClasses:
    """Each assessed subject's class in a run as the risk engine computed it, column by column: the highest
    class and score of its groups, and the counts of its leading group (the planning order's tie-break,
    `record_tie_breaks`). Element i of each is about subject `subject_id[i]`; `lead[i]` is the position of
    its leading group among the run's subject-groups (ascending, as the subjects are)."""

    subject_id: npt.NDArray[np.int64]
    risk_class: Sequence[str]
    score: npt.NDArray[np.float64]
    gross_count: npt.NDArray[np.int64]
    significant_count: npt.NDArray[np.int64]
    minor_count: npt.NDArray[np.int64]
    lead: npt.NDArray[np.int64]


@dataclass(frozen=True)
class LeadColumns:
    """The subjects' classes as the columns `LEAD_COLUMNS` of the run's results: set in each subject's
    leading result, NULL in the others (`rows`)."""

    lead: npt.NDArray[np.int64]  # as `SubjectClasses.lead`
    values: Mapping[str, npt.NDArray[np.int64]]  # each of LEAD_COLUMNS, element i about subject i

    def rows(self, start: int, stop: int) -> dict[str, list[Any]]:
        """The columns of the results at positions start..stop-1 of the run's subject-groups."""
        import numpy as np

        low, high = np.searchsorted(self.lead, (start, stop))
        where = self.lead[low:high] - start
        columns = {}
        for name in LEAD_COLUMNS:
            column = np.full(stop - start, None, dtype=object)
            column[where] = self.values[name][low:high].tolist()
            columns[name] = column.tolist()
        return columns


def lead_columns(session: Session, classes: SubjectClasses) -> LeadColumns:
    """The subjects' classes for their leading results, with each subject's region as the registry has it
    now (its code given here, in the session's transaction)."""
    import numpy as np

    from tekseru.store.assessment_load import subject_regions

    ids, regions = subject_regions(session)
    position = np.searchsorted(ids, classes.subject_id)
    if len(classes.subject_id) and (
        position.max(initial=0) >= len(ids) or not np.array_equal(ids[position], classes.subject_id)
    ):
        raise LookupError("a subject assessed in the run is no longer in the registry")
    names, which = np.unique(regions[position], return_inverse=True)
    codes = region_codes(session, names.tolist())
    ranks = {name: risk_class_code(name) for name in CLASSES}
    values = {
        "subject_class": np.array([ranks[name] for name in classes.risk_class], dtype=np.int64),
        "region_code": np.array([codes[name] for name in names.tolist()], dtype=np.int64)[which],
        "gross_count": classes.gross_count,
        "significant_count": classes.significant_count,
        "minor_count": classes.minor_count,
    }
    return LeadColumns(np.asarray(classes.lead, dtype=np.int64), values)


def subjects_of_class(
    run_id: uuid.UUID | BindParameter[Any],
    risk_class: str | BindParameter[Any],
    region: str | BindParameter[Any] | None = None,
) -> Select[int]:
    """The ids of the subjects whose class in the run is `risk_class` (and of `region`), by an index (each
    a value or a statement's parameter)."""
    condition = of_run(run_id) & (_c.risk_class == risk_class)
    if region is not None:
        condition = condition & region_is(region)
    return select(_c.subject_id).where(condition)


def classes_of(
    session: Session, run_id: uuid.UUID, subject_ids: Sequence[int]
) -> dict[int, tuple[float, str]]:
    """(highest score, class) in the run of each of these subjects it assessed."""
    if not subject_ids:
        return {}
    query = select(_c.subject_id, _c.score, _c.risk_class).where(
        of_run(run_id) & _c.subject_id.in_(subject_ids)
    )
    return {subject_id: (score, risk_class) for subject_id, score, risk_class in session.execute(query)}


def count_by_region_and_class(
    session: Session, run_id: uuid.UUID, *, region: str | None = None
) -> dict[tuple[str, str], int]:
    """(region, class) -> number of subjects of the region with that class in the run."""
    condition = of_run(run_id)
    if region is not None:
        condition = condition & region_is(region)
    query = (
        select(_c.region_code, _c.risk_class, func.count())
        .where(condition)
        .group_by(_c.region_code, _c.risk_class)
    )
    counts = list(session.execute(query))
    regions: Any = session.execute(select(ResultRegion.code, ResultRegion.region)) if counts else []
    names = {code: region for code, region in regions}
    return {(names[code], risk_class): count for code, risk_class, count in counts}


def severities(edition: Any) -> dict[int, str]:
    """Criterion -> "gross" | "significant" | "minor" of a catalogue edition."""
    return {number: criterion.severity.value for number, criterion in edition.criteria.items()}


def record_tie_breaks(session: Session, run_id: uuid.UUID, severity_of: Mapping[int, str]) -> int:
    """Write each subject's tie-break in the finished run: the counts of its leading group (the group first
    in the planning order), so that tables sort by the planning order without reading every result. How
    many subjects it wrote."""
    run = run_key(session, run_id)
    query = select(
        AssessmentResult.subject_id, AssessmentResult.score, AssessmentResult.violated_criteria
    ).where(AssessmentResult.run_key == run)
    lead: dict[int, tuple[tuple[object, ...], dict[str, int]]] = {}
    for subject_id, score, violated in session.execute(query):
        counts = severity_counts(violated, severity_of)
        key = priority_values({"score": score, **counts, "last_visit_on": None})
        if subject_id not in lead or key < lead[subject_id][0]:
            lead[subject_id] = (key, counts)
    rows = [
        {"_run": run, "_subject": subject_id, **counts}
        for subject_id, (_, counts) in lead.items()
        if any(counts.values())  # zeros are what the columns hold already
    ]
    # The subject's leading result holds its class: one of those with its highest score, which is the
    # leading group's (the counts break ties between equal scores only).
    t = results_table
    statement = (
        update(t)
        .where((t.c.run_key == bindparam("_run")) & (t.c.subject_id == bindparam("_subject")))
        .where(t.c.subject_class.is_not(None))
        .values({name: bindparam(name) for name in ("gross_count", "significant_count", "minor_count")})
    )
    if rows:
        session.execute(statement, rows)
    return len(rows)
