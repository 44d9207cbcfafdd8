"""Use cases of the registry for people: search with paging, the subject card, adding one piece of evidence,
the results of assessment runs, and the figures of the dashboard.

Every function takes the `Actor` and lets it decide: an inspector's searches, results and figures are
limited to its region, and a subject of another region is refused (`PermissionDenied`) for reading and
for adding evidence alike.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import get_args

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition, UnknownCatalogueEntry
from tekseru.message import Explained
from tekseru.scoring.phrases import Language
from tekseru.services import assessments, audit
from tekseru.services.inspections.forms import render_checklist
from tekseru.services.permissions import Actor, Permission
from tekseru.services.subject_card import SubjectCard as SubjectCard
from tekseru.services.subject_card import SubjectNotFound as SubjectNotFound
from tekseru.services.subject_card import language_of, subject_or_refuse
from tekseru.services.subject_card import subject_card as subject_card
from tekseru.store import AssessmentRun as AssessmentRun
from tekseru.store import Database, EvidenceData
from tekseru.store import EvidenceRecord as EvidenceRecord
from tekseru.store.assessments import get_run, latest_run, list_runs
from tekseru.store.criterion_filter import CRITERION_FILTER as CRITERION_FILTER
from tekseru.store.criterion_filter import CRITERION_MAX as CRITERION_MAX
from tekseru.store.evidence import evidence_for_subjects, upsert_evidence
from tekseru.store.name_search import has_text
from tekseru.store.registry_queries import CLASS_FILTERS as CLASS_FILTERS
from tekseru.store.registry_queries import CLASSES as CLASSES
from tekseru.store.registry_queries import TEXT_MATCHES_COUNTED as TEXT_MATCHES_COUNTED
from tekseru.store.registry_queries import SubjectRow as SubjectRow
from tekseru.store.registry_queries import SubjectSearch as SubjectSearch
from tekseru.store.registry_queries import search_subjects
from tekseru.store.run_results import ResultRow as ResultRow
from tekseru.store.run_results import ScorePoint as ScorePoint
from tekseru.store.run_results import run_result_rows
from tekseru.store.subject_order import SORT_KEYS as SORT_KEYS
from tekseru.store.subject_order import SubjectSort as SubjectSort
from tekseru.store.text import without_control_characters as without_control_characters

PER_PAGE = 25
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # far beyond any registry, and far below what makes the row offset overflow
REFERENCE_LIMIT = 500
LANGUAGES: tuple[str, ...] = get_args(Language)


class RunNotFound(Explained, LookupError):
    """No assessment run has this id."""


class InvalidEvidence(Explained, ValueError):
    """Evidence that cannot be stored; the message says which field and why."""


@dataclass(frozen=True)
class Page:
    """Paging of a listing: page numbers start at 1."""

    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, page: int, per_page: int, total: int = 0) -> Page:
        return cls(max(page, 1), min(max(per_page, 1), MAX_PER_PAGE), total)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class SubjectPage:
    rows: list[SubjectRow]
    paging: Page
    run: AssessmentRun | None  # the run whose classes are shown (the latest finished one)
    region_scope: str | None  # the region the actor is limited to
    more: bool = False  # a search by text found more than TEXT_MATCHES_COUNTED: `paging.total` is a floor

    @property
    def run_id(self) -> uuid.UUID | None:
        return None if self.run is None else self.run.id


def search(
    db: Database,
    actor: Actor,
    wanted: SubjectSearch,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    sort: SubjectSort | None = None,
    run_id: uuid.UUID | None = None,
) -> SubjectPage:
    """One page of the subjects matching `wanted`, in registry order or `sort`'s (which the planning order
    breaks ties of), with their class in the latest finished run, or in the finished run `run_id`
    (RunNotFound). A search by text counts at most TEXT_MATCHES_COUNTED + 1 matches (then `more` is
    true)."""
    region = actor.scoped_region(Permission.READ_REGISTRY, wanted.region)
    paging = Page.of(page, per_page)
    with db.request_reading() as session:  # PostgreSQL: no BEGIN and COMMIT round trips
        run = latest_run(session) if run_id is None else finished_run_or_raise(session, run_id)
        rows, total = search_subjects(
            session,
            replace(wanted, region=region),
            run_id=None if run is None else run.id,
            limit=paging.per_page,
            offset=paging.offset,
            sort=sort,
        )
    more = has_text(wanted.text) and total > TEXT_MATCHES_COUNTED
    return SubjectPage(rows, replace(paging, total=total), run, actor.region_scope, more)


def finished_run_or_raise(session: Session, run_id: uuid.UUID) -> AssessmentRun:
    """The finished run `run_id` (whose classes a table of subjects may show); RunNotFound."""
    found = get_run(session, run_id)
    if found is None or found.status != "finished":
        refused = RunNotFound(f"no finished assessment run {run_id}")
        raise refused.saying("refusal.run.not_found", run=str(run_id))
    return found


def _subject(
    session: Session, actor: Actor, bin: str, permission: Permission, run: AssessmentRun | None = None
) -> SubjectRow:
    return subject_or_refuse(session, actor, bin, permission, run)


def _language(language: str) -> Language:
    return language_of(language)


def explanation(
    db: Database, actor: Actor, bin: str, language: str, as_of: date | None = None, *, catalogue: Catalogue
) -> list[str]:
    """The subject's score as of `as_of` (default: the date of the latest finished assessment) told in words
    (`tekseru.services.assessments.subject_explanation`); [] when nothing has been assessed yet."""
    with db.reading() as session:
        latest = latest_run(session)
        _subject(session, actor, bin, Permission.READ_REGISTRY, latest)
    if latest is None:
        return []
    try:
        lines = assessments.subject_explanation(
            db, actor, bin, as_of=as_of or latest.as_of, language=_language(language), catalogue=catalogue
        ).lines()
    except LookupError:
        return []
    return list(lines)


def subject_checklist(
    db: Database,
    actor: Actor,
    bin: str,
    appendix: int,
    language: str,
    format: str,
    *,
    today: date,
    catalogue: Catalogue,
) -> bytes:
    """The checklist of `appendix` prefilled with the subject (`tekseru.services.inspections.forms`), as a
    file."""
    with db.reading() as session:
        subject = _subject(session, actor, bin, Permission.READ_REGISTRY)
    return render_checklist(
        db, appendix, bin=subject.bin, language=language, format=format, today=today, catalogue=catalogue
    )


@dataclass(frozen=True)
class EvidenceInput:
    """One fact for a criterion, from a form or the API; its source group is the criterion's."""

    criterion: int
    observed_on: date
    reference: str
    confirmed: bool | None = None


def add_evidence(
    db: Database,
    actor: Actor,
    bin: str,
    data: EvidenceInput,
    *,
    catalogue: Catalogue,
    now: datetime | None = None,
) -> tuple[EvidenceRecord, bool]:
    """Store the evidence for the subject, checked against the edition of `catalogue` in force today (the
    same fact twice is stored once); (it, whether it is new)."""
    now = now or datetime.now(UTC)
    edition = catalogue.edition_at(now.date())
    source_group = _check_evidence(data, edition, now.date())
    with db.transaction() as session:
        subject = _subject(session, actor, bin, Permission.WRITE_EVIDENCE)
        row = EvidenceData(
            subject.id,
            data.criterion,
            source_group,
            data.observed_on,
            data.reference.strip(),
            data.confirmed,
            f"web:{actor.username}",
        )
        counts = upsert_evidence(session, [row], entered_by=actor.username, entered_at=now)
        stored = next(e for e in evidence_for_subjects(session, [subject.id]) if _same(e, row))
        if counts.created or counts.updated:
            after = {key: getattr(stored, key) for key in ("id", "criterion", "source_group", "observed_on")}
            after |= {"reference": stored.reference, "confirmed": stored.confirmed}
            action = "evidence.add" if counts.created else "evidence.confirm"
            audit.record(session, actor, action, "subject", subject.bin, region=subject.region, after=after)
    return stored, bool(counts.created)


def _same(record: EvidenceRecord, row: EvidenceData) -> bool:
    key = (record.subject_id, record.criterion, record.source_group, record.observed_on, record.reference)
    return key == row.natural_key


def _check_evidence(data: EvidenceInput, edition: CatalogueEdition, today: date) -> int:
    try:
        criterion = edition.criterion(data.criterion)
    except UnknownCatalogueEntry:
        raise InvalidEvidence(f"criterion: {data.criterion} is not in edition {edition.id}").saying(
            "refusal.evidence.criterion", criterion=data.criterion, edition=edition.id
        ) from None
    if data.observed_on > today:
        raise InvalidEvidence(f"observed_on: {data.observed_on.isoformat()} is in the future").saying(
            "refusal.evidence.future", day=data.observed_on.isoformat()
        )
    if not data.reference.strip() or len(data.reference.strip()) > REFERENCE_LIMIT:
        raise InvalidEvidence(f"reference: give 1 to {REFERENCE_LIMIT} characters").saying(
            "refusal.evidence.reference", limit=REFERENCE_LIMIT
        )
    return criterion.source_group


# Assessment runs and their results


def runs(db: Database, actor: Actor, *, limit: int = 20) -> list[AssessmentRun]:
    actor.require(Permission.READ_ASSESSMENTS)
    with db.reading() as session:
        return list_runs(session, limit=limit)


def run(db: Database, actor: Actor, run_id: uuid.UUID) -> AssessmentRun:
    actor.require(Permission.READ_ASSESSMENTS)
    with db.reading() as session:
        found = get_run(session, run_id)
    if found is None:
        raise RunNotFound(f"no assessment run {run_id}").saying("refusal.run.not_found", run=str(run_id))
    return found


@dataclass(frozen=True)
class ResultsPage:
    run: AssessmentRun
    rows: list[ResultRow]
    paging: Page
    region_scope: str | None


def run_results(
    db: Database,
    actor: Actor,
    run_id: uuid.UUID,
    *,
    risk_class: str | None = None,
    region: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    sort: SubjectSort | None = None,
) -> ResultsPage:
    """One page of a run's scores (one row per subject and group), highest first or in `sort`'s order."""
    scope = actor.scoped_region(Permission.READ_ASSESSMENTS, region)
    found = run(db, actor, run_id)
    paging = Page.of(page, per_page)
    with db.reading() as session:
        rows, total = run_result_rows(
            session,
            run_id,
            region=scope,
            risk_class=risk_class,
            limit=paging.per_page,
            offset=paging.offset,
            sort=sort,
        )
    return ResultsPage(found, rows, replace(paging, total=total), actor.region_scope)
