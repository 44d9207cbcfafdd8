import json
from datetime import date

import pytest

from tekseru.planning import (
    CandidateScore,
    ExclusionReason,
    HalfYear,
    Plan,
    PlanningInputError,
    VisitHistory,
    form_plan,
    frequency_cutoff,
)

from .plan_factories import H1_2027, H2_2027, RULES, history, score


def reasons(plan: Plan) -> dict[tuple[str, str], ExclusionReason]:
    return {(row.subject_id, row.group): row.reason for row in plan.excluded}


def listed(plan: Plan) -> list[str]:
    return [row.subject_id for row in plan.included]


# Exclusion rules


def test_a_group_not_high_risk_by_objective_criteria_is_excluded_whatever_its_score() -> None:
    plan = form_plan(H1_2027, [score("a", 100, objective_high_risk=False, gross=3)], [], RULES)
    assert listed(plan) == []
    assert reasons(plan) == {("a", "stationary"): ExclusionReason.NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA}


def test_a_class_that_is_not_a_candidate_is_excluded() -> None:
    plan = form_plan(H1_2027, [score("low", 30), score("medium", 30.5)], [], RULES)
    assert listed(plan) == ["medium"]
    assert reasons(plan) == {("low", "stationary"): ExclusionReason.CLASS_NOT_CANDIDATE}
    assert "risk class low is not a candidate" in plan.excluded[0].detail


def test_candidate_classes_are_those_of_the_rules() -> None:
    rules = type(RULES)(visit_frequency_limit_months=12, candidate_classes=frozenset({"high"}))
    plan = form_plan(H1_2027, [score("medium", 60), score("high", 90)], [], rules)
    assert listed(plan) == ["high"]
    assert reasons(plan) == {("medium", "stationary"): ExclusionReason.CLASS_NOT_CANDIDATE}


def test_frequency_cutoff_is_the_half_year_start_minus_the_limit() -> None:
    assert frequency_cutoff(H1_2027, RULES) == date(2026, 1, 1)
    assert frequency_cutoff(H2_2027, RULES) == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("last_visit", "excluded"),
    [
        (date(2025, 12, 31), False),
        (date(2026, 1, 1), False),  # exactly the limit before the half-year starts: allowed
        (date(2026, 1, 2), True),
        (date(2026, 12, 31), True),
        (date(2027, 2, 1), True),  # a visit recorded inside the half-year itself
    ],
)
def test_visited_within_the_frequency_limit(last_visit: date, excluded: bool) -> None:
    plan = form_plan(H1_2027, [score("a")], [history("a", last_visit, preventive=False)], RULES)
    assert (listed(plan) == []) is excluded
    if excluded:
        (row,) = plan.excluded
        assert row.reason is ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT
        assert row.last_visit_on == last_visit
        assert last_visit.isoformat() in row.detail and "2026-01-01" in row.detail


def test_a_longer_limit_from_the_rules_excludes_more() -> None:
    rules = type(RULES)(visit_frequency_limit_months=24, candidate_classes=RULES.candidate_classes)
    plan = form_plan(H1_2027, [score("a")], [history("a", date(2025, 6, 1))], rules)
    assert reasons(plan) == {("a", "stationary"): ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT}


ELIMINATED = history("a", date(2026, 3, 10), preventive=True, eliminated=True)


@pytest.mark.parametrize(
    ("half_year", "expected"),
    [
        (HalfYear(2026, 2), ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT),
        (HalfYear(2027, 1), ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT),
        (HalfYear(2027, 2), ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL),  # the next list it could be on
        (HalfYear(2028, 1), None),  # skipped one list only
    ],
)
def test_eliminated_violations_skip_the_next_list(
    half_year: HalfYear, expected: ExclusionReason | None
) -> None:
    plan = form_plan(half_year, [score("a")], [ELIMINATED], RULES)
    assert reasons(plan) == ({("a", "stationary"): expected} if expected else {})
    assert listed(plan) == ([] if expected else ["a"])


@pytest.mark.parametrize(
    "last",
    [
        history("a", date(2026, 3, 10), preventive=True, eliminated=False),
        history("a", date(2026, 3, 10), preventive=True, eliminated=None),
        history("a", date(2026, 3, 10), preventive=False, eliminated=True),
    ],
    ids=["not-eliminated", "nothing-found-or-unknown", "last-visit-not-preventive-control"],
)
def test_elimination_rule_needs_a_preventive_control_whose_violations_were_all_eliminated(
    last: VisitHistory,
) -> None:
    assert listed(form_plan(H2_2027, [score("a")], [last], RULES)) == ["a"]


def test_a_group_reason_comes_before_a_subject_reason() -> None:
    scores = [
        score("a", 20),
        score("a", 90, group="access", objective_high_risk=False),
        score("a", group="home"),
    ]
    plan = form_plan(H1_2027, scores, [history("a", date(2026, 6, 1))], RULES)
    assert reasons(plan) == {
        ("a", "stationary"): ExclusionReason.CLASS_NOT_CANDIDATE,
        ("a", "access"): ExclusionReason.NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA,
        ("a", "home"): ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT,
    }


# Order and tie-break: each case differs from the other at one level of the key only.

TIE_BREAK = {
    "higher score": (score("x", 90.5), score("y", 90.0)),
    "more gross": (score("x", 100, gross=2), score("y", 100, gross=1)),
    "more significant": (score("x", 50, significant=3, minor=0), score("y", 50, significant=2, minor=9)),
    "more minor": (score("x", 50, significant=2, minor=4), score("y", 50, significant=2, minor=3)),
    "never visited": (score("x", 50, bin="999999999999"), score("y", 50, bin="000000000001")),
    "visited longer ago": (score("x", 50, bin="999999999999"), score("y", 50, bin="000000000001")),
    "lower BIN": (score("x", 50, bin="000000000002"), score("y", 50, bin="000000000010")),
}
TIE_HISTORIES = {
    "never visited": [history("y", date(2020, 1, 1))],
    "visited longer ago": [history("x", date(2024, 5, 1)), history("y", date(2024, 5, 2))],
}


@pytest.mark.parametrize("level", list(TIE_BREAK))
def test_each_level_of_the_tie_break(level: str) -> None:
    first, second = TIE_BREAK[level]
    for scores in ([first, second], [second, first]):
        plan = form_plan(H1_2027, scores, TIE_HISTORIES.get(level, []), RULES)
        assert listed(plan) == ["x", "y"], level
        assert [row.rank for row in plan.included] == [1, 2]


def test_the_highest_score_comes_first() -> None:
    plan = form_plan(H1_2027, [score("b", 45), score("a", 100, gross=1), score("c", 71)], [], RULES)
    assert listed(plan) == ["a", "c", "b"]
    assert [row.score for row in plan.included] == [100, 71, 45]


# One visit per subject


def multi_group_plan() -> Plan:
    scores = [
        score("a", 60, group="home_care", significant=2, reasons=(7, 12)),
        score("a", 90, group="stationary", significant=5, reasons=(12, 40)),
        score("a", 10, group="temporary", reasons=(3,)),
        score("b", 95),
    ]
    return form_plan(H1_2027, scores, [], RULES)


def test_a_subject_appears_once_with_all_its_candidate_groups_and_its_highest_score() -> None:
    plan = multi_group_plan()
    row = plan.row_of("a")
    assert row is not None and row.rank == 2
    assert row.groups == ("stationary", "home_care")
    assert (row.group, row.score, row.risk_class, row.significant_count) == ("stationary", 90, "high", 5)
    assert row.main_reasons == (12, 40, 7)


def test_other_candidate_groups_are_covered_by_the_row() -> None:
    plan = multi_group_plan()
    covered = [row for row in plan.excluded if row.reason is ExclusionReason.COVERED_BY_OTHER_GROUP]
    assert [(row.subject_id, row.group, row.covered_by_rank) for row in covered] == [("a", "home_care", 2)]
    assert "visited under group stationary (row 2)" in covered[0].detail
    assert reasons(plan)[("a", "temporary")] is ExclusionReason.CLASS_NOT_CANDIDATE


def test_the_leading_group_of_equal_scores_has_more_violations_then_the_first_key() -> None:
    scores = [score("a", 100, group="b_group", gross=1), score("a", 100, group="c_group", gross=2)]
    assert form_plan(H1_2027, scores, [], RULES).included[0].groups == ("c_group", "b_group")
    scores = [score("a", 50, group="b_group"), score("a", 50, group="a_group")]
    assert form_plan(H1_2027, scores, [], RULES).included[0].groups == ("a_group", "b_group")


# Capacity and months


def test_rows_beyond_a_regions_capacity_are_kept_as_overflow_with_their_rank() -> None:
    scores = [score(f"a{i}", 90 - i, region="Abai") for i in range(4)]
    scores += [score(f"b{i}", 80 - i, region="Ulytau") for i in range(3)]
    scores += [score("a9", 10, group="home", region="Abai")]
    plan = form_plan(H1_2027, scores, [], RULES, {"Abai": 2})
    assert listed(plan) == ["a0", "a1", "b0", "b1", "b2"]
    assert [(row.rank, row.subject_id, row.planned_month) for row in plan.overflow] == [
        (6, "a2", None),
        (7, "a3", None),
    ]
    assert [row.rank for row in plan.included] == [1, 2, 3, 4, 5]
    assert plan.capacity == {"Abai": 2}


def test_zero_capacity_puts_the_whole_region_beyond_capacity() -> None:
    plan = form_plan(
        H1_2027, [score("a", region="Abai"), score("b", region="Astana")], [], RULES, {"Abai": 0}
    )
    assert listed(plan) == ["b"] and [row.subject_id for row in plan.overflow] == ["a"]


def test_a_group_covered_by_an_overflow_row_points_at_it() -> None:
    scores = [
        score("a", 95, region="Abai"),
        score("b", 90, region="Abai"),
        score("b", 40, group="home", region="Abai"),
    ]
    plan = form_plan(H1_2027, scores, [], RULES, {"Abai": 1})
    (covered,) = plan.excluded
    assert (covered.subject_id, covered.reason, covered.covered_by_rank) == (
        "b",
        ExclusionReason.COVERED_BY_OTHER_GROUP,
        plan.overflow[0].rank,
    )


@pytest.mark.parametrize(
    ("count", "months"),
    [
        (1, [1]),
        (2, [1, 4]),
        (3, [1, 3, 5]),
        (4, [1, 2, 4, 5]),
        (6, [1, 2, 3, 4, 5, 6]),
        (7, [1, 1, 2, 3, 4, 5, 6]),
        (12, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]),
    ],
)
def test_months_are_spread_evenly_highest_priority_earliest(count: int, months: list[int]) -> None:
    plan = form_plan(H1_2027, [score(f"s{i:02d}", 99 - i) for i in range(count)], [], RULES)
    assert [row.planned_month for row in plan.included] == months


def test_months_are_spread_per_region_and_within_the_second_half_year() -> None:
    scores = [score(f"a{i}", 90 - i, region="Abai") for i in range(3)] + [score("b", 95, region="Ulytau")]
    plan = form_plan(H2_2027, scores, [], RULES)
    assert [(row.subject_id, row.planned_month) for row in plan.included] == [
        ("b", 7),
        ("a0", 7),
        ("a1", 9),
        ("a2", 11),
    ]


# Nothing dropped, serialisable


def test_every_input_subject_group_is_accounted_for() -> None:
    scores = [
        score("a", 100, gross=1),
        score("a", 50, group="home"),
        score("b", 20),
        score("c", 80, objective_high_risk=False),
        score("d", 75),
    ]
    plan = form_plan(H1_2027, scores, [history("d", date(2026, 9, 1))], RULES)
    seen = [(row.subject_id, row.group) for row in plan.included + plan.overflow]
    seen += [(row.subject_id, row.group) for row in plan.excluded]
    assert sorted(seen) == sorted((s.subject_id, s.group) for s in scores)


def test_the_plan_round_trips_through_json() -> None:
    scores: list[CandidateScore] = [score("a", 100, gross=1, reasons=(1, 2)), score("a", 50, group="home")]
    scores += [score("b", 20), score("c", 80, region="Abai"), score("d", 75, region="Abai")]
    plan = form_plan(H1_2027, scores, [history("a", date(2025, 1, 5))], RULES, {"Abai": 1})
    data = json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))
    assert data["half_year"] == "2027-H1" and data["format"] == "tekseru-plan/1"
    assert Plan.from_dict(data) == plan


def test_a_malformed_stored_plan_is_refused() -> None:
    data = form_plan(H1_2027, [score("a")], [], RULES).to_dict()
    with pytest.raises(PlanningInputError, match="format"):
        Plan.from_dict({**data, "format": "something-else"})
    del data["included"][0]["rank"]
    with pytest.raises(PlanningInputError, match="malformed"):
        Plan.from_dict(data)


def test_an_empty_input_gives_an_empty_plan() -> None:
    plan = form_plan(H1_2027, [], [], RULES)
    assert (plan.included, plan.overflow, plan.excluded) == ((), (), ())
