"""Properties that hold for any evidence: bounds, monotonicity, order independence, bulk == engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tekseru.catalog.schema import Severity
from tekseru.scoring import EvidenceFact, GroupProfile, ScoringRules, score_bulk, score_group
from tekseru.scoring.bulk import normalise_bulk
from tekseru.scoring.engine import normalise_group_scores
from tekseru.scoring.evidence_rules import reason_of
from tests.scoring.support import (
    AS_OF,
    catalogues,
    columns_for,
    facts,
    matrix_of,
    populations,
    profiles,
    rule_sets,
    rules,
)

# Enough examples to meet every ignore reason many times, few enough to keep the suite fast.
PROPERTIES = settings(deadline=None, max_examples=80)
POPULATIONS = settings(deadline=None, max_examples=60)


@st.composite
def cases(draw: st.DrawFn) -> tuple[ScoringRules, GroupProfile, list[EvidenceFact]]:
    catalogue = draw(catalogues())
    return draw(rule_sets), draw(profiles(catalogue)), draw(facts())


@PROPERTIES
@given(cases())
def test_the_score_stays_within_0_and_100(
    case: tuple[ScoringRules, GroupProfile, list[EvidenceFact]],
) -> None:
    rules_, profile, evidence = case
    result = score_group(rules_, profile, evidence, AS_OF)
    assert 0 <= result.score <= 100
    assert 0 <= result.raw_score <= 100


@PROPERTIES
@given(cases())
def test_any_counted_gross_gives_the_gross_score(
    case: tuple[ScoringRules, GroupProfile, list[EvidenceFact]],
) -> None:
    rules_, profile, evidence = case
    result = score_group(rules_, profile, evidence, AS_OF)
    gross = any(hit.severity == Severity.GROSS for hit in result.counted)
    assert result.gross_found == gross
    if gross:
        assert result.score == rules_.gross_violation_score


@PROPERTIES
@given(cases(), facts(max_size=6, first_id=1000))
def test_adding_evidence_never_lowers_a_score(
    case: tuple[ScoringRules, GroupProfile, list[EvidenceFact]], more: list[EvidenceFact]
) -> None:
    rules_, profile, evidence = case
    before = score_group(rules_, profile, evidence, AS_OF)
    after = score_group(rules_, profile, evidence + more, AS_OF)
    assert after.score >= before.score
    assert set(before.counted_criteria) <= set(after.counted_criteria)


@PROPERTIES
@given(cases(), st.randoms(use_true_random=False))
def test_the_order_of_evidence_does_not_matter(
    case: tuple[ScoringRules, GroupProfile, list[EvidenceFact]], random: object
) -> None:
    rules_, profile, evidence = case
    shuffled = list(evidence)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert score_group(rules_, profile, shuffled, AS_OF) == score_group(rules_, profile, evidence, AS_OF)


@POPULATIONS
@given(populations(), st.booleans())
def test_bulk_equals_the_engine(
    population: tuple[ScoringRules, list[GroupProfile], list[int], list[list[EvidenceFact]]], weighted: bool
) -> None:
    rules_, groups, group_of, evidence = population
    if weighted:
        rules_ = replace(rules_, criterion_weights={1: 0.1, 2: 0.7, 5: 2.3, 8: 0.2, 9: 1.9})
    bulk = score_bulk(rules_, matrix_of(groups), group_of, columns_for(evidence), AS_OF)
    for row, group in enumerate(group_of):
        expected = score_group(rules_, groups[group], evidence[row], AS_OF)
        assert float(bulk.score[row]) == expected.score
        assert float(bulk.raw_score[row]) == expected.raw_score
        assert bulk.class_of(row) == expected.risk_class
        assert float(bulk.significant_part[row]) == expected.significant_part
        assert float(bulk.minor_part[row]) == expected.minor_part
        assert bool(bulk.gross[row]) == expected.gross_found
        assert bulk.counted_criteria(row) == expected.counted_criteria
    # Record by record: the bulk scorer's status is the engine's verdict (columns_for keeps the order).
    records = [item for row_facts in evidence for item in row_facts]
    engine = {}
    for row, group in enumerate(group_of):
        expected = score_group(rules_, groups[group], evidence[row], AS_OF)
        engine.update({(row, item.evidence_id): item.reason for item in expected.ignored})
        engine.update({(row, i): None for hit in expected.counted for i in hit.evidence_ids})
    rows = columns_for(evidence).subject_group.tolist()
    bulk_verdicts = {
        (row, item.evidence_id): reason_of(int(code))
        for row, item, code in zip(rows, records, bulk.status.tolist(), strict=True)
    }
    assert bulk_verdicts == engine


@POPULATIONS
@given(populations())
def test_bulk_normalisation_equals_the_engine(
    population: tuple[ScoringRules, list[GroupProfile], list[int], list[list[EvidenceFact]]],
) -> None:
    rules_, groups, group_of, evidence = population
    rules_ = replace(rules_, normalisation="min_max")
    bulk = normalise_bulk(
        score_bulk(rules_, matrix_of(groups), group_of, columns_for(evidence), AS_OF), group_of, rules_
    )
    for index in range(len(groups)):
        rows = [row for row, group in enumerate(group_of) if group == index]
        engine = normalise_group_scores(
            [score_group(rules_, groups[index], evidence[row], AS_OF) for row in rows], rules_
        )
        assert [float(bulk.score[row]) for row in rows] == [score.score for score in engine]
        assert [bulk.class_of(row) for row in rows] == [score.risk_class for score in engine]


def test_dates_in_the_strategies_reach_every_side_of_the_period() -> None:
    # The evidence strategy draws observed dates from 30 days after AS_OF to 450 days before it.
    assert AS_OF - timedelta(days=450) < rules().period_start(AS_OF) < AS_OF
