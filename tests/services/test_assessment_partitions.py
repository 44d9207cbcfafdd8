"""A partitioned run (ranges of subjects in worker processes, PostgreSQL) stores exactly what one
`run_assessment` stores: every result with its explanation, and every subject's class and tie-break."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tekseru.services.assessment_partitions import run_partitioned
from tekseru.services.assessments import run_assessment
from tekseru.store import Database
from tekseru.store.assessments import get_run, results_for_run
from tekseru.store.models import AssessmentSubjectClass
from tekseru.store.subject_classes import of_run
from tests.catalogue import CATALOGUE
from tests.services.assessment_fixtures import AS_OF, add_registry, random_registry


def _stored(database: Database, run_id: object) -> tuple[list[object], set[tuple[object, ...]]]:
    c = AssessmentSubjectClass
    with database.reading() as session:
        results = sorted(results_for_run(session, run_id), key=lambda r: (r.subject_id, r.group_key))  # type: ignore[arg-type]
        classes = {
            tuple(row)
            for row in session.execute(
                select(
                    c.subject_id,
                    c.region,
                    c.risk_class,
                    c.score,
                    c.gross_count,
                    c.significant_count,
                    c.minor_count,
                ).where(of_run(run_id))  # type: ignore[arg-type]
            )
        }
    return results, classes  # type: ignore[return-value]


def test_a_partitioned_run_stores_what_one_run_stores(database_url: str, database: Database) -> None:
    if database.dialect != "postgresql":
        with pytest.raises(ValueError, match="PostgreSQL"):
            run_partitioned(database_url, as_of=AS_OF, catalogue=CATALOGUE, partitions=2, processes=1)
        return
    subjects, facts = random_registry(18, subjects=30)
    add_registry(database, subjects, facts)
    parted = run_partitioned(database_url, as_of=AS_OF, catalogue=CATALOGUE, partitions=4, processes=2)
    whole = run_assessment(database, as_of=AS_OF, reuse=False, catalogue=CATALOGUE)
    assert len(parted.partitions) == 4
    assert (parted.subjects, parted.subject_groups, parted.evidence) == (
        whole.subjects,
        whole.subject_groups,
        whole.evidence,
    )
    assert parted.classes == {name: count for name, count in whole.classes.items() if count}
    results, classes = _stored(database, parted.run_id)
    assert results and len(results) == whole.subject_groups
    assert (results, classes) == _stored(database, whole.run_id)
    with database.reading() as session:
        run = get_run(session, parted.run_id)
    assert run is not None and (run.status, run.subjects_total) == ("finished", whole.subject_groups)
    assert run.inputs_fingerprint == parted.fingerprint != whole.fingerprint
