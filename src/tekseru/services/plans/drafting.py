"""The steps of a semi-annual list within the caller's transaction (docs/planning.md): form it from a
finished assessment run with the planning core, approve it, publish it, read it back. Approved and published
lists never change (`PlanFrozen`). The use cases of `tekseru.services.plans` run these with the actor's
permission and audit entry; nothing here checks a permission, and nothing outside the package calls it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition, Severity
from tekseru.planning import CandidateScore, HalfYear, Plan, PlanningRules, VisitHistory, form_plan
from tekseru.services.plans.stored import StoredPlan, stored
from tekseru.store import AssessmentResultData, AssessmentRun
from tekseru.store.assessments import results_for_run
from tekseru.store.plans import (
    PlanError,
    PlanNotFound,
    SubjectCard,
    approve_plan,
    finished_run,
    get_plan,
    publish_plan,
    subject_cards,
)

VisitHistoryProvider = Callable[[Session], Mapping[int, VisitHistory]]
"""Gives the last visit of each subject (by subject id) from the store, within the draft's transaction."""

_SEVERITY_ORDER = (Severity.GROSS, Severity.SIGNIFICANT, Severity.MINOR)


class NoAssessment(PlanError):
    """There is no finished assessment run to form the list from."""


def formed_plan(
    session: Session,
    half_year: HalfYear,
    as_of: date | None,
    capacity: Mapping[str, int],
    visit_histories: VisitHistoryProvider,
    catalogue: Catalogue,
) -> tuple[AssessmentRun, Plan]:
    """The list for `half_year` the planning core forms from the latest finished assessment (with `as_of`:
    the one with the latest date on or before it), and that assessment; NoAssessment."""
    run = _assessment(session, as_of)
    edition = catalogue.edition(run.edition_id)
    scores = candidate_scores(session, run.id, edition)
    histories = _histories(session, visit_histories)
    return run, form_plan(half_year, scores, histories, PlanningRules.from_edition(edition), capacity)


def _assessment(session: Session, as_of: date | None) -> AssessmentRun:
    run = finished_run(session, as_of)
    if run is None:
        when = "" if as_of is None else f" as of {as_of.isoformat()} or earlier"
        raise NoAssessment(f"there is no finished risk assessment{when}: run the assessment first")
    return run


def candidate_scores(session: Session, run_id: Any, edition: CatalogueEdition) -> list[CandidateScore]:
    """The run's results as the planner's input: subject details, objective risk, counts and reasons."""
    results = results_for_run(session, run_id)
    cards = subject_cards(session, {result.subject_id for result in results})
    return [_candidate(result, cards[result.subject_id], edition) for result in results]


def _candidate(result: AssessmentResultData, card: SubjectCard, edition: CatalogueEdition) -> CandidateScore:
    group = edition.groups.get(result.group_key)
    if group is None:
        raise PlanError(f"the assessment has a result in group {result.group_key!r}, unknown to {edition.id}")
    violated = sorted(set(result.violated_criteria))
    counts = Counter(edition.criteria[number].severity for number in violated if number in edition.criteria)
    return CandidateScore(
        subject_id=str(card.id),
        bin=card.bin,
        name=card.name,
        region=card.region,
        address=card.address,
        group=result.group_key,
        objective_high_risk=group.objective_high_risk,
        score=result.score,
        risk_class=result.risk_class,
        gross_count=counts[Severity.GROSS],
        significant_count=counts[Severity.SIGNIFICANT],
        minor_count=counts[Severity.MINOR],
        main_reasons=main_reasons(violated, edition),
    )


def main_reasons(violated: Iterable[int], edition: CatalogueEdition) -> tuple[int, ...]:
    """The violated criteria, gross first, then significant, then minor, each by number; unknown last."""

    def key(number: int) -> tuple[int, int]:
        criterion = edition.criteria.get(number)
        rank = len(_SEVERITY_ORDER) if criterion is None else _SEVERITY_ORDER.index(criterion.severity)
        return rank, number

    return tuple(sorted(set(violated), key=key))


def _histories(session: Session, provider: VisitHistoryProvider) -> list[VisitHistory]:
    return [replace(history, subject_id=str(key)) for key, history in provider(session).items()]


def approve(
    session: Session,
    plan_id: int,
    approved_by: str,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> StoredPlan:
    """Approve a draft; PlanFrozen when it is approved or published already, PlanNotFound; StaleVersion
    when `expected_version` (the version the approver read) is not the stored one."""
    stamp = now or datetime.now(UTC)
    return stored(
        approve_plan(session, plan_id, approved_by=approved_by, now=stamp, expected_version=expected_version)
    )


def publish(
    session: Session,
    plan_id: int,
    published_by: str,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> StoredPlan:
    """Publish an approved list; PlanNotApproved for a draft, PlanFrozen when published already;
    StaleVersion when `expected_version` is not the stored one."""
    stamp = now or datetime.now(UTC)
    return stored(
        publish_plan(
            session, plan_id, published_by=published_by, now=stamp, expected_version=expected_version
        )
    )


def read(session: Session, plan_id: int) -> StoredPlan:
    """The stored list; PlanNotFound."""
    record = get_plan(session, plan_id)
    if record is None:
        raise PlanNotFound(plan_id)
    return stored(record)
