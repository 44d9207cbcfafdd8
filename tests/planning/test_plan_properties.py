"""Properties that hold for any input: nothing dropped, ranks 1..n, months inside the half-year."""

import json
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tekseru.planning import (
    CandidateScore,
    ExclusionReason,
    HalfYear,
    Plan,
    PlanningRules,
    PlanRow,
    VisitHistory,
    form_plan,
    priority_key,
)

from .plan_factories import class_of

REGIONS = ("Abai", "Astana", "Ulytau")
GROUPS = ("stationary", "home_care", "temporary", "access")


GROUP_SCORES = st.tuples(
    st.sampled_from(GROUPS),
    st.sampled_from([0, 15, 30, 30.5, 42, 70, 70.01, 85, 100]),
    st.booleans(),
    st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 3)),
    st.lists(st.integers(1, 90), max_size=3, unique=True),
)
HISTORY = st.none() | st.tuples(
    st.none() | st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    st.booleans(),
    st.none() | st.booleans(),
)
SUBJECT = st.tuples(
    st.sampled_from(REGIONS),
    st.sampled_from(["000000000001", "000000000002", None]),
    st.lists(GROUP_SCORES, min_size=1, max_size=len(GROUPS), unique_by=lambda group: group[0]),
    HISTORY,
)

Inputs = tuple[HalfYear, list[CandidateScore], list[VisitHistory], PlanningRules, dict[str, int]]


@st.composite
def planning_inputs(draw: st.DrawFn) -> Inputs:
    scores: list[CandidateScore] = []
    histories: list[VisitHistory] = []
    for index, (region, bin, groups, history) in enumerate(draw(st.lists(SUBJECT, max_size=12))):
        subject_id = f"s{index:03d}"
        for group, value, objective, (gross, significant, minor), reasons in groups:
            scores.append(
                CandidateScore(
                    subject_id=subject_id,
                    bin=bin or f"9{index:011d}",
                    name=subject_id,
                    region=region,
                    address="",
                    group=group,
                    objective_high_risk=objective,
                    score=value,
                    risk_class=class_of(value),
                    gross_count=gross,
                    significant_count=significant,
                    minor_count=minor,
                    main_reasons=tuple(reasons),
                )
            )
        if history is not None:
            histories.append(VisitHistory(subject_id, *history))
    half_year = HalfYear(draw(st.sampled_from([2026, 2027, 2028])), draw(st.sampled_from([1, 2])))
    rules = PlanningRules(
        visit_frequency_limit_months=draw(st.sampled_from([0, 6, 12, 18])),
        candidate_classes=frozenset(draw(st.sets(st.sampled_from(["low", "medium", "high"])))),
    )
    capacity = draw(st.dictionaries(st.sampled_from(REGIONS), st.integers(0, 4)))
    return half_year, scores, histories, rules, capacity


PROPERTY = settings(max_examples=100, deadline=timedelta(seconds=2))


@PROPERTY
@given(planning_inputs())
def test_every_input_subject_group_is_accounted_for_exactly_once(inputs: Inputs) -> None:
    half_year, scores, histories, rules, capacity = inputs
    plan = form_plan(half_year, scores, histories, rules, capacity)
    accounted = Counter((row.subject_id, row.group) for row in plan.included + plan.overflow)
    accounted.update((row.subject_id, row.group) for row in plan.excluded)
    assert accounted == Counter((score.subject_id, score.group) for score in scores)
    for row in plan.included + plan.overflow:
        covered = {e.group for e in plan.exclusions_of(row.subject_id) if e.covered_by_rank == row.rank}
        assert set(row.groups) == {row.group} | covered


@PROPERTY
@given(planning_inputs())
def test_ranks_months_capacity_and_order(inputs: Inputs) -> None:
    half_year, scores, histories, rules, capacity = inputs
    plan = form_plan(half_year, scores, histories, rules, capacity)
    rows = plan.included + plan.overflow
    assert [row.rank for row in rows] == list(range(1, len(rows) + 1))
    assert len({row.subject_id for row in rows}) == len(rows)
    assert all(row.planned_month in half_year.months for row in plan.included)
    assert all(row.planned_month is None for row in plan.overflow)
    per_region = Counter(row.region for row in plan.included)
    assert all(per_region[region] <= limit for region, limit in capacity.items())
    history_of = {history.subject_id: history for history in histories}
    for part in (plan.included, plan.overflow):
        keys = [
            priority_key(_lead(row, scores), history_of.get(row.subject_id, VisitHistory(""))) for row in part
        ]
        assert keys == sorted(keys)
    for region in per_region:
        months = [row.planned_month or 0 for row in plan.included if row.region == region]
        assert months == sorted(months)
        loads = Counter(months)
        assert max(loads.values()) - min(loads.get(m, 0) for m in half_year.months) <= 1


@PROPERTY
@given(planning_inputs())
def test_only_candidates_are_on_the_list_and_the_plan_round_trips(inputs: Inputs) -> None:
    half_year, scores, histories, rules, capacity = inputs
    plan = form_plan(half_year, scores, histories, rules, capacity)
    for row in plan.included + plan.overflow:
        lead = _lead(row, scores)
        assert lead.objective_high_risk and lead.risk_class in rules.candidate_classes
        assert row.score == max(
            s.score for s in scores if s.subject_id == row.subject_id and s.group in row.groups
        )
    for excluded in plan.excluded:
        if excluded.reason is ExclusionReason.COVERED_BY_OTHER_GROUP:
            assert excluded.covered_by_rank is not None
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def _lead(row: PlanRow, scores: list[CandidateScore]) -> CandidateScore:
    return next(s for s in scores if s.subject_id == row.subject_id and s.group == row.group)
