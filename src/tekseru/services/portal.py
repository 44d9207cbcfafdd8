"""A controlled subject's own pages (docs/subjects.md): what concerns the BINs its account is bound to, and
its remediation reports; and their review by an inspector.

Every use case takes the `Actor`. A subject's account reads and reports only for its own BINs
(`Actor.require_own`, the one rule in `tekseru.services.permissions`); anything of another subject is
refused (`PermissionDenied`) or not found, exactly as if it did not exist. An inspector (of the subject's
region), a planner or an administrator reviews reports (`Permission.REVIEW_REMEDIATION`). Every change is
audited in its own transaction; an accepted report closes the violation it answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.services import audit
from tekseru.services.assessment_subject import SubjectExplanation, explain_in_session
from tekseru.services.inspections import forms
from tekseru.services.inspections.rules import violation_status
from tekseru.services.permissions import Actor, PermissionDenied
from tekseru.services.plans.stored import StoredPlan, stored, visible_plan
from tekseru.services.portal_rules import MAX_REPORT_TEXT, OWN, NotFound, PortalError, not_found, own_subject
from tekseru.services.remediation import (
    ReportView,
    file_reports,
    remediation_file,
    remediation_report,
    reports_to_review,
    review_remediation,
    submit_remediation,
)
from tekseru.settings import Settings
from tekseru.store import Database, SubjectRecord
from tekseru.store.assessments import finished_run_on
from tekseru.store.documents_store import inspections_with_subjects
from tekseru.store.inspection_models import COMPLETED, OPEN
from tekseru.store.inspections import (
    InspectionRecord,
    ViolationRecord,
    answers_of,
    get_or_raise,
    violations_of,
)
from tekseru.store.plans import APPROVED, PUBLISHED, list_plans
from tekseru.store.portal import RemediationFileRecord, RemediationRecord, reports_of_subjects
from tekseru.store.portal_models import SUBMITTED
from tekseru.store.subjects import find_subject_by_bin
from tekseru.store.violation_lineage import with_earlier


@dataclass(frozen=True)
class ViolationItem:
    """A violation as its subject sees it: its status today, deadline and the reports made for it."""

    record: ViolationRecord
    status: str
    inspection: InspectionRecord
    subject: SubjectRecord
    reports: tuple[RemediationRecord, ...]
    requirement: str = ""  # the checklist item's text, in the reader's language: what is to be remedied
    comment: str = ""  # what the inspector wrote on the item

    @property
    def pending(self) -> RemediationRecord | None:
        return next((r for r in self.reports if r.status == SUBMITTED), None)

    @property
    def may_report(self) -> bool:
        return (
            self.record.status == OPEN and self.pending is None and self.inspection.superseded_by_id is None
        )


@dataclass(frozen=True)
class ListEntry:
    """An approved or published list with only the subject's own rows."""

    plan: StoredPlan


@dataclass(frozen=True)
class Organisation:
    """Everything of the account's BINs: subjects, completed inspections, violations, lists, risk."""

    bins: tuple[str, ...]
    subjects: tuple[SubjectRecord, ...]
    inspections: tuple[tuple[InspectionRecord, SubjectRecord], ...]
    violations: tuple[ViolationItem, ...]
    lists: tuple[StoredPlan, ...]
    risk: tuple[SubjectExplanation, ...] | None  # None: the setting hides it


def _subjects(session: Session, actor: Actor) -> list[SubjectRecord]:
    found = (find_subject_by_bin(session, bin) for bin in sorted(actor.bins))
    return [subject for subject in found if subject is not None]


def my_organisation(
    db: Database,
    actor: Actor,
    *,
    today: date,
    settings: Settings | None = None,
    language: str = "kk",
    catalogue: Catalogue,
) -> Organisation:
    """What concerns the account's BINs; the risk score and its explanation only when `subjects_see_risk`."""
    actor.require(OWN)
    day = today
    shown_risk = (settings or Settings.from_environment()).subjects_see_risk
    with db.reading() as session:
        subjects = _subjects(session, actor)
        by_id = {subject.id: subject for subject in subjects}
        inspections = [
            (record, by_id[record.subject_id])
            for record in _inspections_of(session, by_id)
            if record.status == COMPLETED and record.superseded_by_id is None
        ]
        reports = reports_of_subjects(session, by_id)
        current = [
            (v, record, subject)
            for record, subject in inspections
            for v in violations_of(session, [record.id])
        ]
        lineage = with_earlier(session, [v for v, _, _ in current])
        lang = language if language in ("kk", "ru", "en") else "kk"
        comments = {
            (record.id, answer.item): answer.comment
            for record, _ in inspections
            for answer in answers_of(session, record.id)
        }
        violations = [
            ViolationItem(
                violation,
                violation_status(violation, day),
                record,
                subject,
                tuple(r for r in reports if r.violation_id in lineage[violation.id]),
                requirement_of(catalogue, record, violation.item, lang),
                comments.get((record.id, violation.item), ""),
            )
            for violation, record, subject in current
        ]
        lists = [
            visible_plan(actor, stored(r))
            for s in (APPROVED, PUBLISHED)
            for r in list_plans(session, status=s)
        ]
        risk = None
        if shown_risk:
            run = finished_run_on(session, day)
            risk = tuple(
                explain_in_session(session, s, run, as_of=day, language=lang, catalogue=catalogue)  # type: ignore[arg-type]
                for s in subjects
            )
    on_lists = sorted(
        (plan for plan in lists if plan.plan.included or plan.plan.overflow or plan.plan.excluded),
        key=lambda plan: plan.id,
        reverse=True,
    )
    return Organisation(
        tuple(sorted(actor.bins)),
        tuple(subjects),
        tuple(inspections),
        tuple(violations),
        tuple(on_lists),
        risk,
    )


def requirement_of(catalogue: Catalogue, record: InspectionRecord, item: int, language: str) -> str:
    """The text of the inspection's checklist item `item` in `language` ("" for an unknown edition)."""
    try:
        checklist = catalogue.edition(record.edition_id).checklist(record.appendix)
    except LookupError:  # an edition this catalogue does not have: the number alone
        return ""
    return next((i.text.in_language(language) for i in checklist.items if i.number == item), "")


def _inspections_of(session: Session, subjects: dict[int, SubjectRecord]) -> list[InspectionRecord]:
    found: list[InspectionRecord] = []
    for subject in subjects.values():
        pairs = inspections_with_subjects(session, bin=subject.bin, status=None, current_only=True) or []
        found.extend(record for record, _ in pairs)
    return sorted(found, key=lambda record: record.id)


def own_inspection(db: Database, actor: Actor, inspection_id: int) -> tuple[InspectionRecord, SubjectRecord]:
    """A completed inspection of one of the account's subjects; NotFound for any other."""
    actor.require(OWN)
    with db.reading() as session:
        try:
            record = get_or_raise(session, inspection_id)
        except LookupError:
            raise not_found("inspection", inspection_id) from None
        subject = own_subject(session, actor, record.subject_id, "inspection", inspection_id)
        if record.status != COMPLETED:
            raise not_found("inspection", inspection_id)
    return record, subject


def print_own_inspection(
    db: Database,
    actor: Actor,
    inspection_id: int,
    *,
    format: str,
    language: str,
    now: datetime | None = None,
    catalogue: Catalogue,
) -> tuple[bytes, str]:
    """The printed form of a completed inspection of one of the account's subjects (sealed, recorded for
    verification and audited as `inspection.print`), and its file name."""
    own_inspection(db, actor, inspection_id)
    with db.transaction() as session:
        subject = own_subject(
            session, actor, get_or_raise(session, inspection_id).subject_id, "inspection", 0
        )
        printed = forms.issue_form(
            session, inspection_id, format, language, issued_by=actor.username, now=now, catalogue=catalogue
        )
        name = forms.form_file_name(printed.number, language, format)
        after = {"code": printed.code, "file": name}
        audit.record(
            session,
            actor,
            "inspection.print",
            "inspection",
            inspection_id,
            region=subject.region,
            after=after,
        )
    return printed.content, name


__all__ = [
    "MAX_REPORT_TEXT",
    "ListEntry",
    "NotFound",
    "Organisation",
    "PermissionDenied",
    "PortalError",
    "RemediationFileRecord",
    "RemediationRecord",
    "ReportView",
    "ViolationItem",
    "file_reports",
    "my_organisation",
    "own_inspection",
    "print_own_inspection",
    "remediation_file",
    "remediation_report",
    "reports_to_review",
    "requirement_of",
    "review_remediation",
    "submit_remediation",
]
