"""Backtesting: how well the planning order would have found the violations inspections actually found.

Each past half-year is replayed from what was known before it began (`HalfYearReplay`: the scores as of the
day before, the visit histories then, and the outcomes of the visits made in it). Only visited subjects
have a known outcome, so every order is a permutation of the half-year's visits: the k-th visit of a region
in an order is given the date of the region's k-th actual visit, and the figures say what that order would
have found, and when. The orders compared (`ORDERS`):

- `tekseru`: the list `form_plan` forms (its rows by rank), then the subjects it leaves off, by
  `priority_key`; the same code that forms the lists, not a second ranking;
- `random_within_region`: each region's visits shuffled with a seeded generator (the seed and the
  half-year give the shuffle, so a run is reproducible);
- `oldest_visit_first`: never visited first, then the longest since the last visit;
- `actual`: the order the visits were made in, by date;
- `recorded_list`: where an approved or published list of the half-year was recorded, its rows by rank,
  then the other visits by date (only for those half-years: `overall` adds up the half-years that have it).

The figures of an order (`OrderFigures`) count the first `first_n` visits of the half-year (by the dates
the order gives them): `visits`, `hit_rate` (the share of them that found a violation),
`gross_found_first_n`; and over all its visits `mean_days_to_discovery` (days from the half-year's start
to each visit that found a violation). Calibration and the criteria's lift are in `calibration`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tekseru.planning.calibration import CriterionLift, Rate, criterion_lift, rates_by_band, rates_by_class
from tekseru.planning.half_year import HalfYear
from tekseru.planning.inputs import CandidateScore, PlanningRules, VisitHistory
from tekseru.planning.plan import form_plan, priority_key

TEKSERU, RANDOM, OLDEST, ACTUAL = "tekseru", "random_within_region", "oldest_visit_first", "actual"
RECORDED = "recorded_list"
ORDERS = (TEKSERU, RANDOM, OLDEST, ACTUAL, RECORDED)
REPORT_FORMAT = "tekseru-backtest/1"
DEFAULT_FIRST_N = 20  # the first visits counted in each half-year, unless asked otherwise
DEFAULT_SEED = 0  # of the random baseline order


@dataclass(frozen=True)
class VisitOutcome:
    """The first visit of a subject in the half-year and what it found; `sequence` breaks ties of a day."""

    subject_id: str
    region: str
    visited_on: date
    violations: int
    gross: int
    sequence: int = 0

    @property
    def found(self) -> bool:
        return self.violations > 0


@dataclass(frozen=True)
class HalfYearReplay:
    """What was known before `half_year` began (scores and histories as of `as_of`, with the edition then in
    force) and what its visits found. `fired` gives the criteria that counted for each subject, all subjects
    scored; `criteria` the numbers of the edition's criteria."""

    half_year: HalfYear
    as_of: date
    edition_id: str
    rules: PlanningRules
    scores: tuple[CandidateScore, ...]
    histories: tuple[VisitHistory, ...]
    visits: tuple[VisitOutcome, ...]
    fired: Mapping[str, frozenset[int]] = field(default_factory=dict)
    criteria: tuple[int, ...] = ()
    recorded_list: tuple[str, ...] | None = None  # the subjects of the list recorded for it, by rank


@dataclass(frozen=True)
class OrderFigures:
    visits: int = 0
    hits: int = 0
    gross_found_first_n: int = 0
    discoveries: int = 0
    days_to_discovery: int = 0

    @property
    def hit_rate(self) -> float | None:
        return None if not self.visits else self.hits / self.visits

    @property
    def mean_days_to_discovery(self) -> float | None:
        return None if not self.discoveries else self.days_to_discovery / self.discoveries

    def __add__(self, other: OrderFigures) -> OrderFigures:
        return OrderFigures(
            self.visits + other.visits,
            self.hits + other.hits,
            self.gross_found_first_n + other.gross_found_first_n,
            self.discoveries + other.discoveries,
            self.days_to_discovery + other.days_to_discovery,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "visits": self.visits,
            "hits": self.hits,
            "hit_rate": self.hit_rate,
            "gross_found_first_n": self.gross_found_first_n,
            "discoveries": self.discoveries,
            "mean_days_to_discovery": self.mean_days_to_discovery,
        }


@dataclass(frozen=True)
class HalfYearFigures:
    half_year: HalfYear
    as_of: date
    edition_id: str
    visits: int
    unscored_visits: int
    on_list: int
    orders: Mapping[str, OrderFigures]

    def to_dict(self) -> dict[str, Any]:
        return {
            "half_year": str(self.half_year),
            "as_of": self.as_of.isoformat(),
            "edition_id": self.edition_id,
            "visits": self.visits,
            "unscored_visits": self.unscored_visits,
            "on_list": self.on_list,
            "orders": {name: figures.to_dict() for name, figures in self.orders.items()},
        }


@dataclass(frozen=True)
class BacktestReport:
    first_n: int
    seed: int
    band_width: int
    half_years: tuple[HalfYearFigures, ...]
    overall: Mapping[str, OrderFigures]
    by_class: tuple[Rate, ...]
    by_band: tuple[Rate, ...]
    lift: tuple[CriterionLift, ...]
    never_fired: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "from": str(self.half_years[0].half_year) if self.half_years else None,
            "to": str(self.half_years[-1].half_year) if self.half_years else None,
            "first_n": self.first_n,
            "seed": self.seed,
            "band_width": self.band_width,
            "half_years": [half.to_dict() for half in self.half_years],
            "overall": {name: figures.to_dict() for name, figures in self.overall.items()},
            "calibration": {
                "risk_class": [rate.to_dict() for rate in self.by_class],
                "score_band": [rate.to_dict() for rate in self.by_band],
            },
            "criteria": {
                "lift": [lift.to_dict() for lift in self.lift],
                "never_fired": list(self.never_fired),
            },
        }


def backtest(
    replays: Sequence[HalfYearReplay],
    *,
    first_n: int,
    seed: int = 0,
    band_width: int = 10,
    class_order: Sequence[str] = (),
) -> BacktestReport:
    """Replay each half-year and add the figures up; `class_order` lists the risk classes, lowest first."""
    if first_n < 1:
        raise ValueError(f"first_n must be at least 1, got {first_n}")
    if band_width < 1:
        raise ValueError(f"band_width must be at least 1, got {band_width}")
    halves: list[HalfYearFigures] = []
    leads: list[tuple[CandidateScore, VisitOutcome, frozenset[int]]] = []
    for replay in sorted(replays, key=lambda one: one.half_year):
        figures, visited = _replay(replay, first_n, seed)
        halves.append(figures)
        leads.extend(visited)
    overall = {
        name: sum((half.orders[name] for half in halves if name in half.orders), OrderFigures())
        for name in ORDERS
        if name != RECORDED or any(name in half.orders for half in halves)
    }
    outcomes = [(lead.risk_class, lead.score, visit.found) for lead, visit, _ in leads]
    return BacktestReport(
        first_n=first_n,
        seed=seed,
        band_width=band_width,
        half_years=tuple(halves),
        overall=overall,
        by_class=rates_by_class([(c, found) for c, _, found in outcomes], class_order),
        by_band=rates_by_band([(score, found) for _, score, found in outcomes], band_width),
        lift=criterion_lift([(fired, visit.found) for _, visit, fired in leads]),
        never_fired=_never_fired(replays),
    )


def _replay(
    replay: HalfYearReplay, first_n: int, seed: int
) -> tuple[HalfYearFigures, list[tuple[CandidateScore, VisitOutcome, frozenset[int]]]]:
    histories = {history.subject_id: history for history in replay.histories}
    leads = _leads(replay.scores, histories)
    scored = [visit for visit in _first_visits(replay.visits) if visit.subject_id in leads]
    plan = form_plan(replay.half_year, replay.scores, replay.histories, replay.rules)
    listed = {row.subject_id for row in plan.included + plan.overflow}
    by_date = [visit.subject_id for visit in sorted(scored, key=lambda v: (v.visited_on, v.sequence))]
    orders = {
        TEKSERU: _tekseru_order(plan.included + plan.overflow, leads, histories),
        RANDOM: _random_order(scored, seed, replay.half_year),
        OLDEST: _oldest_first(scored, leads, histories),
        ACTUAL: by_date,
    }
    if replay.recorded_list is not None:
        on_recorded = set(replay.recorded_list)
        orders[RECORDED] = [
            *replay.recorded_list,
            *(subject for subject in by_date if subject not in on_recorded),
        ]
    start = replay.half_year.start
    figures = {name: _figures(schedule(order, scored), first_n, start) for name, order in orders.items()}
    half = HalfYearFigures(
        half_year=replay.half_year,
        as_of=replay.as_of,
        edition_id=replay.edition_id,
        visits=len(scored),
        unscored_visits=len(_first_visits(replay.visits)) - len(scored),
        on_list=sum(visit.subject_id in listed for visit in scored),
        orders=figures,
    )
    visited = [(leads[v.subject_id], v, replay.fired.get(v.subject_id, frozenset())) for v in scored]
    return half, visited


def _first_visits(visits: Iterable[VisitOutcome]) -> list[VisitOutcome]:
    """A subject's first visit of the half-year only: the list plans one visit per subject."""
    first: dict[str, VisitOutcome] = {}
    for visit in sorted(visits, key=lambda v: (v.visited_on, v.sequence)):
        first.setdefault(visit.subject_id, visit)
    return list(first.values())


def _leads(
    scores: Iterable[CandidateScore], histories: Mapping[str, VisitHistory]
) -> dict[str, CandidateScore]:
    """Each subject's leading group: the first of its groups in the planning order."""
    leads: dict[str, CandidateScore] = {}
    for score in scores:
        history = histories.get(score.subject_id, VisitHistory(score.subject_id))
        known = leads.get(score.subject_id)
        if known is None or priority_key(score, history) < priority_key(known, history):
            leads[score.subject_id] = score
    return leads


def _tekseru_order(
    rows: Iterable[Any], leads: Mapping[str, CandidateScore], histories: Mapping[str, VisitHistory]
) -> list[str]:
    """The recomputed list's rows by rank, then every other subject in the planning order."""
    ranked = [row.subject_id for row in sorted(rows, key=lambda row: row.rank)]
    on_list = set(ranked)
    rest = [lead for subject, lead in leads.items() if subject not in on_list]
    rest.sort(key=lambda lead: priority_key(lead, histories.get(lead.subject_id, VisitHistory(""))))
    return ranked + [lead.subject_id for lead in rest]


def _random_order(visits: Sequence[VisitOutcome], seed: int, half_year: HalfYear) -> list[str]:
    # A string seed is hashed by `random` in a way fixed across runs and platforms.
    generator = random.Random(f"{seed}:{half_year}")
    order: list[str] = []
    for region in sorted({visit.region for visit in visits}):
        regional = sorted(visit.subject_id for visit in visits if visit.region == region)
        generator.shuffle(regional)
        order.extend(regional)
    return order


def _oldest_first(
    visits: Sequence[VisitOutcome], leads: Mapping[str, CandidateScore], histories: Mapping[str, VisitHistory]
) -> list[str]:
    def key(visit: VisitOutcome) -> tuple[object, ...]:
        last = histories.get(visit.subject_id, VisitHistory("")).last_visit_on
        return (
            (0, 0) if last is None else (1, last.toordinal()),
            leads[visit.subject_id].bin,
            visit.subject_id,
        )

    return [visit.subject_id for visit in sorted(visits, key=key)]


def schedule(order: Sequence[str], visits: Sequence[VisitOutcome]) -> list[tuple[VisitOutcome, date]]:
    """The visits in the order given, each region's k-th on the date of its k-th actual visit; sorted by
    that date (then place within the region, then region). Subjects of `order` not visited are skipped."""
    by_subject = {visit.subject_id: visit for visit in visits}
    dates: dict[str, list[date]] = defaultdict(list)
    for visit in visits:
        dates[visit.region].append(visit.visited_on)
    for days in dates.values():
        days.sort()
    taken: dict[str, int] = defaultdict(int)
    placed: list[tuple[date, int, str, VisitOutcome]] = []
    for subject in dict.fromkeys(order):
        found = by_subject.get(subject)
        if found is None:
            continue
        index = taken[found.region]
        taken[found.region] += 1
        placed.append((dates[found.region][index], index, found.region, found))
    if len(placed) != len(visits):
        raise ValueError("the order must name every visited subject")
    placed.sort(key=lambda item: item[:3])
    return [(visit, day) for day, _, _, visit in placed]


def _figures(scheduled: Sequence[tuple[VisitOutcome, date]], first_n: int, start: date) -> OrderFigures:
    first = [visit for visit, _ in scheduled[:first_n]]
    days = [(day - start).days for visit, day in scheduled if visit.found]
    return OrderFigures(
        visits=len(first),
        hits=sum(visit.found for visit in first),
        gross_found_first_n=sum(visit.gross for visit in first),
        discoveries=len(days),
        days_to_discovery=sum(days),
    )


def _never_fired(replays: Iterable[HalfYearReplay]) -> tuple[int, ...]:
    known: set[int] = set()
    fired: set[int] = set()
    for replay in replays:
        known.update(replay.criteria)
        for criteria in replay.fired.values():
            fired.update(criteria)
    return tuple(sorted(known - fired))
