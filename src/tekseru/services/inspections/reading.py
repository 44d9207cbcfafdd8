"""Reading inspections: the list, one inspection item by item, its files, the subject of a new one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.services.inspections import sheet
from tekseru.services.inspections.access import READ, WRITE, AttachmentNotFound, region_of
from tekseru.services.inspections.rules import (
    SubjectNotFound,
    ViolationView,
    subject_of,
    violation_status,
)
from tekseru.services.inspections.sheet import InspectionSheet
from tekseru.services.permissions import Actor, Permission
from tekseru.store import Database, SubjectRecord
from tekseru.store.documents_store import inspections_with_subjects_after
from tekseru.store.inspections import (
    AttachmentRecord,
    InspectionRecord,
    attachments_of,
    get_or_raise,
    violations_of,
)
from tekseru.store.subjects import find_subject_by_bin
from tekseru.store.workflow import origins_of


def list_inspections(
    db: Database,
    actor: Actor,
    *,
    bin: str | None = None,
    status: str | None = None,
    region: str | None = None,
    include_superseded: bool = False,
    number: str | None = None,
) -> list[tuple[InspectionRecord, SubjectRecord]]:
    """(inspection, subject) pairs of `region` (an inspector: its own region), by id; superseded revisions
    only with `include_superseded`; with `number`, those whose inspection number (region-year-sequence)
    contains it, in any case; SubjectNotFound for a BIN not in the registry."""
    return list(
        iter_inspections(
            db,
            actor,
            bin=bin,
            status=status,
            region=region,
            include_superseded=include_superseded,
            number=number,
        )
    )


PAGE = 1000  # inspections read at a time by `iter_inspections` and `iter_violations`


def iter_inspections(
    db: Database,
    actor: Actor,
    *,
    bin: str | None = None,
    status: str | None = None,
    region: str | None = None,
    include_superseded: bool = False,
    number: str | None = None,
    page: int | None = None,
) -> Iterator[tuple[InspectionRecord, SubjectRecord]]:
    """What `list_inspections` lists, in its order, read `page` inspections at a time as the iterator is
    consumed (in one reading), so that a file of any length never holds them all. The actor's region and
    the BIN are checked now, before the first is read (SubjectNotFound)."""
    scope, size = actor.scoped_region(READ, region), page or PAGE
    subject_id = _subject_id(db, bin)
    needle = number.strip().upper() if number and number.strip() else None

    def pairs() -> Iterator[tuple[InspectionRecord, SubjectRecord]]:
        with db.reading() as session:
            for found in _pages(session, subject_id, status, not include_superseded, scope, size):
                if needle is not None:
                    numbers = inspection_numbers_in(session, [record for record, _ in found])
                    found = [pair for pair in found if needle in numbers.get(pair[0].id, "")]
                yield from found

    return pairs()


def _subject_id(db: Database, bin: str | None) -> int | None:
    wanted = bin.strip() if bin and bin.strip() else None
    if wanted is None:
        return None
    with db.reading() as session:
        subject = find_subject_by_bin(session, wanted)
    if subject is None:
        refused = SubjectNotFound(f"no subject with BIN {bin} is in the registry")
        raise refused.saying("refusal.subject.not_found", bin=bin)
    return subject.id


def _pages(
    session: Session,
    subject_id: int | None,
    status: str | None,
    current_only: bool,
    region: str | None,
    page: int,
) -> Iterator[list[tuple[InspectionRecord, SubjectRecord]]]:
    after = 0
    while True:
        found = inspections_with_subjects_after(
            session,
            after,
            page,
            subject_id=subject_id,
            status=status,
            current_only=current_only,
            region=region,
        )
        if found:
            yield found
        if len(found) < page:
            return
        after = found[-1][0].id


def inspection_numbers_in(session: Session, records: Iterable[InspectionRecord]) -> dict[int, str]:
    """The printed numbers (region-year-sequence) of these inspections by id; each revision has the number
    of its series. One recorded before inspections were numbered has none."""
    wanted = list(records)
    origins = origins_of(session, {record.series_id for record in wanted})
    return {record.id: origins[record.series_id].number for record in wanted if record.series_id in origins}


def inspection_numbers(db: Database, actor: Actor, records: Iterable[InspectionRecord]) -> dict[int, str]:
    """`inspection_numbers_in` for a reader of inspections (the records come from `list_inspections`)."""
    actor.require(READ)
    with db.transaction() as session:
        return inspection_numbers_in(session, records)


VIOLATION_FILTERS = ("open", "eliminated", "overdue")


def list_violations(
    db: Database,
    actor: Actor,
    *,
    bin: str | None = None,
    status: str | None = None,
    region: str | None = None,
    today: date,
) -> list[tuple[ViolationView, SubjectRecord]]:
    """The violations found by the current completed inspections, each with its follow-up and its status
    on `today` (open, eliminated, overdue), by inspection and item: of `region` (an inspector: its own),
    of one subject (`bin`), and of a `status`: open (overdue ones too), eliminated or overdue."""
    if status is not None and status not in VIOLATION_FILTERS:
        raise ValueError(f"status: one of {', '.join(VIOLATION_FILTERS)}, not {status!r}")
    found = list_inspections(db, actor, bin=bin, status="completed", region=region)
    by_id = {record.id: (record, subject) for record, subject in found}
    with db.reading() as session:
        violations = violations_of(session, by_id)
    day = today
    chosen = []
    for violation in sorted(violations, key=lambda one: (one.inspection_id, one.item)):
        record, subject = by_id[violation.inspection_id]
        view = ViolationView(violation, violation_status(violation, day), record)
        if status is None or status in (violation.status, view.status):
            chosen.append((view, subject))
    return chosen


def iter_violations(
    db: Database,
    actor: Actor,
    *,
    bin: str | None = None,
    status: str | None = None,
    region: str | None = None,
    today: date,
    page: int | None = None,
) -> Iterator[tuple[ViolationView, SubjectRecord]]:
    """What `list_violations` lists, in its order, read a page of inspections (and their violations) at a
    time as the iterator is consumed; the filters, the region and the BIN are checked now."""
    if status is not None and status not in VIOLATION_FILTERS:
        raise ValueError(f"status: one of {', '.join(VIOLATION_FILTERS)}, not {status!r}")
    scope, size = actor.scoped_region(READ, region), page or PAGE
    subject_id = _subject_id(db, bin)
    day = today

    def views() -> Iterator[tuple[ViolationView, SubjectRecord]]:
        with db.reading() as session:
            for found in _pages(session, subject_id, "completed", True, scope, size):
                by_id = {record.id: (record, subject) for record, subject in found}
                for violation in sorted(
                    violations_of(session, by_id), key=lambda one: (one.inspection_id, one.item)
                ):
                    record, subject = by_id[violation.inspection_id]
                    view = ViolationView(violation, violation_status(violation, day), record)
                    if status is None or status in (violation.status, view.status):
                        yield view, subject

    return views()


def inspection_sheet(
    db: Database,
    actor: Actor,
    inspection_id: int,
    *,
    language: str = "kk",
    permission: Permission = READ,
    today: date,
    catalogue: Catalogue,
) -> InspectionSheet:
    """The inspection item by item, when the actor may `permission` (read, or write to answer it) in its
    subject's region."""
    actor.require(permission)
    found = sheet.inspection_sheet(db, inspection_id, language=language, today=today, catalogue=catalogue)
    actor.require(permission, found.subject.region)
    return found


def attachment(db: Database, actor: Actor, inspection_id: int, attachment_id: int) -> AttachmentRecord:
    """A file attached to the inspection (to find with `attachment_path`); AttachmentNotFound."""
    actor.require(READ)
    with db.transaction() as session:
        actor.require(READ, region_of(session, inspection_id))
        files = attachments_of(session, inspection_id)
    found = next((file for file in files if file.id == attachment_id), None)
    if found is None:
        refused = AttachmentNotFound(f"inspection {inspection_id} has no attachment {attachment_id}")
        raise refused.saying(
            "refusal.attachment.not_found", inspection=inspection_id, attachment=attachment_id
        )
    return found


def subject_to_inspect(db: Database, actor: Actor, bin: str | None) -> SubjectRecord | None:
    """The subject of a new inspection (None with no BIN), when the actor may record inspections (of its
    region); SubjectNotFound."""
    actor.require(WRITE)
    if not bin or not bin.strip():
        return None
    with db.transaction() as session:
        subject = subject_of(session, bin)
    actor.require(WRITE, subject.region)
    return subject


def get_inspection(db: Database, actor: Actor, inspection_id: int) -> InspectionRecord:
    """The inspection (a revision), when the actor may read inspections of its subject's region;
    InspectionNotFound."""
    actor.require(READ)
    with db.transaction() as session:
        actor.require(READ, region_of(session, inspection_id))
        return get_or_raise(session, inspection_id)
