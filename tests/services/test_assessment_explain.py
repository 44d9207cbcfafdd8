"""Stored explanations agree with the scoring core on random registries, through the real services and
database: the bulk scorer's statuses written as JSON, read back and scored again, equal the reference
engine's score, class, counted criteria and evidence, and the reason each ignored record has."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tekseru.catalog.identifiers import demo_bins
from tekseru.scoring import EvidenceFact, GroupProfile, score_group
from tekseru.services.assessments import run_assessment, subject_explanation
from tekseru.services.permissions import Actor
from tekseru.store import Database, SubjectData
from tekseru.store.evidence import evidence_for_subjects
from tests.services.assessment_fixtures import NOW, Fact, add_registry
from tests.services.test_assessments import EDITION, RULES, assert_same_as_reference_engine

GROUPS = sorted(EDITION.groups)
COMPLAINT_ROWS = sorted(
    number for number, row in EDITION.criteria.items() if row.source_group == RULES.complaint_source_group
)
# Rows of every degree, of one group or several, and numbers no group applies.
CRITERIA = (1, 3, 5, 9, 23, 25, 73, 78, *COMPLAINT_ROWS[:2], 900)
AS_OFS = (date(2024, 7, 1), date(2024, 2, 29), date(2025, 1, 1))
BINS = demo_bins(5000, prefix="1902400")
EXAMPLES = itertools.count()


@dataclass(frozen=True)
class Drawn:
    as_of: date
    groups: list[tuple[str, ...]]
    facts: list[tuple[int, int, int, date, bool | None, date | None]]


@st.composite
def registries(draw: st.DrawFn) -> Drawn:
    """Up to 4 subjects in 1-3 groups; evidence on the period's edges, used or not, confirmed or not,
    from any source group, and 0-3 complaints per subject on one complaint row."""
    as_of = draw(st.sampled_from(AS_OFS))
    start = RULES.period_start(as_of)
    edges = [day + timedelta(days=shift) for day in (as_of, start) for shift in (-1, 0, 1)]
    days = st.one_of(st.sampled_from(edges), st.integers(-30, 420).map(lambda n: as_of - timedelta(days=n)))
    used = st.one_of(st.none(), st.none(), days)
    groups = draw(
        st.lists(
            st.lists(st.sampled_from(GROUPS), min_size=1, max_size=3, unique=True), min_size=1, max_size=4
        )
    )
    facts = []
    for subject in range(len(groups)):
        for criterion, source, observed, confirmed, used_on in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(CRITERIA),
                    st.integers(1, 4),
                    days,
                    st.sampled_from((None, True, False)),
                    used,
                ),
                max_size=6,
            )
        ):
            facts.append((subject, criterion, source, observed, confirmed, used_on))
        complaint = draw(st.sampled_from(COMPLAINT_ROWS))
        for observed, confirmed, used_on in draw(
            st.lists(st.tuples(days, st.sampled_from((None, True, True, False)), used), max_size=3)
        ):
            facts.append((subject, complaint, RULES.complaint_source_group, observed, confirmed, used_on))
    return Drawn(as_of, [tuple(chosen) for chosen in groups], facts)


TICKS = itertools.count()


def clock() -> Any:
    """A clock that moves, so that the latest run on a date is the one an example has just made."""
    return NOW + timedelta(seconds=next(TICKS))


@settings(
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(registries())
def test_stored_explanations_agree_with_the_engine_and_the_bulk_scorer(
    database: Database, drawn: Drawn
) -> None:
    # Each example adds subjects of its own to the one database; a run assesses all of them.
    example = next(EXAMPLES)
    subjects = [
        SubjectData(next(BINS), "«Сынақ» ЖШС", "astana", "Астана, 1", groups) for groups in drawn.groups
    ]
    facts = [Fact(f"e{example}-{index}", *row) for index, row in enumerate(drawn.facts)]
    registry = add_registry(database, subjects, facts)
    summary = run_assessment(database, as_of=drawn.as_of, clock=clock, chunk=3)
    # The bulk scorer's stored rows: score, class, parts and violated criteria as the engine has them.
    assert assert_same_as_reference_engine(database, summary.run_id, drawn.as_of) == summary.subject_groups
    with database.reading() as session:
        records = evidence_for_subjects(session, registry.subject_ids)
    for subject, subject_id in zip(subjects, registry.subject_ids, strict=True):
        evidence = [
            EvidenceFact(r.id, r.criterion, r.source_group, r.observed_on, r.confirmed, r.used_on)
            for r in records
            if r.subject_id == subject_id
        ]
        explained = subject_explanation(
            database, Actor.system(), subject.bin, as_of=drawn.as_of, language="ru"
        )
        assert sorted(group.group for group in explained.groups) == sorted(subject.groups)
        for group in explained.groups:
            # The explanation told is the stored one, and it is the engine's, record by record.
            assert group.run_id == summary.run_id
            expected = score_group(
                RULES, GroupProfile.from_edition(EDITION, group.group), evidence, drawn.as_of
            )
            assert group.score == expected
            assert group.score is not None
            reasons = {item.evidence_id: item.reason for item in group.score.ignored}
            assert reasons == {item.evidence_id: item.reason for item in expected.ignored}
            assert len(reasons) + sum(len(hit.evidence_ids) for hit in expected.counted) == len(evidence)
            for reason in set(reasons.values()):
                event(reason.value)
