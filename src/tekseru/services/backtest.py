"""The backtest use case: replay past half-years from stored data and compare orders (docs/backtesting.md).

Each half-year is replayed as of the day before it began, with the edition of the act in force on its
first day: the registry's evidence goes through the scoring core as of that day (which leaves out what was
observed later, and what a visit had already used), the lists' visit histories are read as they stood then,
and the planning core forms the list and gives the order. The outcomes are the completed inspections made
in the half-year and the violations they found. Nothing is written: the same data give the same figures.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition, Severity
from tekseru.documents.backtest_tables import TextTable, backtest_tables
from tekseru.documents.backtest_xlsx import render_backtest_xlsx
from tekseru.message import Explained
from tekseru.planning import CandidateScore, HalfYear, Plan, PlanningRules, VisitHistory
from tekseru.planning.backtest import DEFAULT_FIRST_N as DEFAULT_FIRST_N  # the core's: light for `--help`
from tekseru.planning.backtest import DEFAULT_SEED as DEFAULT_SEED
from tekseru.planning.backtest import BacktestReport, HalfYearReplay, VisitOutcome, backtest
from tekseru.scoring import BulkScores, ScoringRules, normalise_bulk, score_bulk
from tekseru.services.assessment_inputs import ScoringInputs, scoring_inputs
from tekseru.services.permissions import Actor, Permission, PermissionDenied
from tekseru.services.plans.drafting import main_reasons
from tekseru.store import Database
from tekseru.store.assessment_load import EvidenceArrays, SubjectGroupArrays, load_registry
from tekseru.store.backtest import VisitRecord, visits_between
from tekseru.store.inspections import visit_histories
from tekseru.store.plan_models import APPROVED, PUBLISHED
from tekseru.store.plans import SubjectCard, list_plans, subject_cards

DEFAULT_BAND_WIDTH = 10
MAX_HALF_YEARS = 40  # twenty years: a bound on the work one request may ask for


class BacktestError(Explained, ValueError):
    """A backtest that cannot be run as asked: the message `key` with `params` is the reader's reason."""

    def __init__(self, key: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.saying(key, **params)


@dataclass(frozen=True)
class _Registry:
    registry: SubjectGroupArrays
    evidence: EvidenceArrays
    cards: Mapping[int, SubjectCard]


def half_years(start: HalfYear | str, end: HalfYear | str) -> list[HalfYear]:
    """The half-years from `start` to `end`, both included; BacktestError when empty or too many."""
    first = start if isinstance(start, HalfYear) else HalfYear.parse(start)
    last = end if isinstance(end, HalfYear) else HalfYear.parse(end)
    if last < first:
        raise BacktestError(
            "backtest.error.order", f"{first} is after {last}", start=str(first), end=str(last)
        )
    periods = [first]
    while periods[-1] < last:
        periods.append(periods[-1].next())
        if len(periods) > MAX_HALF_YEARS:
            raise BacktestError(
                "backtest.error.too_long",
                f"at most {MAX_HALF_YEARS} half-years at once",
                limit=MAX_HALF_YEARS,
            )
    return periods


def run_backtest(
    db: Database,
    actor: Actor,
    *,
    start: HalfYear | str,
    end: HalfYear | str,
    first_n: int = DEFAULT_FIRST_N,
    seed: int = DEFAULT_SEED,
    band_width: int = DEFAULT_BAND_WIDTH,
    catalogue: Catalogue,
) -> BacktestReport:
    """Replay every half-year from `start` to `end`; the actor reads assessments and inspections of every
    region (an actor bound to one region may not: the figures are the whole registry's)."""
    actor.require(Permission.READ_ASSESSMENTS)
    actor.require(Permission.READ_INSPECTIONS)
    if actor.region_scope is not None:
        raise PermissionDenied(
            f"{actor.username} ({actor.role}) reads one region, a backtest covers all"
        ).saying("refusal.backtest.one_region", user=actor.username)
    if first_n < 1:
        raise BacktestError("backtest.error.first_n", f"first_n must be at least 1, got {first_n}", n=first_n)
    periods = half_years(start, end)
    with db.reading(one_snapshot=True) as session:
        registry, evidence = load_registry(session)
        cards = subject_cards(session, registry.subject_ids.tolist())
        loaded = _Registry(registry, evidence, cards)
        replays = [
            replace(
                _replay(period, loaded, catalogue, visit_histories(session, before=period.start), visits),
                recorded_list=recorded_list(session, period),
            )
            for period in periods
            for visits in [visits_between(session, period.start, period.end)]
        ]
    classes = [bound.risk_class for bound in catalogue.edition_at(periods[-1].start).class_bounds]
    return backtest(replays, first_n=first_n, seed=seed, band_width=band_width, class_order=classes)


def recorded_list(session: Session, period: HalfYear) -> tuple[str, ...] | None:
    """The subjects of the list recorded for the half-year, by rank: the latest published one, else the
    latest approved one; None when neither was recorded (a draft is no list that was used)."""
    stored = list_plans(session, half_year=str(period))
    for status in (PUBLISHED, APPROVED):
        chosen = next((record for record in stored if record.status == status), None)
        if chosen is not None:
            plan = Plan.from_dict(chosen.plan)
            return tuple(
                row.subject_id for row in sorted(plan.included + plan.overflow, key=lambda r: r.rank)
            )
    return None


def _replay(
    period: HalfYear,
    loaded: _Registry,
    catalogue: Catalogue,
    histories: Mapping[int, VisitHistory],
    visits: list[VisitRecord],
) -> HalfYearReplay:
    as_of = period.start - timedelta(days=1)
    edition = catalogue.edition_at(period.start)
    inputs = scoring_inputs(edition, loaded.registry, loaded.evidence)
    scores, fired = _scores(edition, inputs, as_of, loaded.cards)
    return HalfYearReplay(
        half_year=period,
        as_of=as_of,
        edition_id=edition.id,
        rules=PlanningRules.from_edition(edition),
        scores=tuple(scores),
        histories=tuple(replace(history, subject_id=str(key)) for key, history in histories.items()),
        visits=tuple(_outcome(visit, catalogue) for visit in visits),
        fired=fired,
        criteria=tuple(sorted(edition.criteria)),
    )


def _scores(
    edition: CatalogueEdition, inputs: ScoringInputs, as_of: date, cards: Mapping[int, SubjectCard]
) -> tuple[list[CandidateScore], dict[str, frozenset[int]]]:
    """Every subject-group scored as of `as_of` by the bulk scorer, as the planner's input; and the
    criteria that counted for each subject, in any of its groups."""
    rules = ScoringRules.from_edition(edition)
    bulk = score_bulk(rules, inputs.matrix, inputs.group_of, inputs.pairs, as_of)
    bulk = normalise_bulk(bulk, inputs.group_of, rules)
    keys = inputs.group_keys()
    scores: list[CandidateScore] = []
    fired: dict[str, set[int]] = {}
    for row, subject_id in enumerate(inputs.subject_id.tolist()):
        card = cards[subject_id]
        counted = bulk.counted_criteria(row)
        fired.setdefault(str(subject_id), set()).update(counted)
        scores.append(_candidate(edition, card, str(keys[row]), bulk, row, counted))
    return scores, {subject: frozenset(criteria) for subject, criteria in fired.items()}


def _candidate(
    edition: CatalogueEdition,
    card: SubjectCard,
    group: str,
    bulk: BulkScores,
    row: int,
    counted: tuple[int, ...],
) -> CandidateScore:
    severities = Counter(
        edition.criteria[number].severity for number in counted if number in edition.criteria
    )
    return CandidateScore(
        subject_id=str(card.id),
        bin=card.bin,
        name=card.name,
        region=card.region,
        address=card.address,
        group=group,
        objective_high_risk=edition.groups[group].objective_high_risk,
        score=float(bulk.score[row]),
        risk_class=bulk.class_of(row).value,
        gross_count=severities[Severity.GROSS],
        significant_count=severities[Severity.SIGNIFICANT],
        minor_count=severities[Severity.MINOR],
        main_reasons=main_reasons(counted, edition),
    )


def _outcome(visit: VisitRecord, catalogue: Catalogue) -> VisitOutcome:
    """A visit's findings; a violation is gross when its criterion is gross in the inspection's edition."""
    edition = catalogue.edition(visit.edition_id)
    gross = sum(
        1
        for criterion in visit.violations
        if criterion is not None
        and criterion in edition.criteria
        and edition.criteria[criterion].severity is Severity.GROSS
    )
    return VisitOutcome(
        subject_id=str(visit.subject_id),
        region=visit.region,
        visited_on=visit.visited_on,
        violations=len(visit.violations),
        gross=gross,
        sequence=visit.inspection_id,
    )


def report_tables(report: BacktestReport, language: str) -> list[TextTable]:
    """The report's figures as titled tables of text in `language`: one layout for pages, the command line
    and the workbook."""
    return backtest_tables(report, language)


def report_workbook(report: BacktestReport, language: str) -> tuple[bytes, str]:
    """The report as an XLSX workbook in `language`, and the file's name."""
    buffer = io.BytesIO()
    render_backtest_xlsx(report, language=language, out=buffer)
    periods = report.half_years
    span = f"{periods[0].half_year}-{periods[-1].half_year}" if periods else "empty"
    return buffer.getvalue(), f"backtest-{span}-{language}.xlsx"
