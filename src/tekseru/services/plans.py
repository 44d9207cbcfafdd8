"""Use cases of the semi-annual lists of preventive control with a visit (docs/planning.md).

A draft is formed from a finished assessment run with the planning core and stored with a reference to
the list it is compared with; it is then approved, then published. Approved and published lists never
change (`PlanFrozen`). Each change is written for a session (`draft_plan_in`, `approve_plan_in`, ...), so
that `tekseru.services.plan_actions` runs it with the actor's permission and its audit entry in one
transaction; `draft_plan`, `approve_plan`, ... run it in a transaction of its own, with no audit entry.
The capacity of the regions is read by `tekseru.services.plan_capacity`.

Who reads which list and which of its rows is decided here, once (`visible_plan`, `visible_plans`,
`visible_comparison`): pages, the API and the printed XLSX and PDF all get their rows through it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition, Severity
from tekseru.catalog.regions import Regions, UnknownRegion
from tekseru.catalog_files import load_bodies, load_catalogue, load_regions
from tekseru.documents.plan_pdf import render_plan_pdf
from tekseru.documents.plan_xlsx import render_plan_xlsx
from tekseru.planning import (
    CandidateScore,
    HalfYear,
    Plan,
    PlanDiff,
    PlanningRules,
    VisitHistory,
    diff_plans,
    form_plan,
)
from tekseru.services.permissions import Actor, PermissionDenied
from tekseru.services.plan_capacity import CAPACITY_COLUMNS as CAPACITY_COLUMNS
from tekseru.services.plan_capacity import CapacityError as CapacityError
from tekseru.services.plan_capacity import CapacityFileError as CapacityFileError
from tekseru.services.plan_capacity import read_capacity_file as read_capacity_file
from tekseru.services.plan_capacity import resolve_capacity
from tekseru.services.transactions import in_transaction
from tekseru.settings import Settings
from tekseru.store import AssessmentResultData, AssessmentRun
from tekseru.store import Database as Database
from tekseru.store import plans as store
from tekseru.store.assessments import results_for_run
from tekseru.store.inspections import visit_histories as recorded_visit_histories
from tekseru.store.plans import PlanError as PlanError
from tekseru.store.plans import PlanFrozen as PlanFrozen
from tekseru.store.plans import PlanNotApproved as PlanNotApproved
from tekseru.store.plans import PlanNotFound as PlanNotFound
from tekseru.store.plans import PlanRecord, SubjectCard
from tekseru.store.versions import StaleVersion as StaleVersion

VisitHistoryProvider = Callable[[Session], Mapping[int, VisitHistory]]
"""Gives the last visit of each subject (by subject id) from the store, within the draft's transaction."""

DOCUMENT_FORMATS = ("xlsx", "pdf")
_SEVERITY_ORDER = (Severity.GROSS, Severity.SIGNIFICANT, Severity.MINOR)
PLAN_LANGUAGES = ("kk", "ru")


class NoAssessment(PlanError):
    """There is no finished assessment run to form the list from."""


@dataclass(frozen=True)
class StoredPlan:
    """A stored list: `record` says who formed, approved and published it and when; `plan` is read back."""

    record: PlanRecord
    plan: Plan

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def approval(self) -> tuple[str, date] | None:
        """(approved by, approved on) for an approved or published list, None for a draft."""
        approved_by, approved_at = self.record.approved_by, self.record.approved_at
        return None if approved_by is None or approved_at is None else (approved_by, approved_at.date())


@dataclass(frozen=True)
class PlanComparison:
    """A list, the list it was compared with when drafted (None for the first), and what changed."""

    plan: StoredPlan
    previous: StoredPlan | None
    diff: PlanDiff | None


def _stored(record: PlanRecord) -> StoredPlan:
    return StoredPlan(record, Plan.from_dict(record.plan))


def draft_plan_in(
    session: Session,
    half_year: HalfYear | str,
    *,
    as_of: date | None = None,
    capacity: Mapping[str, int] | None = None,
    created_by: str,
    visit_histories: VisitHistoryProvider | None = None,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> StoredPlan:
    """Form and store a draft list for `half_year` from the latest finished assessment (with `as_of`: the
    one with the latest date on or before it). `capacity` names regions in any way the registry accepts."""
    period = half_year if isinstance(half_year, HalfYear) else HalfYear.parse(half_year)
    region_capacity = resolve_capacity(capacity or {})
    run = _assessment(session, as_of)
    edition = (catalogue or load_catalogue()).edition(run.edition_id)
    scores = candidate_scores(session, run.id, edition)
    histories = _histories(session, visit_histories or recorded_visit_histories)
    plan = form_plan(period, scores, histories, PlanningRules.from_edition(edition), region_capacity)
    previous = store.previous_plan(session, str(period), str(period.previous()))
    record = store.add_plan(
        session,
        half_year=str(period),
        as_of=run.as_of,
        assessment_id=run.id,
        edition_id=run.edition_id,
        plan=plan.to_dict(),
        capacity=region_capacity,
        created_by=created_by,
        now=now or datetime.now(UTC),
        previous_plan_id=None if previous is None else previous.id,
    )
    return _stored(record)


draft_plan = in_transaction(draft_plan_in)


def _assessment(session: Session, as_of: date | None) -> AssessmentRun:
    run = store.finished_run(session, as_of)
    if run is None:
        when = "" if as_of is None else f" as of {as_of.isoformat()} or earlier"
        raise NoAssessment(f"there is no finished risk assessment{when}: run the assessment first")
    return run


def candidate_scores(session: Session, run_id: Any, edition: CatalogueEdition) -> list[CandidateScore]:
    """The run's results as the planner's input: subject details, objective risk, counts and reasons."""
    results = results_for_run(session, run_id)
    cards = store.subject_cards(session, {result.subject_id for result in results})
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


def approve_plan_in(
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
    return _stored(
        store.approve_plan(
            session, plan_id, approved_by=approved_by, now=stamp, expected_version=expected_version
        )
    )


def publish_plan_in(
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
    return _stored(
        store.publish_plan(
            session, plan_id, published_by=published_by, now=stamp, expected_version=expected_version
        )
    )


def discard_draft_in(session: Session, plan_id: int, *, expected_version: int | None = None) -> None:
    """Delete a draft; PlanFrozen for an approved or published list; StaleVersion when `expected_version`
    is not the stored one."""
    store.delete_draft(session, plan_id, expected_version=expected_version)


def get_plan_in(session: Session, plan_id: int) -> StoredPlan:
    record = store.get_plan(session, plan_id)
    if record is None:
        raise PlanNotFound(plan_id)
    return _stored(record)


approve_plan = in_transaction(approve_plan_in)
publish_plan = in_transaction(publish_plan_in)
discard_draft = in_transaction(discard_draft_in)
get_plan = in_transaction(get_plan_in)


def list_plans(db: Database, *, half_year: str | None = None, status: str | None = None) -> list[StoredPlan]:
    """Stored lists, the newest first."""
    period = None if half_year is None else str(HalfYear.parse(half_year))
    with db.transaction() as session:
        return [_stored(record) for record in store.list_plans(session, half_year=period, status=status)]


def visible_plan(actor: Actor, stored: StoredPlan) -> StoredPlan:
    """The list as the actor may read it: whole for actors of every region; for an actor bound to one region
    (an inspector) an approved or published list with only that region's rows (its capacity too), and
    PermissionDenied for a draft. The one rule of region scoping for lists (see `Actor.may_read_plan`)."""
    if not actor.may_read_plan(stored.record.status):
        raise PermissionDenied(
            f"{actor.username} ({actor.role}) may not read list {stored.id} ({stored.record.status})"
        )
    region = actor.region_scope
    if region is None:
        return stored
    plan = stored.plan
    scoped = replace(
        plan,
        capacity={key: value for key, value in plan.capacity.items() if key == region},
        included=tuple(row for row in plan.included if row.region == region),
        overflow=tuple(row for row in plan.overflow if row.region == region),
        excluded=tuple(row for row in plan.excluded if row.region == region),
    )
    return StoredPlan(stored.record, scoped)


def visible_plans(actor: Actor, stored: Iterable[StoredPlan]) -> list[StoredPlan]:
    """The lists among `stored` the actor may read, each as `visible_plan` gives it."""
    return [visible_plan(actor, one) for one in stored if actor.may_read_plan(one.record.status)]


def visible_comparison(actor: Actor, comparison: PlanComparison) -> PlanComparison:
    """The comparison of two lists as the actor may read it: both lists scoped by `visible_plan` (the
    earlier one left out when the actor may not read it) and the changes among the rows left."""
    current = visible_plan(actor, comparison.plan)
    previous = comparison.previous
    if previous is None or not actor.may_read_plan(previous.record.status):
        return PlanComparison(current, None, None)
    previous = visible_plan(actor, previous)
    return PlanComparison(current, previous, diff_plans(previous.plan, current.plan))


def plan_diff(db: Database, plan_id: int) -> PlanComparison:
    """The list against the one it was compared with when drafted: subjects added, removed and moved."""
    current = get_plan(db, plan_id)
    if current.record.previous_plan_id is None:
        return PlanComparison(current, None, None)
    previous = get_plan(db, current.record.previous_plan_id)
    return PlanComparison(current, previous, diff_plans(previous.plan, current.plan))


def state_body(plan: Plan, language: str) -> str:
    """The body a list is printed for (catalogue data): its region's territorial department when every row
    is of one region, else the Committee."""
    regions = (row.region for row in plan.included + plan.overflow)
    return load_bodies().control_body_of(regions).name.in_language(language)


def render_plan(
    db: Database,
    plan_id: int,
    *,
    format: str,
    language: str,
    out: Path,
    settings: Settings | None = None,
    catalogue: Catalogue | None = None,
) -> Path:
    """Print the stored list as XLSX or PDF in Kazakh or Russian to `out`; `out`."""
    return render_stored_plan(
        get_plan(db, plan_id),
        format=format,
        language=language,
        out=out,
        settings=settings,
        catalogue=catalogue,
    )


def render_stored_plan(
    stored: StoredPlan,
    *,
    format: str,
    language: str,
    out: Path,
    settings: Settings | None = None,
    catalogue: Catalogue | None = None,
) -> Path:
    """Print `stored` (as read, or as `visible_plan` scoped it) as XLSX or PDF in Kazakh or Russian."""
    if format not in DOCUMENT_FORMATS:
        raise ValueError(f"a list is printed as {' or '.join(DOCUMENT_FORMATS)}, not {format!r}")
    if language not in PLAN_LANGUAGES:
        raise ValueError(f"a list is printed in kk or ru, not {language!r}")
    edition = (catalogue or load_catalogue()).edition(stored.record.edition_id)
    render = render_plan_xlsx if format == "xlsx" else render_plan_pdf
    groups = {key: group.name.in_language(language) for key, group in edition.groups.items()}
    # The rows cite criteria by number; the document's annex gives each cited criterion's whole text.
    reasons = {
        number: " ".join(item.text.in_language(language).split()) for number, item in edition.criteria.items()
    }
    return render(
        printable_plan(stored.plan, language),
        language=language,
        state_body=state_body(stored.plan, language),
        approval=stored.approval,
        group_names=groups,
        reason_texts=reasons,
        out=out,
        number=stored.id,
        status=stored.record.status,
    )


def printable_plan(plan: Plan, language: str, regions: Regions | None = None) -> Plan:
    """The plan with region keys replaced by the regions' names in `language`."""
    known = regions or load_regions()

    def name(key: str) -> str:
        try:
            return known.get(key).name.in_language(language)
        except UnknownRegion:
            return key

    return replace(
        plan,
        included=tuple(replace(row, region=name(row.region)) for row in plan.included),
        overflow=tuple(replace(row, region=name(row.region)) for row in plan.overflow),
        excluded=tuple(replace(row, region=name(row.region)) for row in plan.excluded),
    )
