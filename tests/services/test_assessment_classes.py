"""The subjects' classes a run writes from its scores in memory are those the store derives from the stored
results (`summarise_run`, `record_tie_breaks`): class, highest score, region and the planning order's
tie-break, on random registries, SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select, update

from tekseru.services.assessments import run_assessment
from tekseru.store import Database, SubjectData
from tekseru.store.models import AssessmentSubjectClass, results_table
from tekseru.store.run_keys import run_key_of
from tekseru.store.subject_classes import LEAD_COLUMNS, of_run, record_tie_breaks, severities, summarise_run
from tests.catalogue import CATALOGUE
from tests.services.assessment_fixtures import Fact, add_registry
from tests.services.test_assessment_explain import BINS, EDITION, Drawn, clock, registries

EXAMPLES = itertools.count()
REGIONS = itertools.cycle(("astana", "almaty_city", "east_kazakhstan"))


def _classes(session: Any, run_id: Any) -> set[tuple[Any, ...]]:
    c = AssessmentSubjectClass
    query = select(
        c.subject_id, c.region, c.risk_class, c.score, c.gross_count, c.significant_count, c.minor_count
    ).where(of_run(run_id))
    return {tuple(row) for row in session.execute(query)}


@settings(
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(registries())
def test_the_classes_written_are_those_derived_from_the_results(database: Database, drawn: Drawn) -> None:
    example = next(EXAMPLES)
    subjects = [
        SubjectData(next(BINS), "«Сынақ» ЖШС", next(REGIONS), "Астана, 1", groups) for groups in drawn.groups
    ]
    facts = [Fact(f"c{example}-{index}", *row) for index, row in enumerate(drawn.facts)]
    add_registry(database, subjects, facts)
    summary = run_assessment(database, as_of=drawn.as_of, clock=clock, chunk=2, catalogue=CATALOGUE)
    with database.transaction() as session:
        written = _classes(session, summary.run_id)
        # the classes written with the results taken out of their leading results, then derived again
        t = results_table
        cleared = dict.fromkeys(LEAD_COLUMNS)
        session.execute(update(t).where(t.c.run_key == run_key_of(summary.run_id)).values(cleared))
        summarise_run(session, summary.run_id)
        record_tie_breaks(session, summary.run_id, severities(EDITION))
        derived = _classes(session, summary.run_id)
    assert len(written) == summary.subjects
    assert written == derived
