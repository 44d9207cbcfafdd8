"""score_group: each ignore reason, the formula, classes, rounding, weights and normalisation."""

from __future__ import annotations

from datetime import date

import pytest

from tekseru.catalog.schema import Severity
from tekseru.scoring import (
    CriterionHit,
    IgnoredEvidence,
    IgnoreReason,
    RiskClass,
    normalise_group_scores,
    normalise_scores,
    risk_class_for,
    round_score,
    score_group,
)
from tests.scoring.support import AS_OF, fact, profile, rules, rules_2022

# 2 gross, 4 significant (one a complaint row), 5 minor (one a complaint row).
PROFILE = profile(
    "stationary",
    [
        (1, "gross", 1),
        (2, "gross", 4),
        (3, "significant", 1),
        (4, "significant", 2),
        (5, "significant", 3),
        (6, "significant", 4),
        (7, "minor", 1),
        (8, "minor", 2),
        (9, "minor", 3),
        (10, "minor", 3),
        (11, "minor", 4),
    ],
)


def reasons(*facts: object) -> list[tuple[int, IgnoreReason]]:
    result = score_group(rules_2022(), PROFILE, facts, AS_OF)  # type: ignore[arg-type]
    return [(item.evidence_id, item.reason) for item in result.ignored]


def test_evidence_after_the_assessment_date_is_ignored() -> None:
    assert reasons(fact(1, 3, observed_on=date(2024, 7, 1))) == [(1, IgnoreReason.AFTER_AS_OF)]


def test_evidence_past_its_period_is_ignored() -> None:
    assert reasons(fact(1, 3, observed_on=date(2023, 6, 29))) == [(1, IgnoreReason.OUTSIDE_PERIOD)]
    assert reasons(fact(1, 3, observed_on=date(2023, 6, 30))) == []


def test_evidence_used_for_a_visit_is_not_used_again() -> None:
    assert reasons(fact(1, 3, used_on=AS_OF)) == [(1, IgnoreReason.ALREADY_USED)]
    assert reasons(fact(1, 3, used_on=date(2024, 7, 1))) == []


def test_an_edition_may_allow_reusing_evidence() -> None:
    result = score_group(
        rules(reuse_evidence_used_for_visit=True), PROFILE, [fact(1, 3, used_on=AS_OF)], AS_OF
    )
    assert result.counted_criteria == (3,)


def test_criteria_of_other_groups_are_ignored() -> None:
    assert reasons(fact(1, 12)) == [(1, IgnoreReason.NOT_APPLICABLE_TO_GROUP)]


@pytest.mark.parametrize("confirmed", [None, False])
def test_unconfirmed_complaints_are_ignored(confirmed: bool | None) -> None:
    assert reasons(fact(1, 6, source_group=4, confirmed=confirmed)) == [
        (1, IgnoreReason.UNCONFIRMED_COMPLAINT)
    ]


def test_a_complaint_about_an_ordinary_row_must_be_confirmed_too() -> None:
    assert reasons(fact(1, 3, source_group=4)) == [(1, IgnoreReason.UNCONFIRMED_COMPLAINT)]


def test_each_complaint_below_the_threshold_is_named() -> None:
    below = IgnoreReason.BELOW_COMPLAINT_THRESHOLD
    assert reasons(fact(5, 6, source_group=4, confirmed=True)) == [(5, below)]
    result = score_group(
        rules(complaint_threshold=3),
        PROFILE,
        [fact(i, 6, source_group=4, confirmed=True) for i in (9, 8)],
        AS_OF,
    )
    assert [(item.evidence_id, item.reason) for item in result.ignored] == [(8, below), (9, below)]


def test_the_first_reason_that_applies_is_given() -> None:
    late_and_foreign = fact(1, 12, observed_on=date(2025, 1, 1), used_on=date(2024, 1, 1))
    old_and_used = fact(2, 3, observed_on=date(2020, 1, 1), used_on=date(2020, 2, 1))
    assert reasons(late_and_foreign, old_and_used) == [
        (1, IgnoreReason.AFTER_AS_OF),
        (2, IgnoreReason.OUTSIDE_PERIOD),
    ]


def test_counted_criteria_list_their_evidence_in_order() -> None:
    facts = [
        fact(30, 3),
        fact(10, 3),
        fact(20, 7),
        fact(11, 6, 4, confirmed=True),
        fact(12, 6, 4, confirmed=True),
    ]
    result = score_group(rules_2022(), PROFILE, facts, AS_OF)
    assert result.counted == (
        CriterionHit(3, Severity.SIGNIFICANT, (10, 30)),
        CriterionHit(6, Severity.SIGNIFICANT, (11, 12)),
        CriterionHit(7, Severity.MINOR, (20,)),
    )
    assert result.significant_part == 2 / 4 * 100 * 0.7
    assert result.minor_part == 1 / 5 * 100 * 0.3
    assert result.score == 41.0
    assert result.risk_class is RiskClass.MEDIUM
    assert not result.gross_found


def test_a_gross_violation_gives_the_gross_score_and_keeps_the_parts() -> None:
    result = score_group(rules_2022(), PROFILE, [fact(1, 1), fact(2, 3)], AS_OF)
    assert (result.score, result.risk_class, result.gross_found) == (100.0, RiskClass.HIGH, True)
    assert result.significant_part == 1 / 4 * 70
    assert result.formula.significant_found == 1 and result.formula.significant_applicable == 4


def test_the_gross_score_is_a_parameter() -> None:
    result = score_group(rules(gross_violation_score=90.0), PROFILE, [fact(1, 1)], AS_OF)
    assert (result.score, result.risk_class) == (90.0, RiskClass.HIGH)


def test_a_group_without_significant_rows_scores_by_minor_rows_only() -> None:
    minor_only = profile("access", [(7, "minor", 1), (8, "minor", 2)])
    result = score_group(rules_2022(), minor_only, [fact(1, 7), fact(2, 8)], AS_OF)
    assert (result.significant_part, result.minor_part, result.score) == (0.0, 30.0, 30.0)


def test_an_empty_profile_scores_zero() -> None:
    result = score_group(rules_2022(), profile("empty", []), [fact(1, 3)], AS_OF)
    assert (result.score, result.risk_class) == (0.0, RiskClass.LOW)
    assert result.ignored == (IgnoredEvidence(1, 3, IgnoreReason.NOT_APPLICABLE_TO_GROUP),)


def test_the_class_is_read_from_the_published_score() -> None:
    # 11/26 x 70 + 1/77 x 30 = 30.004995...: published as 30.00, so low, not medium.
    big = profile(
        "big",
        [(n, "significant", 1) for n in range(1, 27)] + [(n, "minor", 1) for n in range(27, 104)],
    )
    facts = [fact(n, n) for n in [*range(1, 12), 27]]
    result = score_group(rules_2022(), big, facts, AS_OF)
    assert 30 < result.raw_score < 30.005
    assert (result.score, result.risk_class) == (30.0, RiskClass.LOW)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, "low"),
        (30, "low"),
        (30.000000000000004, "low"),
        (30.004, "low"),
        (30.005, "medium"),
        (30.01, "medium"),
        (70, "medium"),
        (70.01, "high"),
        (71, "high"),
        (100, "high"),
        (120, "high"),
    ],
)
def test_class_bounds(score: float, expected: str) -> None:
    assert risk_class_for(score, rules_2022().class_bounds) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 0.0), (30.000000000000004, 30.0), (29.999999999999993, 30.0), (12.345, 12.35), (99.994, 99.99)],
)
def test_round_score(value: float, expected: float) -> None:
    assert round_score(value) == expected


def test_criterion_weights_make_shares_of_weight() -> None:
    weighted = rules(criterion_weights={3: 3.0, 7: 0.5})
    result = score_group(weighted, PROFILE, [fact(1, 3), fact(2, 8)], AS_OF)
    # significant: 3 of (3 + 1 + 1 + 1); minor: 1 of (0.5 + 1 + 1 + 1 + 1)
    assert result.significant_part == 3.0 / 6.0 * 100 * 0.7
    assert result.minor_part == 1.0 / 4.5 * 100 * 0.3
    assert (result.formula.significant_found, result.formula.minor_applicable) == (3.0, 4.5)


def test_normalisation_none_is_identity() -> None:
    assert normalise_scores([10.0, 50.0, 20.0], rules_2022()) == [10.0, 50.0, 20.0]
    scores = [score_group(rules_2022(), PROFILE, [fact(1, n)], AS_OF) for n in (3, 7)]
    assert normalise_group_scores(scores, rules_2022()) == scores


def test_min_max_normalisation_spreads_a_group_over_the_scale() -> None:
    min_max = rules(normalisation="min_max")
    assert normalise_scores([10.0, 50.0, 20.0], min_max) == [0.0, 100.0, 25.0]
    assert normalise_scores([40.0, 40.0], min_max) == [40.0, 40.0]
    assert normalise_scores([], min_max) == []


def test_min_max_normalisation_of_group_scores_reclassifies() -> None:
    min_max = rules(normalisation="min_max")
    scores = [score_group(min_max, PROFILE, facts, AS_OF) for facts in ([fact(1, 7)], [fact(1, 3)], [])]
    normalised = normalise_group_scores(scores, min_max)
    assert [s.score for s in normalised] == [round_score(6 / 17.5 * 100), 100.0, 0.0]
    assert [s.risk_class for s in normalised] == [RiskClass.MEDIUM, RiskClass.HIGH, RiskClass.LOW]
    assert normalised[0].raw_score == 6.0 and normalised[0].normalisation is not None
    assert normalised[0].normalisation.high == 17.5


def test_normalisation_needs_one_group() -> None:
    other = profile("home_care", [(3, "significant", 1)])
    scores = [score_group(rules_2022(), p, [], AS_OF) for p in (PROFILE, other)]
    with pytest.raises(ValueError, match="one homogeneous group"):
        normalise_group_scores(scores, rules(normalisation="min_max"))
