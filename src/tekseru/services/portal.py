"""A controlled subject's own pages (docs/subjects.md): what concerns the BINs its account is bound to, and
its remediation reports; and their review by an inspector.

Every use case takes the `Actor`. A subject's account reads and reports only for its own BINs
(`Actor.require_own`, the one rule in `tekseru.services.permissions`); anything of another subject is
refused (`PermissionDenied`) or not found, exactly as if it did not exist. An inspector (of the subject's
region), a planner or an administrator reviews reports (`Permission.REVIEW_REMEDIATION`). Every change is
audited in its own transaction; an accepted report closes the violation it answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.message import Explained
from tekseru.services import audit
from tekseru.services.assessment_subject import SubjectExplanation, explain_in_session
from tekseru.services.inspections import forms
from tekseru.services.inspections.attachments import AttachmentLimits, AttachmentRefused, checked_file, keep
from tekseru.services.inspections.rules import today_utc, violation_status
from tekseru.services.permissions import Actor, Permission, PermissionDenied
from tekseru.services.plans.stored import StoredPlan, stored, visible_plan
from tekseru.services.remediation_notices import remediation_report_submitted
from tekseru.settings import Settings
from tekseru.store import Database, SubjectRecord
from tekseru.store.assessments import finished_run_on
from tekseru.store.documents_store import inspections_with_subjects
from tekseru.store.inspection_edits import update_violation
from tekseru.store.inspection_models import COMPLETED, OPEN
from tekseru.store.inspections import (
    InspectionRecord,
    ViolationRecord,
    get_or_raise,
    violation_by_id,
    violations_of,
)
from tekseru.store.plans import APPROVED, PUBLISHED, list_plans
from tekseru.store.portal import (
    RemediationFileRecord,
    RemediationRecord,
    add_report,
    file_by_hash,
    get_report,
    reports_of_subjects,
    reports_with_status,
    review_report,
)
from tekseru.store.portal_models import ACCEPTED, REJECTED, SUBMITTED
from tekseru.store.subjects import find_subject_by_bin, get_subject

OWN, REPORT, REVIEW = Permission.READ_OWN, Permission.REPORT_REMEDIATION, Permission.REVIEW_REMEDIATION
MAX_REPORT_TEXT = 5000  # characters: what was done, where the files show it; the files hold the rest
ENTITY = "remediation_report"


class PortalError(Explained, ValueError):
    """A remediation report that cannot be stored or reviewed as asked."""


class NotFound(Explained, LookupError):
    """No such inspection, violation, report or file (or none the actor may know of)."""


@dataclass(frozen=True)
class ViolationItem:
    """A violation as its subject sees it: its status today, deadline and the reports made for it."""

    record: ViolationRecord
    status: str
    inspection: InspectionRecord
    subject: SubjectRecord
    reports: tuple[RemediationRecord, ...]

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


def _not_found(what: str, key: object) -> NotFound:
    return NotFound(f"there is no {what} {key}").saying(f"portal.not_found.{what}", key=str(key))


def _own_subject(session: Session, actor: Actor, subject_id: int, what: str, key: object) -> SubjectRecord:
    """The subject, when the actor may read what concerns it; another subject's thing is not found."""
    subject = get_subject(session, subject_id)
    if subject is None or not actor.can(OWN, bin=subject.bin):
        raise _not_found(what, key)
    return subject


def _subjects(session: Session, actor: Actor) -> list[SubjectRecord]:
    found = (find_subject_by_bin(session, bin) for bin in sorted(actor.bins))
    return [subject for subject in found if subject is not None]


def my_organisation(
    db: Database,
    actor: Actor,
    *,
    today: date | None = None,
    settings: Settings | None = None,
    language: str = "kk",
    catalogue: Catalogue,
) -> Organisation:
    """What concerns the account's BINs; the risk score and its explanation only when `subjects_see_risk`."""
    actor.require(OWN)
    day = today or today_utc()
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
        violations = [
            ViolationItem(
                violation,
                violation_status(violation, day),
                record,
                subject,
                tuple(r for r in reports if r.violation_id == violation.id),
            )
            for record, subject in inspections
            for violation in violations_of(session, [record.id])
        ]
        lists = [
            visible_plan(actor, stored(r))
            for s in (APPROVED, PUBLISHED)
            for r in list_plans(session, status=s)
        ]
        risk = None
        if shown_risk:
            run = finished_run_on(session, day)
            lang = language if language in ("kk", "ru", "en") else "kk"
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
            raise _not_found("inspection", inspection_id) from None
        subject = _own_subject(session, actor, record.subject_id, "inspection", inspection_id)
        if record.status != COMPLETED:
            raise _not_found("inspection", inspection_id)
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
    name = f"inspection-{inspection_id}-{language}.{format}"
    with db.transaction() as session:
        subject = _own_subject(
            session, actor, get_or_raise(session, inspection_id).subject_id, "inspection", 0
        )
        printed = forms.issue_form(
            session, inspection_id, format, language, issued_by=actor.username, now=now, catalogue=catalogue
        )
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


# Remediation reports --------------------------------------------------------------------------------------


def _violation(session: Session, violation_id: int) -> tuple[ViolationRecord, InspectionRecord] | None:
    violation = violation_by_id(session, violation_id)
    if violation is None:
        return None
    return violation, get_or_raise(session, violation.inspection_id)


def submit_remediation(
    db: Database,
    actor: Actor,
    violation_id: int,
    text: str,
    files: Sequence[tuple[str, bytes]] = (),
    *,
    settings: Settings | None = None,
    limits: AttachmentLimits | None = None,
    now: datetime | None = None,
) -> RemediationRecord:
    """The subject reports what it did about one open violation of its own: text and files (checked and
    kept as inspection attachments are: the same limits, named by their SHA-256). One report waits for
    review at a time. Audited as `remediation.submit`; `remediation_report_submitted` runs in the same
    transaction."""
    actor.require(REPORT)
    words = text.strip()
    if not words or len(words) > MAX_REPORT_TEXT:
        refused = PortalError(f"the report needs 1 to {MAX_REPORT_TEXT} characters of text")
        raise refused.saying("portal.error.text", limit=MAX_REPORT_TEXT)
    checked = [(checked_file(name, content, limits), content) for name, content in files]
    most = (limits or AttachmentLimits()).max_files
    if len(checked) > most:
        too_many = AttachmentRefused(f"a report takes at most {most} files")
        raise too_many.saying("refusal.attachment.count", inspection=violation_id, limit=most)
    stamp = now or datetime.now(UTC)
    with db.transaction() as session:
        found = _violation(session, violation_id)
        if found is None:
            raise _not_found("violation", violation_id)
        violation, inspection = found
        subject = _own_subject(session, actor, inspection.subject_id, "violation", violation_id)
        actor.require_own(REPORT, subject.bin)
        if violation.status != OPEN or inspection.superseded_by_id is not None:
            refused = PortalError(f"violation {violation_id} is not open: there is nothing to report")
            raise refused.saying("portal.error.not_open")
        if any(
            r.status == SUBMITTED
            for r in reports_of_subjects(session, [subject.id])
            if r.violation_id == violation_id
        ):
            refused = PortalError(f"a report on violation {violation_id} is waiting for review already")
            raise refused.saying("portal.error.pending")
        kept = [keep(file, None, content, settings) for file, content in checked]
        report = add_report(
            session,
            violation_id=violation_id,
            inspection_id=inspection.id,
            subject_id=subject.id,
            item=violation.item,
            text=words,
            files=kept,
            by=actor.username,
            now=stamp,
        )
        after = {
            "violation": violation_id,
            "inspection": inspection.id,
            "item": violation.item,
            "bin": subject.bin,
            "text": words,
            "files": [{"file_name": f.file_name, "size": f.size, "sha256": f.sha256} for f in report.files],
        }
        audit.record(
            session,
            actor,
            "remediation.submit",
            ENTITY,
            report.id,
            region=subject.region,
            after=after,
            now=now,
        )
        remediation_report_submitted(session, report, subject)
    return report


def review_remediation(
    db: Database,
    actor: Actor,
    report_id: int,
    *,
    accept: bool,
    reason: str,
    today: date | None = None,
    now: datetime | None = None,
) -> RemediationRecord:
    """Accept or reject a report waiting for review, with a reason (required to reject). An accepted report
    closes its violation (eliminated on `today`). Audited as `remediation.accept` or `remediation.reject`
    with the violation as it is now."""
    actor.require(REVIEW)
    words = reason.strip()
    if (not accept and not words) or len(words) > MAX_REPORT_TEXT:
        refused = PortalError("give the reason for the decision")
        raise refused.saying("portal.error.reason", limit=MAX_REPORT_TEXT)
    day, stamp = today or today_utc(), now or datetime.now(UTC)
    with db.transaction() as session:
        report = get_report(session, report_id, lock=True)
        if report is None:
            raise _not_found("report", report_id)
        subject = get_subject(session, report.subject_id)
        assert subject is not None
        actor.require(REVIEW, subject.region)
        if report.status != SUBMITTED:
            refused = PortalError(f"report {report_id} is {report.status} already")
            raise refused.saying("portal.error.reviewed", report=report_id)
        decided = review_report(
            session,
            report_id,
            status=ACCEPTED if accept else REJECTED,
            reason=words,
            by=actor.username,
            now=stamp,
        )
        after: dict[str, object] = {"violation": report.violation_id, "item": report.item, "reason": words}
        if accept:
            inspection = get_or_raise(session, report.inspection_id)
            eliminated_on = max(day, inspection.inspected_on or day)
            closed = update_violation(
                session,
                report.inspection_id,
                report.item,
                {"status": "eliminated", "eliminated_on": eliminated_on},
                by=actor.username,
                now=stamp,
            )
            after |= {
                "status": closed.status,
                "eliminated_on": closed.eliminated_on,
                "version": closed.version,
            }
        action = "remediation.accept" if accept else "remediation.reject"
        audit.record(session, actor, action, ENTITY, report_id, region=subject.region, after=after, now=now)
    return decided


@dataclass(frozen=True)
class ReportView:
    report: RemediationRecord
    subject: SubjectRecord
    inspection: InspectionRecord


def remediation_report(db: Database, actor: Actor, report_id: int) -> ReportView:
    """One report: for its subject's account, or for a reviewer of its subject's region; NotFound else."""
    with db.reading() as session:
        report = get_report(session, report_id)
        if report is None:
            raise _not_found("report", report_id)
        subject = get_subject(session, report.subject_id)
        assert subject is not None
        if not _may_see(actor, subject):
            raise _not_found("report", report_id)
        return ReportView(report, subject, get_or_raise(session, report.inspection_id))


def _may_see(actor: Actor, subject: SubjectRecord) -> bool:
    return actor.can(OWN, bin=subject.bin) or actor.can(REVIEW, subject.region)


def reports_to_review(db: Database, actor: Actor) -> list[ReportView]:
    """The reports waiting for review, of the actor's region (an inspector) or of all regions."""
    actor.require(REVIEW)
    with db.reading() as session:
        views = []
        for report in reports_with_status(session, SUBMITTED):
            subject = get_subject(session, report.subject_id)
            if subject is not None and actor.can(REVIEW, subject.region):
                views.append(ReportView(report, subject, get_or_raise(session, report.inspection_id)))
    return views


def remediation_file(
    db: Database, actor: Actor, report_id: int, file_id: int, settings: Settings | None = None
) -> tuple[RemediationFileRecord, Path]:
    """A file of a report the actor may see, and where it is kept; NotFound else."""
    view = remediation_report(db, actor, report_id)
    found = next((f for f in view.report.files if f.id == file_id), None)
    if found is None:
        raise _not_found("file", file_id)
    return found, Path((settings or Settings.from_environment()).attachments_dir) / found.stored_as


def file_reports(db: Database, actor: Actor, sha256: str) -> list[int]:
    """The reports (ids) holding a file with this SHA-256 that the actor may see."""
    with db.reading() as session:
        found = file_by_hash(session, sha256.strip().lower())
        subjects = {subject_id: get_subject(session, subject_id) for _, subject_id in found}
    return sorted(
        {
            f.report_id
            for f, subject_id in found
            if (s := subjects[subject_id]) is not None and _may_see(actor, s)
        }
    )


__all__ = [
    "MAX_REPORT_TEXT",
    "ListEntry",
    "NotFound",
    "Organisation",
    "PermissionDenied",
    "PortalError",
    "ReportView",
    "ViolationItem",
    "file_reports",
    "my_organisation",
    "own_inspection",
    "print_own_inspection",
    "remediation_file",
    "remediation_report",
    "reports_to_review",
    "review_remediation",
    "submit_remediation",
]
