"""The backtest core on hand-made half-years: orders, schedule, figures, calibration and lift."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tekseru.documents.backtest_tables import backtest_tables
from tekseru.planning import CandidateScore, HalfYear, PlanningRules, VisitHistory
from tekseru.planning.backtest import (
    ACTUAL,
    OLDEST,
    ORDERS,
    RANDOM,
    RECORDED,
    TEKSERU,
    HalfYearReplay,
    VisitOutcome,
    backtest,
    schedule,
)
from tekseru.planning.calibration import Rate, band_of, criterion_lift, rates_by_band, rates_by_class, wilson

H1 = HalfYear(2025, 1)
RULES = PlanningRules(visit_frequency_limit_months=12, candidate_classes=frozenset({"medium", "high"}))


def score(
    subject: str, value: float, region: str = "astana", risk_class: str | None = None
) -> CandidateScore:
    named = risk_class or ("high" if value > 70 else "medium" if value > 30 else "low")
    return CandidateScore(
        subject_id=subject,
        bin=f"0000000000{subject:0>2}"[-12:],
        name=f"S{subject}",
        region=region,
        address="",
        group="stationary_care",
        objective_high_risk=True,
        score=value,
        risk_class=named,
    )


def visit(subject: str, day: int, violations: int, gross: int = 0, region: str = "astana") -> VisitOutcome:
    return VisitOutcome(subject, region, date(2025, 1, day), violations, gross, sequence=day)


def replay(
    scores: list[CandidateScore],
    visits: list[VisitOutcome],
    histories: tuple[VisitHistory, ...] = (),
    fired: dict[str, frozenset[int]] | None = None,
) -> HalfYearReplay:
    return HalfYearReplay(
        half_year=H1,
        as_of=date(2024, 12, 31),
        edition_id="2022-29983",
        rules=RULES,
        scores=tuple(scores),
        histories=histories,
        visits=tuple(visits),
        fired=fired or {},
        criteria=(1, 2, 3, 4),
    )


def test_the_risk_order_visits_the_high_scores_on_the_first_days() -> None:
    # Visited in the worst order: the two subjects with findings came last.
    scores = [score("1", 100), score("2", 80), score("3", 10), score("4", 0)]
    visits = [visit("3", 2, 0), visit("4", 3, 0), visit("1", 20, 2, gross=1), visit("2", 30, 1)]
    report = backtest([replay(scores, visits)], first_n=2)
    half = report.half_years[0]
    tekseru, actual = half.orders[TEKSERU], half.orders[ACTUAL]
    assert (tekseru.visits, tekseru.hits, tekseru.gross_found_first_n) == (2, 2, 1)
    assert tekseru.hit_rate == 1.0 and actual.hit_rate == 0.0
    # The risk order makes its two finding visits on the two first days (1 and 2 days after 1 January).
    assert tekseru.mean_days_to_discovery == pytest.approx((1 + 2) / 2)
    assert actual.mean_days_to_discovery == pytest.approx((19 + 29) / 2)
    assert half.visits == 4 and half.on_list == 2  # the two low scores are not candidates
    assert set(report.overall) == set(ORDERS) - {RECORDED}  # no list was recorded


def test_oldest_visit_first_puts_never_visited_subjects_first() -> None:
    scores = [score("1", 0), score("2", 0), score("3", 0)]
    histories = (VisitHistory("1", date(2022, 5, 1)), VisitHistory("2", date(2020, 5, 1)))
    visits = [visit("1", 1, 1), visit("2", 2, 0), visit("3", 3, 0)]
    report = backtest([replay(scores, visits, histories)], first_n=1)
    oldest = report.half_years[0].orders[OLDEST]
    assert oldest.hits == 0  # subject 3 (never visited) first, which found nothing


def test_schedule_gives_each_region_its_own_dates_in_the_order() -> None:
    visits = [
        visit("1", 5, 0, region="a"),
        visit("2", 9, 0, region="a"),
        visit("3", 1, 0, region="b"),
    ]
    placed = schedule(["2", "3", "1"], visits)
    assert [(v.subject_id, day.day) for v, day in placed] == [("3", 1), ("2", 5), ("1", 9)]
    with pytest.raises(ValueError, match="every visited subject"):
        schedule(["1"], visits)


def test_the_random_order_is_reproducible_for_a_seed_and_stays_within_regions() -> None:
    scores = [score(str(n), 0, region="a" if n % 2 else "b") for n in range(1, 21)]
    visits = [visit(str(n), n, n % 3, region="a" if n % 2 else "b") for n in range(1, 21)]
    one = backtest([replay(scores, visits)], first_n=5, seed=7).to_dict()
    again = backtest([replay(scores, visits)], first_n=5, seed=7).to_dict()
    assert one == again
    figures = {
        seed: backtest([replay(scores, visits)], first_n=5, seed=seed).half_years[0].orders[RANDOM]
        for seed in range(6)
    }
    assert len({(f.hits, f.days_to_discovery) for f in figures.values()}) > 1


def test_only_the_first_visit_of_a_subject_counts_and_unscored_visits_are_left_out() -> None:
    scores = [score("1", 50)]
    visits = [visit("1", 3, 0), visit("1", 10, 4), visit("9", 4, 1)]
    half = backtest([replay(scores, visits)], first_n=5).half_years[0]
    assert (half.visits, half.unscored_visits) == (1, 1)
    assert half.orders[TEKSERU].hits == 0


def test_first_n_must_be_positive() -> None:
    with pytest.raises(ValueError, match="first_n"):
        backtest([], first_n=0)


def test_wilson_interval_matches_known_values() -> None:
    assert wilson(0, 0) is None
    low, high = wilson(0, 10) or (None, None)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson(5, 10) or (None, None)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert Rate("x", 10, 10).interval == (pytest.approx(0.7225, abs=1e-4), 1.0)


def test_bands_are_closed_on_the_right() -> None:
    assert [band_of(score, 10) for score in (0, 0.5, 10, 10.01, 30, 100)] == [0, 0, 0, 1, 2, 9]
    rates = rates_by_band([(0, True), (100, False), (95, True)], 10)
    assert [rate.label for rate in rates][-1] == "90–100"
    assert (rates[0].visits, rates[-1].visits, rates[-1].found) == (1, 2, 1)
    assert rates_by_band([], 10) == ()


def test_rates_by_class_list_every_class_in_order() -> None:
    rates = rates_by_class([("high", True), ("low", False), ("high", False)], ("low", "medium", "high"))
    assert [(r.label, r.visits, r.found) for r in rates] == [("low", 1, 0), ("medium", 0, 0), ("high", 2, 1)]
    assert rates[1].rate is None and rates[1].interval is None


def test_lift_compares_visits_with_and_without_the_criterion() -> None:
    visits = [
        (frozenset({3}), True),
        (frozenset({3}), True),
        (frozenset({3, 4}), False),
        (frozenset(), False),
        (frozenset(), True),
        (frozenset({4}), False),
    ]
    lifts = {lift.criterion: lift for lift in criterion_lift(visits)}
    three = lifts[3]
    assert (three.with_visits, three.with_found, three.without_visits, three.without_found) == (3, 2, 3, 1)
    assert three.lift == pytest.approx((2 / 3) / (1 / 3))
    assert lifts[4].with_rate == 0.0 and lifts[4].lift == 0.0
    assert criterion_lift([(frozenset({1}), True)])[0].lift is None  # no visit without it


def test_criteria_that_never_fire_are_named() -> None:
    scores = [score("1", 50), score("2", 0)]
    fired = {"1": frozenset({2}), "2": frozenset({4})}
    report = backtest([replay(scores, [visit("1", 2, 1)], fired=fired)], first_n=3)
    assert report.never_fired == (1, 3)
    assert [lift.criterion for lift in report.lift] == [2]  # only the visited subject's criteria


def test_the_recorded_list_comes_first_then_the_visits_by_date_and_only_where_recorded() -> None:
    scores = [score("1", 0), score("2", 0), score("3", 0)]
    visits = [visit("1", 2, 0), visit("2", 5, 1), visit("3", 9, 1)]
    recorded = replace(replay(scores, visits), recorded_list=("3", "9"))  # 9: on the list, not visited
    without = replace(replay(scores, visits), half_year=HalfYear(2025, 2), as_of=date(2025, 6, 30))
    without = replace(
        without, visits=tuple(replace(v, visited_on=v.visited_on.replace(month=7)) for v in visits)
    )
    report = backtest([recorded, without], first_n=1)
    first, second = report.half_years
    assert first.orders[RECORDED].hits == 1 and first.orders[ACTUAL].hits == 0
    assert RECORDED not in second.orders
    assert report.overall[RECORDED] == first.orders[RECORDED]
    tables = backtest_tables(report, "en")
    assert sum(row[1] == "Approved list recorded" for row in tables[0].rows) == 2  # first half-year, overall
