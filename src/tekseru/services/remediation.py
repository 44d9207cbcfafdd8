"""Remediation reports (docs/subjects.md): a subject submits one per open violation of its own, with files
kept as inspection attachments are; a reviewer of the subject's region accepts it (closing the violation)
or rejects it with a reason. Each change audited in its own transaction. Interfaces use these through
`tekseru.services.portal`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from tekseru.services import audit
from tekseru.services.inspections.attachments import AttachmentLimits, AttachmentRefused, checked_file, keep
from tekseru.services.permissions import Actor
from tekseru.services.portal_rules import (
    ENTITY,
    MAX_REPORT_TEXT,
    OWN,
    REPORT,
    REVIEW,
    PortalError,
    not_found,
    own_subject,
)
from tekseru.services.remediation_notices import remediation_report_submitted
from tekseru.settings import Settings
from tekseru.store import Database, SubjectRecord
from tekseru.store.inspection_edits import update_violation
from tekseru.store.inspection_models import OPEN
from tekseru.store.inspections import (
    InspectionRecord,
    ViolationRecord,
    get_or_raise,
    violations_of,
)
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
from tekseru.store.subjects import get_subject

# Remediation reports --------------------------------------------------------------------------------------


def _violation(session: Session, violation_id: int) -> tuple[ViolationRecord, InspectionRecord] | None:
    violation = next(iter(violations_of(session, [violation_id], by_id=True)), None)
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
            raise not_found("violation", violation_id)
        violation, inspection = found
        subject = own_subject(session, actor, inspection.subject_id, "violation", violation_id)
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
    today: date,
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
    day, stamp = today, now or datetime.now(UTC)
    with db.transaction() as session:
        report = get_report(session, report_id, lock=True)
        if report is None:
            raise not_found("report", report_id)
        subject = get_subject(session, report.subject_id)
        assert subject is not None
        actor.require(REVIEW, subject.region)
        if report.status != SUBMITTED:
            refused = PortalError(f"report {report_id} is {report.status} already")
            raise refused.saying("portal.error.reviewed", report=report_id, by=report.reviewed_by or "")
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
            raise not_found("report", report_id)
        subject = get_subject(session, report.subject_id)
        assert subject is not None
        if not _may_see(actor, subject):
            raise not_found("report", report_id)
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
        raise not_found("file", file_id)
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
