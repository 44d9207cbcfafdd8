"""Inspections for people: the use cases of `tekseru.services.inspections` and `checklists` given the
`Actor`.

An inspector reads and changes the inspections of the subjects of its own region only; a viewer reads. Any
other access is refused (`PermissionDenied`) before anything is changed. Each change and its audit entry
(entity `inspection`, keyed by the inspection's id, with its subject's region) are written in one
transaction, so that a change that fails (answering a completed inspection) leaves no entry either.
Printed and verified forms are in `tekseru.services.inspection_forms`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tekseru.services import audit, checklists
from tekseru.services import inspections as flow
from tekseru.services.permissions import Actor, Permission
from tekseru.settings import Settings
from tekseru.store import Database, SubjectRecord
from tekseru.store import inspections as store
from tekseru.store.inspections import AttachmentRecord
from tekseru.store.subjects import get_subject

if TYPE_CHECKING:  # Unpack is in typing from Python 3.12; annotations are not evaluated at run time
    from typing_extensions import Unpack

READ, WRITE = Permission.READ_INSPECTIONS, Permission.WRITE_INSPECTIONS
ENTITY = "inspection"


class AttachmentNotFound(flow.InspectionError, LookupError):
    """The inspection has no attachment with this id."""


def region_of(session: Session, inspection_id: int) -> str:
    """The region of the inspection's subject, which decides who may see and change it; InspectionNotFound."""
    subject = get_subject(session, store.get_or_raise(session, inspection_id).subject_id)
    assert subject is not None, "an inspection's subject is never deleted"
    return subject.region


@dataclass
class _Change:
    """A change of an inspection under way: its transaction, and what its audit entry keeps (`after`), which
    the use case sets once it knows the outcome."""

    session: Session
    after: Mapping[str, Any] | None = None


@contextmanager
def _changing(
    db: Database, actor: Actor, inspection_id: int, action: str, now: datetime | None
) -> Iterator[_Change]:
    """The transaction of a change of the inspection, once the actor is known to be allowed to change
    inspections in its subject's region. The audit entry `action` is written here at the end, so that no
    change goes unaudited; a change that raises leaves no entry, as nothing of its transaction is kept."""
    actor.require(WRITE)
    with db.transaction() as session:
        region = region_of(session, inspection_id)
        actor.require(WRITE, region)
        change = _Change(session)
        yield change
        assert change.after is not None, f"{action}: the use case sets what its audit entry keeps"
        record_change(session, actor, action, inspection_id, region, change.after, now)


def record_change(
    session: Session,
    actor: Actor,
    action: str,
    inspection_id: int,
    region: str,
    after: Mapping[str, Any],
    now: datetime | None = None,
) -> None:
    """The audit entry of a change of the inspection, in the transaction of the change."""
    audit.record(session, actor, action, ENTITY, inspection_id, region=region, after=after, now=now)


# Reading --------------------------------------------------------------------------------------------------


def list_inspections(
    db: Database,
    actor: Actor,
    *,
    bin: str | None = None,
    status: str | None = None,
    region: str | None = None,
    include_superseded: bool = False,
) -> list[tuple[flow.InspectionRecord, SubjectRecord]]:
    """(inspection, subject) pairs of `region` (an inspector: its own region), by id."""
    scope = actor.scoped_region(READ, region)
    found = flow.list_inspections(db, bin=bin or None, status=status, include_superseded=include_superseded)
    return [(record, subject) for record, subject in found if scope is None or subject.region == scope]


def inspection_sheet(
    db: Database,
    actor: Actor,
    inspection_id: int,
    *,
    language: str = "kk",
    permission: Permission = READ,
) -> checklists.InspectionSheet:
    """The inspection item by item, when the actor may `permission` (read, or write to answer it) in its
    subject's region."""
    actor.require(permission)
    sheet = checklists.inspection_sheet(db, inspection_id, language=language)
    actor.require(permission, sheet.subject.region)
    return sheet


def attachment(db: Database, actor: Actor, inspection_id: int, attachment_id: int) -> AttachmentRecord:
    """A file attached to the inspection (to find with `checklists.attachment_path`); AttachmentNotFound."""
    sheet = inspection_sheet(db, actor, inspection_id)
    files = [*sheet.attachments, *(file for item in sheet.items for file in item.attachments)]
    found = next((file for file in files if file.id == attachment_id), None)
    if found is None:
        raise AttachmentNotFound(f"inspection {inspection_id} has no attachment {attachment_id}")
    return found


def subject_to_inspect(db: Database, actor: Actor, bin: str | None) -> SubjectRecord | None:
    """The subject of a new inspection (None with no BIN), when the actor may record inspections (of its
    region); SubjectNotFound."""
    actor.require(WRITE)
    if not bin or not bin.strip():
        return None
    with db.transaction() as session:
        subject = flow.subject_of(session, bin)
    actor.require(WRITE, subject.region)
    return subject


# Recording, answering, completing, correcting, following up ----------------------------------------------


def inspection_values(record: flow.InspectionRecord) -> dict[str, Any]:
    """What the audit log keeps of an inspection (a revision): its whole record."""
    return asdict(record)


def create_inspection(
    db: Database,
    actor: Actor,
    bin: str,
    header: flow.InspectionHeader,
    *,
    appendix: int | None = None,
    now: datetime | None = None,
) -> flow.InspectionRecord:
    """Record a draft inspection of the subject with this BIN (`inspections.create_inspection_in`) by the
    actor; audited as `inspection.create`."""
    actor.require(WRITE)
    with db.transaction() as session:
        region = flow.subject_of(session, bin).region
        actor.require(WRITE, region)
        record = flow.create_inspection_in(
            session, bin, header, created_by=actor.username, appendix=appendix, now=now
        )
        after = inspection_values(record)
        record_change(session, actor, "inspection.create", record.id, region, after, now)
    return record


def answer_items(
    db: Database,
    actor: Actor,
    inspection_id: int,
    answers: Sequence[flow.AnswerRow],
    *,
    source: str = "answers",
    now: datetime | None = None,
) -> dict[int, int]:
    """Answer items of a draft (`inspections.answer_items_in`); the new version of each, by item; a stale
    version raises StaleVersion with nothing stored. Audited as `inspection.answer` with the answers by
    item."""
    with _changing(db, actor, inspection_id, "inspection.answer", now) as change:
        versions = flow.answer_items_in(
            change.session, inspection_id, answers, answered_by=actor.username, source=source, now=now
        )
        given = {str(row.item).strip(): row.answer.strip() for row in answers}
        change.after = {"answers": given}
    return versions


def attach_file(
    db: Database,
    actor: Actor,
    inspection_id: int,
    file_name: str,
    content: bytes,
    *,
    item: int | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> AttachmentRecord:
    """Attach a file to a draft, to one `item` or to the whole inspection (`checklists.attach_file_in`).
    Audited as `inspection.attach` with the file's name, size and SHA-256."""
    with _changing(db, actor, inspection_id, "inspection.attach", now) as change:
        added = checklists.attach_file_in(
            change.session,
            inspection_id,
            file_name,
            content,
            added_by=actor.username,
            item=item,
            settings=settings,
            now=now,
        )
        change.after = {
            "id": added.id,
            "item": added.item,
            "file_name": added.file_name,
            "media_type": added.media_type,
            "size": added.size,
            "sha256": added.sha256,
        }
    return added


def complete_inspection(
    db: Database,
    actor: Actor,
    inspection_id: int,
    *,
    inspected_on: date | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> flow.CompletionReport:
    """Complete a draft (`inspections.complete_inspection_in`). Audited as `inspection.complete` with the
    items found non-compliant (`violations`) and the evidence it made."""
    with _changing(db, actor, inspection_id, "inspection.complete", now) as change:
        report = flow.complete_inspection_in(
            change.session,
            inspection_id,
            completed_by=actor.username,
            inspected_on=inspected_on,
            today=today,
            now=now,
        )
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
) -> flow.InspectionRecord:
    """Start a correction of a completed inspection: a new draft revision (`revise_inspection_in`). Audited
    as `inspection.revise` of the corrected inspection, with the new revision."""
    with _changing(db, actor, inspection_id, "inspection.revise", now) as change:
        new = flow.revise_inspection_in(
            change.session,
            inspection_id,
            reason=reason,
            created_by=actor.username,
            corrections=corrections,
            now=now,
        )
        change.after = inspection_values(new)
    return new


def follow_up(
    db: Database,
    actor: Actor,
    inspection_id: int,
    item: int,
    *,
    today: date | None = None,
    now: datetime | None = None,
    version: int | None = None,
    **given: Unpack[flow.ViolationChanges],
) -> flow.ViolationView:
    """Set the deadline, status or note of the violation found in `item` (`inspections.follow_up_in`);
    with `version`, only while it is the stored one (else StaleVersion). Audited as `violation.follow_up`
    of the inspection, with the violation as it is now."""
    with _changing(db, actor, inspection_id, "violation.follow_up", now) as change:
        view = flow.follow_up_in(
            change.session,
            inspection_id,
            item,
            by=actor.username,
            today=today,
            now=now,
            version=version,
            **given,
        )
        violation = view.record
        change.after = {
            "item": item,
            "status": view.status,
            "deadline": violation.deadline,
            "eliminated_on": violation.eliminated_on,
            "note": violation.note,
            "version": violation.version,
        }
    return view
