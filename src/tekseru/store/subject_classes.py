"""Each subject's class in a finished run: the highest class of its groups and its highest score, with its
region (kept current by a trigger of migration 0005). Written once when the run finishes; read by the
registry's search, its pages of subjects and the dashboard, which would otherwise group the run's results.
NumPy is imported by the writer (`store_subject_classes`): the readers need none of it (issue 18).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import BindParameter, Select, bindparam, case, func, insert, literal, select, update
from sqlalchemy.orm import Session

from tekseru.planning.priority import priority_values, severity_counts
from tekseru.store._bulk import insert_columns
from tekseru.store.models import AssessmentResult, AssessmentSubjectClass, Subject
from tekseru.store.run_keys import run_key, run_key_of

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

CLASSES = ("low", "medium", "high")  # by rank: a subject's class is its highest

_rank = case(
    (AssessmentResult.risk_class == "high", 3), (AssessmentResult.risk_class == "medium", 2), else_=1
)


def summarise_run(session: Session, run_id: uuid.UUID) -> None:
    """Write each assessed subject's class in the run, from the run's results (one statement)."""
    highest = func.max(_rank)
    key = run_key(session, run_id)
    query = (
        select(
            literal(key, AssessmentSubjectClass.run_key.type),
            AssessmentResult.subject_id,
            Subject.region,
            case((highest == 3, "high"), (highest == 2, "medium"), else_="low"),
            func.max(AssessmentResult.score),
        )
        .join(Subject, Subject.id == AssessmentResult.subject_id)
        .where(AssessmentResult.run_key == key)
        .group_by(AssessmentResult.subject_id, Subject.region)
    )
    columns = ["run_key", "subject_id", "region", "risk_class", "score"]
    session.execute(insert(AssessmentSubjectClass).from_select(columns, query))


@dataclass(frozen=True)
class SubjectClasses:
    """Each assessed subject's class in a run as the risk engine computed it, column by column: the highest
    class and score of its groups, and the counts of its leading group (the planning order's tie-break,
    `record_tie_breaks`). Element i of each is about subject `subject_id[i]`."""

    subject_id: npt.NDArray[np.int64]
    risk_class: Sequence[str]
    score: npt.NDArray[np.float64]
    gross_count: npt.NDArray[np.int64]
    significant_count: npt.NDArray[np.int64]
    minor_count: npt.NDArray[np.int64]


def store_subject_classes(session: Session, run_id: uuid.UUID, classes: SubjectClasses) -> int:
    """Write the subjects' classes in the run (what `summarise_run` and `record_tie_breaks` derive from the
    stored results), with each subject's region as the registry has it now; how many."""
    import numpy as np

    from tekseru.store.assessment_load import subject_regions

    connection = session.connection()
    ids, regions = subject_regions(session)
    position = np.searchsorted(ids, classes.subject_id)
    if len(classes.subject_id) and (
        position.max(initial=0) >= len(ids) or not np.array_equal(ids[position], classes.subject_id)
    ):
        raise LookupError("a subject assessed in the run is no longer in the registry")
    run = run_key(session, run_id)
    types = ["int4", "int4", "text", "text", "float8", "int2", "int2", "int2"]  # the counts: 0022
    table = AssessmentSubjectClass.metadata.tables[AssessmentSubjectClass.__tablename__]
    count = len(classes.subject_id)
    # A slice at a time: the Python objects of a whole run's subjects (a million of each column) took
    # hundreds of megabytes at the run's end, its peak of memory.
    for start in range(0, count, _CLASSES_PER_INSERT):
        part = slice(start, min(start + _CLASSES_PER_INSERT, count))
        columns: dict[str, Sequence[Any]] = {
            "run_key": [run] * (part.stop - part.start),
            "subject_id": classes.subject_id[part].tolist(),
            "region": regions[position[part]].tolist(),
            "risk_class": list(classes.risk_class[part]),
            "score": classes.score[part].tolist(),
            "gross_count": classes.gross_count[part].tolist(),
            "significant_count": classes.significant_count[part].tolist(),
            "minor_count": classes.minor_count[part].tolist(),
        }
        insert_columns(connection, table, columns, postgres_types=types)
    return count


_CLASSES_PER_INSERT = 100_000


def subjects_of_class(
    run_id: uuid.UUID | BindParameter[Any],
    risk_class: str | BindParameter[Any],
    region: str | BindParameter[Any] | None = None,
) -> Select[int]:
    """The ids of the subjects whose class in the run is `risk_class` (and of `region`), by an index (each
    a value or a statement's parameter)."""
    condition = (AssessmentSubjectClass.run_key == run_key_of(run_id)) & (
        AssessmentSubjectClass.risk_class == risk_class
    )
    if region is not None:
        condition = condition & (AssessmentSubjectClass.region == region)
    return select(AssessmentSubjectClass.subject_id).where(condition)


def classes_of(
    session: Session, run_id: uuid.UUID, subject_ids: Sequence[int]
) -> dict[int, tuple[float, str]]:
    """(highest score, class) in the run of each of these subjects it assessed."""
    if not subject_ids:
        return {}
    query = select(
        AssessmentSubjectClass.subject_id, AssessmentSubjectClass.score, AssessmentSubjectClass.risk_class
    ).where(
        (AssessmentSubjectClass.run_key == run_key_of(run_id))
        & AssessmentSubjectClass.subject_id.in_(subject_ids)
    )
    return {subject_id: (score, risk_class) for subject_id, score, risk_class in session.execute(query)}


def count_by_region_and_class(
    session: Session, run_id: uuid.UUID, *, region: str | None = None
) -> dict[tuple[str, str], int]:
    """(region, class) -> number of subjects of the region with that class in the run."""
    condition = AssessmentSubjectClass.run_key == run_key_of(run_id)
    if region is not None:
        condition = condition & (AssessmentSubjectClass.region == region)
    query = (
        select(AssessmentSubjectClass.region, AssessmentSubjectClass.risk_class, func.count())
        .where(condition)
        .group_by(AssessmentSubjectClass.region, AssessmentSubjectClass.risk_class)
    )
    return {(key, risk_class): count for key, risk_class, count in session.execute(query)}


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
        if any(counts.values())  # zeros are what the column holds already
    ]
    table = AssessmentSubjectClass.metadata.tables[AssessmentSubjectClass.__tablename__]
    statement = (
        update(table)
        .where((table.c.run_key == bindparam("_run")) & (table.c.subject_id == bindparam("_subject")))
        .values({name: bindparam(name) for name in ("gross_count", "significant_count", "minor_count")})
    )
    if rows:
        session.execute(statement, rows)
    return len(rows)
