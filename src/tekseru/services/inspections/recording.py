"""Recording, answering, attaching files to, completing, correcting and following up inspections: each change
permission-checked and audited in its own transaction (`access.changing`); the rules they apply are in
`rules`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.services import audit
from tekseru.services.inspections.access import ENTITY, WRITE, changing, record_change
from tekseru.services.inspections.answers import AnswerRow, check_answers, expected_versions
from tekseru.services.inspections.attachments import (
    AttachmentLimits,
    AttachmentRefused,
    checked_file,
    keep,
    without_location,
)
from tekseru.services.inspections.rules import (
    PREVENTIVE_CONTROL,
    UNPLANNED_REASONS,
    CompletionReport,
    InspectionHeader,
    ViolationChanges,
    ViolationView,
    check_complete,
    check_follow_up,
    check_header,
    checklist_groups,
    edition_of,
    evidence_of,
    header_values,
    subject_of,
    violation_changes,
    violation_status,
)
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import Database, SubjectRecord
from tekseru.store.inspection_edits import set_answers, update_violation
from tekseru.store.inspections import (
    AttachmentRecord,
    InspectionData,
    InspectionError,
    InspectionRecord,
    add_attachment,
    add_inspection,
    add_violations,
    answers_of,
    attachments_of,
    copy_parts,
    draft_or_raise,
    get_or_raise,
    pending_revision,
    replace_evidence,
    revisions,
    use_evidence_for_visit,
)
from tekseru.store.inspections import complete as mark_completed
from tekseru.store.workflow import add_origin

if TYPE_CHECKING:  # Unpack is in typing from Python 3.12; annotations are not evaluated at run time
    from typing_extensions import Unpack


def inspection_values(record: InspectionRecord) -> dict[str, Any]:
    """What the audit log keeps of an inspection (a revision): its whole record."""
    return asdict(record)


def create_inspection(
    db: Database,
    actor: Actor,
    bin: str,
    header: InspectionHeader,
    *,
    appendix: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
    catalogue: Catalogue,
) -> InspectionRecord:
    """Record a draft inspection of the subject with this BIN by the actor, on the checklist of its group
    (`appendix` when its groups have several), under the edition of the act in force on the act's date,
    numbered (region, year, sequence); `reason` says why an unplanned visit is made (UNPLANNED_REASONS).
    Audited as `inspection.create` with its number."""
    actor.require(WRITE)
    if reason is not None and reason not in UNPLANNED_REASONS:
        refused = InspectionError(f"unknown reason {reason!r}; use one of {', '.join(UNPLANNED_REASONS)}")
        raise refused.saying("refusal.inspection.unplanned_reason", reason=repr(reason))
    with db.transaction() as session:
        subject = subject_of(session, bin)
        actor.require(WRITE, subject.region)
        record = record_new(session, actor, subject, header, appendix, now, catalogue, reason=reason)
    return record


def record_new(
    session: Session,
    actor: Actor,
    subject: SubjectRecord,
    header: InspectionHeader,
    appendix: int | None,
    now: datetime | None,
    catalogue: Catalogue,
    *,
    plan_id: int | None = None,
    plan_rank: int | None = None,
    reason: str | None = None,
) -> InspectionRecord:
    """A new draft of the subject, numbered, with where it came from, and its audit entry; in the caller's
    transaction, once the actor may record inspections of the subject's region."""
    check_header(header)
    edition = catalogue.edition_at(header.act_date)
    checklist, groups = checklist_groups(edition, subject.groups, appendix)
    data = InspectionData(subject.id, edition.id, checklist, tuple(groups), **header_values(header))
    stamp = now or datetime.now(UTC)
    record = add_inspection(session, data, created_by=actor.username, now=stamp)
    origin = add_origin(
        session,
        record.id,
        region=subject.region,
        region_code=catalogue.regions.code_of(subject.region),
        year=header.act_date.year,
        plan_id=plan_id,
        plan_rank=plan_rank,
        reason=reason,
        now=stamp,
    )
    after = inspection_values(record) | {
        "number": origin.number,
        "plan_id": plan_id,
        "plan_rank": plan_rank,
        "unplanned_reason": reason,
    }
    record_change(session, actor, "inspection.create", record.id, subject.region, after, now)
    return record


def answer_items(
    db: Database,
    actor: Actor,
    inspection_id: int,
    answers: Sequence[AnswerRow],
    *,
    source: str = "answers",
    now: datetime | None = None,
    catalogue: Catalogue,
) -> dict[int, int]:
    """Answer items of a draft (an answer replaces the item's earlier one); AnswerFileError naming `source`,
    row and field of every problem, with nothing stored. A row that names the `version` it read is written
    only while that is still the stored one, else StaleVersion naming every item changed since, with
    nothing stored. The new version of each item answered, by item. Audited as `inspection.answer` with
    the answers by item."""
    with changing(db, actor, inspection_id, "inspection.answer", now) as change:
        record = draft_or_raise(change.session, inspection_id, "answer it")
        rows = check_answers(answers, edition_of(catalogue, record).checklist(record.appendix), source)
        stamp, expected = now or datetime.now(UTC), expected_versions(answers)
        versions = set_answers(
            change.session, inspection_id, rows, answered_by=actor.username, now=stamp, expected=expected
        )
        given = {str(row.item).strip(): row.answer.strip() for row in answers}
        change.after = {"answers": given}
        if deadlines := {str(row.item): row.deadline for row in rows if row.deadline is not None}:
            change.after["deadlines"] = deadlines
    return versions


def attach_file(
    db: Database,
    actor: Actor,
    inspection_id: int,
    file_name: str,
    content: bytes,
    *,
    item: int | None = None,
    keep_location: bool = False,
    settings: Settings | None = None,
    limits: AttachmentLimits | None = None,
    now: datetime | None = None,
    catalogue: Catalogue,
) -> AttachmentRecord:
    """Attach a file to a draft, to one `item` or to the whole inspection (a completed one refuses:
    InspectionFrozen). The client's name is sanitised (its path ignored), the content checked against
    `limits` (AttachmentRefused); a photo loses where it was taken (EXIF GPS, XMP) unless `keep_location`;
    what is kept is kept under its SHA-256. Audited as `inspection.attach` with the file's name, size,
    SHA-256 and whether the location was kept."""
    with changing(db, actor, inspection_id, "inspection.attach", now) as change:
        file = checked_file(file_name, content, limits)
        record = draft_or_raise(change.session, inspection_id, "attach files to it")
        if not keep_location:
            file, content = without_location(file, content)
        checklist = edition_of(catalogue, record).checklist(record.appendix)
        if item is not None and item not in {i.number for i in checklist.items}:
            refused = InspectionError(f"Appendix {record.appendix} has no item {item}")
            raise refused.saying("refusal.attachment.item", appendix=record.appendix, item=item)
        most = file.limits.max_files
        if len(attachments_of(change.session, inspection_id)) >= most:
            refused = AttachmentRefused(f"inspection {inspection_id} has {most} files, the limit")
            raise refused.saying("refusal.attachment.count", inspection=inspection_id, limit=most)
        data = keep(file, item, content, settings)
        stamp = now or datetime.now(UTC)
        added = add_attachment(change.session, inspection_id, data, added_by=actor.username, now=stamp)
        change.after = {
            "id": added.id,
            "item": added.item,
            "file_name": added.file_name,
            "media_type": added.media_type,
            "size": added.size,
            "sha256": added.sha256,
            "location_kept": keep_location,
        }
    return added


def complete_inspection(
    db: Database,
    actor: Actor,
    inspection_id: int,
    *,
    inspected_on: date | None = None,
    today: date,
    now: datetime | None = None,
    catalogue: Catalogue,
) -> CompletionReport:
    """Complete a draft whose every item is answered (else ChecklistIncomplete). Its non-compliant items
    linked to a criterion become evidence (observed on `inspected_on`, default today), each non-compliant
    item a violation to follow up; a revision replaces the evidence of the revision it corrects; a
    preventive control with a visit marks the unused evidence observed up to its act's date as used on the
    day of the visit. Audited as `inspection.complete` with the items found non-compliant (`violations`)
    and the evidence it made."""
    with changing(db, actor, inspection_id, "inspection.complete", now) as change:
        report = _complete(change.session, actor.username, inspection_id, inspected_on, today, now, catalogue)
        change.after = {
            "inspected_on": report.inspection.inspected_on,
            "violations": [violation.item for violation in report.violations],
            "evidence_created": report.evidence.created,
            "evidence_updated": report.evidence.updated,
            "evidence_removed": report.evidence_removed,
            "evidence_used": report.evidence_used,
            "unscored_items": list(report.unscored_items),
        } | audit.sealed(change.session, ENTITY, inspection_id)
    return report


def revise_inspection(
    db: Database,
    actor: Actor,
    inspection_id: int,
    *,
    reason: str,
    corrections: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> InspectionRecord:
    """Start a correction of a completed, current inspection: a new draft revision with its answers and
    attachments, and its header corrected by `corrections` (fields of InspectionHeader). Audited as
    `inspection.revise` of the corrected inspection, with the new revision."""
    with changing(db, actor, inspection_id, "inspection.revise", now) as change:
        new = _revise(change.session, actor.username, inspection_id, reason, corrections or {}, now)
        change.after = inspection_values(new)
    return new


def follow_up(
    db: Database,
    actor: Actor,
    inspection_id: int,
    item: int,
    *,
    today: date,
    now: datetime | None = None,
    version: int | None = None,
    **given: Unpack[ViolationChanges],
) -> ViolationView:
    """Set the remediation deadline, the status (open, or eliminated on `eliminated_on`, default today) or
    the note of the violation found in `item` by a completed, current inspection; with `version` (the one
    the actor read), only while it is the stored one (else StaleVersion). Audited as `violation.follow_up`
    of the inspection, with the violation as it is now."""
    with changing(db, actor, inspection_id, "violation.follow_up", now) as change:
        day = today
        changes = violation_changes(given, day)
        record = get_or_raise(change.session, inspection_id)
        check_follow_up(record, changes)
        stamp = now or datetime.now(UTC)
        violation = update_violation(
            change.session,
            inspection_id,
            item,
            changes,
            by=actor.username,
            now=stamp,
            expected_version=version,
        )
        view = ViolationView(violation, violation_status(violation, day), record)
        change.after = {
            "item": item,
            "status": view.status,
            "deadline": violation.deadline,
            "eliminated_on": violation.eliminated_on,
            "note": violation.note,
            "version": violation.version,
        }
    return view


def _complete(
    session: Session,
    by: str,
    inspection_id: int,
    inspected_on: date | None,
    today: date,
    now: datetime | None,
    catalogue: Catalogue,
) -> CompletionReport:
    day, stamp = today, now or datetime.now(UTC)
    visited = inspected_on or day
    record = draft_or_raise(session, inspection_id, "complete it again")
    if not record.act_date <= visited <= day:
        refused = InspectionError(f"the inspection date {visited} must be between the act's date and today")
        raise refused.saying("refusal.inspection.date", day=str(visited))
    answers = answers_of(session, inspection_id)
    check_complete(answers, edition_of(catalogue, record).checklist(record.appendix))
    done = mark_completed(session, inspection_id, inspected_on=visited, completed_by=by, now=stamp)
    found = [a for a in answers if a.answer == "non_compliant"]
    rows = [evidence_of(done, a.item, a.criterion) for a in found if a.criterion is not None]
    old = None if record.revises_id is None else get_or_raise(session, record.revises_id).origin
    counts, removed = replace_evidence(session, rows, replaces_origin=old, entered_by=by, entered_at=stamp)
    violations = add_violations(session, done, carried_from=record.revises_id, updated_by=by, now=stamp)
    used = 0
    if done.kind == PREVENTIVE_CONTROL:
        own = [revision.origin for revision in revisions(session, done)]
        used = use_evidence_for_visit(
            session, done.subject_id, observed_up_to=done.act_date, used_on=visited, exclude_origins=own
        )
    unscored = tuple(a.item for a in found if a.criterion is None)
    return CompletionReport(done, counts, removed, used, tuple(violations), unscored)


def _revise(
    session: Session,
    by: str,
    inspection_id: int,
    reason: str,
    corrections: Mapping[str, Any],
    now: datetime | None,
) -> InspectionRecord:
    unknown = set(corrections) - {f.name for f in fields(InspectionHeader)}
    if not reason.strip() or unknown:
        if unknown:
            refused = InspectionError(f"unknown header fields {sorted(unknown)}")
            raise refused.saying("refusal.inspection.unknown_fields", fields=", ".join(sorted(unknown)))
        raise InspectionError("give a reason").saying("refusal.inspection.reason")
    record = get_or_raise(session, inspection_id, lock=True)
    if record.status != "completed" or record.superseded_by_id is not None:
        now_is = "a draft" if record.status != "completed" else f"superseded by {record.superseded_by_id}"
        refused = InspectionError(f"inspection {inspection_id} is {now_is}: it cannot be revised")
        if record.status != "completed":
            raise refused.saying("refusal.inspection.revise_draft", inspection=inspection_id)
        raise refused.saying(
            "refusal.inspection.revise_superseded", inspection=inspection_id, revision=record.superseded_by_id
        )
    pending = pending_revision(session, inspection_id)
    if pending is not None:
        refused = InspectionError(f"draft {pending.id} corrects inspection {inspection_id} already")
        raise refused.saying("refusal.inspection.pending", draft=pending.id, inspection=inspection_id)
    header = InspectionHeader(*(getattr(record, f.name) for f in fields(InspectionHeader)))
    header = replace(header, **corrections)
    check_header(header)
    data = InspectionData(**{f.name: getattr(record, f.name) for f in fields(InspectionData)})
    new = add_inspection(
        session,
        replace(data, **header_values(header)),
        created_by=by,
        now=now or datetime.now(UTC),
        revises=record,
        reason=reason,
    )
    copy_parts(session, record.id, new.id)
    return new
