"""A synthetic history to backtest on: subjects with a catalogue latent risk, several half-years of evidence,
lists and inspections (`tekseru demo --history`, docs/backtesting.md).

Every subject has a latent risk, one of `HistoryDesign.tiers`: the chance that a visit finds a violation
(with `related=False` every visit finds one with the tiers' mean chance instead, so scores and findings have
nothing to do with each other). Each half-year each subject's signals (reports from the information sources
other than inspections) are observed with a chance that grows with its risk; then each region visits a
share of the subjects the frequency limit allows, chosen at random (an order before risk-based planning),
on days spread over the half-year. The visits go through the real use cases, in the actor's name and
audited: recorded, answered item by item, completed, so their violations become evidence and the evidence
they used is marked used. Before each half-year the registry is assessed and that half-year's list is
drafted and approved, as a planner would; each half-year written is audited as `history.write`.
Everything comes from `seed`: the same design writes the same history.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition, ChecklistItem
from tekseru.catalog.identifiers import demo_bins
from tekseru.planning import HalfYear, frequency_cutoff
from tekseru.planning.inputs import PlanningRules
from tekseru.services import audit
from tekseru.services.assessments import run_assessment
from tekseru.services.demo_data import CENTRES, PROPER_NAMES, STREETS
from tekseru.services.inspections import (
    PREVENTIVE_CONTROL,
    AnswerRow,
    InspectionHeader,
    answer_items,
    complete_inspection,
    create_inspection,
)
from tekseru.services.permissions import Actor
from tekseru.services.plans import approve_plan, draft_plan
from tekseru.store import Database, EvidenceData, SubjectData
from tekseru.store.evidence import count_evidence, upsert_evidence
from tekseru.store.subjects import count_subjects, subject_ids_by_bin, upsert_subjects

HISTORY_BY = "tekseru demo --history"
FIRST_HALF_YEAR = HalfYear(2024, 1)
GROUP = "stationary_care"
# Rows of the group whose information source is not an inspection: what is catalogue of a subject between
# visits (media, E-Sobes and the local executive body's data).
SIGNALS = (72, 73, 78, 79, 80)
GROSS_SIGNALS = frozenset({72, 79})
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class HistoryDesign:
    """What the history is made of. `designed_margin` is the effect the design builds in: in the first third
    of each half-year's visits, the risk order finds violations at least this much more often than a random
    order (tests/services/test_backtest.py checks that the backtest recovers it)."""

    first: HalfYear = FIRST_HALF_YEAR
    half_years: int = 5
    regions: tuple[str, ...] = ("astana", "almaty_city", "karaganda")
    subjects_per_region: int = 40
    visits_per_region: int = 12
    tiers: tuple[float, ...] = (0.1, 0.5, 0.9)
    signal_strength: float = 0.7
    related: bool = True
    seed: int = 2024
    designed_margin: float = 0.15

    @property
    def periods(self) -> list[HalfYear]:
        periods = [self.first]
        while len(periods) < self.half_years:
            periods.append(periods[-1].next())
        return periods


@dataclass(frozen=True)
class HistoryLoad:
    """What `write_history` did; `loaded` is False (and nothing changed) when the registry was not empty."""

    loaded: bool
    subjects: int
    evidence: int
    inspections: int
    lists: int
    half_years: tuple[HalfYear, ...]


@dataclass(frozen=True)
class _Subject:
    bin: str
    region: str
    risk: float


def write_history(
    db: Database,
    design: HistoryDesign | None = None,
    *,
    actor: Actor | None = None,
    catalogue: Catalogue,
    progress: Progress | None = None,
) -> HistoryLoad:
    """Write the history of `design` into an empty registry (a registry holding anything is left alone)."""
    design = design or HistoryDesign()
    actor = actor or Actor.system("demo")
    periods = design.periods
    with db.transaction() as session:
        subjects, evidence = count_subjects(session), count_evidence(session)
    if subjects or evidence:
        return HistoryLoad(False, subjects, evidence, 0, 0, ())
    rng = random.Random(design.seed)
    registry = _subjects(rng, design)
    with db.transaction() as session:
        upsert_subjects(
            session, [_subject_data(rng, subject) for subject in registry], now=_stamp(periods[0])
        )
        ids = subject_ids_by_bin(session, [subject.bin for subject in registry])
    last_visit: dict[str, date] = {}
    inspections = lists = 0
    for index, period in enumerate(periods):
        edition = catalogue.edition_at(period.start)
        with db.transaction() as session:
            _signals(session, rng, design, registry, ids, period)
        as_of = period.start - timedelta(days=1)
        run_assessment(db, as_of=as_of, actor=actor, catalogue=catalogue, clock=_clock(as_of))
        stored = draft_plan(db, actor, period, as_of=as_of, now=_stamp_day(as_of), catalogue=catalogue)
        approve_plan(db, actor, stored.id, now=_stamp_day(as_of))
        lists += 1
        made = _visits(db, actor, rng, design, edition, registry, period, last_visit, catalogue)
        inspections += made
        with db.transaction() as session:
            after = {"seed": design.seed, "related": design.related, "list": stored.id, "inspections": made}
            audit.record(session, actor, "history.write", "history", str(period), after=after)
        if progress is not None:
            progress(index + 1, len(periods))
    with db.transaction() as session:
        total_evidence = count_evidence(session)
    return HistoryLoad(True, len(registry), total_evidence, inspections, lists, tuple(periods))


def _clock(day: date) -> Callable[[], datetime]:
    return lambda: _stamp_day(day)


def _stamp(period: HalfYear) -> datetime:
    return _stamp_day(period.start - timedelta(days=1))


def _stamp_day(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _subjects(rng: random.Random, design: HistoryDesign) -> list[_Subject]:
    count = len(design.regions) * design.subjects_per_region
    bins = demo_bins(count, prefix="2301400")
    return [
        _Subject(next(bins), region, design.tiers[slot % len(design.tiers)])
        for region in design.regions
        for slot in range(design.subjects_per_region)
    ]


def _subject_data(rng: random.Random, subject: _Subject) -> SubjectData:
    city = CENTRES.get(subject.region, subject.region)
    return SubjectData(
        bin=subject.bin,
        name=f"«{rng.choice(PROPER_NAMES)}» медициналық-әлеуметтік мекемесі",
        region=subject.region,
        address=f"{city}, {rng.choice(STREETS)}, {rng.randint(1, 240)}",
        groups=(GROUP,),
    )


def _day_in(rng: random.Random, period: HalfYear) -> date:
    return period.start + timedelta(days=rng.randrange((period.end - period.start).days + 1))


def _signals(
    session: Session,
    rng: random.Random,
    design: HistoryDesign,
    registry: Sequence[_Subject],
    ids: dict[str, int],
    period: HalfYear,
) -> None:
    """The signals observed during the half-year before `period`: each with a chance that grows with the
    subject's risk (gross ones rarer), so a riskier subject tends to score higher."""
    before = period.previous()
    rows = []
    for subject in registry:
        for criterion in SIGNALS:
            chance = design.signal_strength * subject.risk**2
            if criterion in GROSS_SIGNALS:
                chance *= 0.25
            if rng.random() < chance:
                observed = _day_in(rng, before)
                source = 2 if criterion in (72, 73) else 3
                reference = f"synthetic report {criterion}/{before}"
                rows.append(
                    EvidenceData(ids[subject.bin], criterion, source, observed, reference, None, HISTORY_BY)
                )
    if rows:
        upsert_evidence(session, rows, entered_by=HISTORY_BY, entered_at=_stamp(period))


def _visits(
    db: Database,
    actor: Actor,
    rng: random.Random,
    design: HistoryDesign,
    edition: CatalogueEdition,
    registry: Sequence[_Subject],
    period: HalfYear,
    last_visit: dict[str, date],
    catalogue: Catalogue,
) -> int:
    """Each region visits `visits_per_region` subjects the frequency limit allows, chosen at random."""
    cutoff = frequency_cutoff(period, PlanningRules.from_edition(edition))
    checklist = edition.checklist(edition.group(GROUP).checklist_appendix)
    items = [item for item in checklist.items if item.criterion is not None]
    chance_unrelated = sum(design.tiers) / len(design.tiers)
    made = 0
    for region in design.regions:
        allowed = [
            subject
            for subject in registry
            if subject.region == region and last_visit.get(subject.bin, date.min) <= cutoff
        ]
        chosen = rng.sample(allowed, min(design.visits_per_region, len(allowed)))
        for number, subject in enumerate(chosen, start=1):
            day = _day_in(rng, period)
            chance = subject.risk if design.related else chance_unrelated
            found = rng.sample(items, rng.randint(1, 3)) if rng.random() < chance else []
            act = f"{period}-{region}-{number}"
            _inspect(db, actor, subject, day, act, found, checklist.items, catalogue)
            last_visit[subject.bin] = day
            made += 1
    return made


def _inspect(
    db: Database,
    actor: Actor,
    subject: _Subject,
    day: date,
    act: str,
    found: Sequence[ChecklistItem],
    items: Sequence[ChecklistItem],
    catalogue: Catalogue,
) -> None:
    header = InspectionHeader(PREVENTIVE_CONTROL, act, day, ("А. Сейтқали",))
    stamp = _stamp_day(day)
    record = create_inspection(db, actor, subject.bin, header, now=stamp, catalogue=catalogue)
    violated = {item.number for item in found}
    answers = [
        AnswerRow(item.number, "non_compliant" if item.number in violated else "compliant") for item in items
    ]
    answer_items(db, actor, record.id, answers, now=stamp, catalogue=catalogue)
    complete_inspection(db, actor, record.id, inspected_on=day, today=day, now=stamp, catalogue=catalogue)
