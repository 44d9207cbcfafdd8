"""Use cases of inspections (docs/inspections.md): record, answer, complete, revise, follow up.

Each change is written for a session (`create_inspection_in`, `answer_items_in`, ...), so that
`tekseru.services.inspection_actions` runs it with the actor's permission and its audit entry in one
transaction; `create_inspection`, `answer_items`, ... run it in a transaction of its own, with no audit
entry. Answer files, attachments, the sheet and printed forms are the business of `checklists`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition, Checklist
from tekseru.catalog_files import load_catalogue
from tekseru.services.inspection_answers import ANSWERS as ANSWERS
from tekseru.services.inspection_answers import MAX_COMMENT as MAX_COMMENT
from tekseru.services.inspection_answers import AnswerFileError as AnswerFileError
from tekseru.services.inspection_answers import AnswerProblem as AnswerProblem
from tekseru.services.inspection_answers import AnswerRow as AnswerRow
from tekseru.services.inspection_answers import check_answers as check_answers
from tekseru.services.inspection_answers import expected_versions
from tekseru.services.transactions import in_transaction
from tekseru.store import Database, SubjectRecord, WriteCounts
from tekseru.store import inspection_edits as edits
from tekseru.store import inspections as store
from tekseru.store.documents_store import inspections_with_subjects
from tekseru.store.inspections import AnswerRecord, InspectionData
from tekseru.store.inspections import InspectionError as InspectionError
from tekseru.store.inspections import InspectionFrozen as InspectionFrozen
from tekseru.store.inspections import InspectionNotFound as InspectionNotFound
from tekseru.store.inspections import InspectionRecord as InspectionRecord
from tekseru.store.inspections import ViolationRecord as ViolationRecord
from tekseru.store.records import EvidenceData
from tekseru.store.subjects import find_subject_by_bin
from tekseru.store.versions import Conflict as Conflict
from tekseru.store.versions import StaleVersion as StaleVersion

if TYPE_CHECKING:  # Unpack is in typing from Python 3.12; annotations are not evaluated at run time
    from typing_extensions import Unpack

KINDS = ("preventive_control", "unscheduled_inspection", "compliance_inspection")
PREVENTIVE_CONTROL = KINDS[0]
# Information source 1 of the criteria: "results of previous inspections and of preventive control with a
# visit" (paragraph 8 of the criteria). Every checklist item linked to a criterion is in that source.
INSPECTION_SOURCE_GROUP = 1


@dataclass(frozen=True)
class InspectionHeader:
    """What the appointing act says: the kind of visit, the act's number and date, the inspectors."""

    kind: str
    act_number: str
    act_date: date
    inspectors: tuple[str, ...]
    planned_on: date | None = None


class SubjectNotFound(InspectionError, LookupError):
    """No subject with this BIN is in the registry."""


class ChecklistIncomplete(InspectionError):
    """Some items are unanswered, or required with no compliance marked: the inspection cannot complete."""


@dataclass(frozen=True)
class ViolationView:
    """A violation with its status on a day ("overdue": open past its deadline) and who found it."""

    record: ViolationRecord
    status: str
    found_by: InspectionRecord


@dataclass(frozen=True)
class CompletionReport:
    inspection: InspectionRecord
    evidence: WriteCounts
    evidence_removed: int  # rows of the revision this one replaces
    evidence_used: int  # rows marked used for this visit
    violations: tuple[ViolationRecord, ...]
    unscored_items: tuple[int, ...]  # non-compliant items with no criterion: kept, not scored


def today_utc() -> date:
    return datetime.now(UTC).date()


def violation_status(violation: ViolationRecord, today: date) -> str:
    """open, eliminated, or overdue (open with its deadline passed)."""
    if violation.status == "open" and violation.deadline is not None and violation.deadline < today:
        return "overdue"
    return violation.status


def _edition(catalogue: Catalogue | None, record: InspectionRecord) -> CatalogueEdition:
    return (catalogue or load_catalogue()).edition(record.edition_id)


# Recording ------------------------------------------------------------------------------------------------


def checklist_groups(
    edition: CatalogueEdition, groups: Sequence[str], appendix: int | None
) -> tuple[int, list[str]]:
    """The checklist appendix of an inspection of a subject in `groups`, and the groups it checks."""
    by_appendix: defaultdict[int, list[str]] = defaultdict(list)
    for key in (key for key in groups if key in edition.groups):
        by_appendix[edition.groups[key].checklist_appendix].append(key)
    if appendix is None and len(by_appendix) == 1:
        appendix = next(iter(by_appendix))
    if appendix is None or appendix not in by_appendix:
        known = ", ".join(f"Appendix {a} ({', '.join(g)})" for a, g in sorted(by_appendix.items()))
        raise InspectionError(f"choose the checklist of one of the subject's groups: {known or 'none'}")
    return appendix, sorted(by_appendix[appendix])


def _check_header(header: InspectionHeader) -> None:
    if header.kind not in KINDS:
        raise InspectionError(f"unknown kind {header.kind!r}; use one of {', '.join(KINDS)}")
    if not header.act_number.strip() or len(header.act_number) > 64:
        raise InspectionError("the act number must be 1 to 64 characters")
    if not header.inspectors or not all(name.strip() for name in header.inspectors):
        raise InspectionError("name at least one inspector")


def subject_of(session: Session, bin: str) -> SubjectRecord:
    """The subject of the registry with this BIN; SubjectNotFound."""
    subject = find_subject_by_bin(session, bin.strip())
    if subject is None:
        raise SubjectNotFound(f"no subject with BIN {bin} is in the registry: import it first")
    return subject


def create_inspection_in(
    session: Session,
    bin: str,
    header: InspectionHeader,
    *,
    created_by: str,
    appendix: int | None = None,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> InspectionRecord:
    """Record a draft inspection of the subject with this BIN, on the checklist of its group (`appendix`
    when its groups have several), under the edition of the act in force on the act's date."""
    _check_header(header)
    edition = (catalogue or load_catalogue()).edition_at(header.act_date)
    subject = subject_of(session, bin)
    checklist, groups = checklist_groups(edition, subject.groups, appendix)
    data = InspectionData(subject.id, edition.id, checklist, tuple(groups), **_header_values(header))
    return store.add_inspection(session, data, created_by=created_by, now=now or datetime.now(UTC))


def _header_values(header: InspectionHeader) -> dict[str, Any]:
    values = {f.name: getattr(header, f.name) for f in fields(header)}
    return values | {
        "act_number": header.act_number.strip(),
        "inspectors": tuple(map(str.strip, header.inspectors)),
    }


def answer_items_in(
    session: Session,
    inspection_id: int,
    answers: Sequence[AnswerRow],
    *,
    answered_by: str,
    source: str = "answers",
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> dict[int, int]:
    """Answer items of a draft (an answer replaces the item's earlier one); AnswerFileError naming `source`,
    row and field of every problem, with nothing stored. A row that names the `version` it read is written
    only while that is still the stored one; one without is written over the answer stored now, which is
    read in this transaction. StaleVersion naming every item changed since, with nothing stored. The new
    version of each item answered, by item."""
    record = store.draft_or_raise(session, inspection_id, "answer it")
    rows = check_answers(answers, _edition(catalogue, record).checklist(record.appendix), source)
    stamp = now or datetime.now(UTC)
    return edits.set_answers(
        session, inspection_id, rows, answered_by=answered_by, now=stamp, expected=expected_versions(answers)
    )


# Completion and revision ----------------------------------------------------------------------------------


def _check_complete(answers: Sequence[AnswerRecord], checklist: Checklist) -> None:
    given = {answer.item: answer.answer for answer in answers}
    missing = [item.number for item in checklist.items if item.number not in given]
    undecided = [item.number for item in checklist.items if given.get(item.number) == "required"]
    parts = [f"items not answered: {missing}"] if missing else []
    parts += [f"items required but not marked compliant or non-compliant: {undecided}"] if undecided else []
    if parts:
        raise ChecklistIncomplete("the checklist is not complete: " + "; ".join(parts))


def _evidence(done: InspectionRecord, item: int, criterion: int) -> EvidenceData:
    """The evidence a non-compliant item gives: confirmed by the inspection, observed on its day."""
    assert done.inspected_on is not None, "a completed inspection has a date"
    act = f"act № {done.act_number} of {done.act_date.isoformat()}"
    reference = f"inspection {done.id} ({act}), Appendix {done.appendix} item {item}"
    return EvidenceData(
        done.subject_id, criterion, INSPECTION_SOURCE_GROUP, done.inspected_on, reference, True, done.origin
    )


def complete_inspection_in(
    session: Session,
    inspection_id: int,
    *,
    completed_by: str,
    inspected_on: date | None = None,
    today: date | None = None,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> CompletionReport:
    """Complete a draft whose every item is answered. Its non-compliant items linked to a criterion become
    evidence (observed on `inspected_on`, default today), each non-compliant item a violation to follow up;
    a revision replaces the evidence of the revision it corrects; a preventive control with a visit marks
    the unused evidence observed up to its act's date as used on the day of the visit."""
    day, stamp = today or today_utc(), now or datetime.now(UTC)
    visited = inspected_on or day
    record = store.draft_or_raise(session, inspection_id, "complete it again")
    if not record.act_date <= visited <= day:
        raise InspectionError(f"the inspection date {visited} must be between the act's date and today")
    answers = store.answers_of(session, inspection_id)
    _check_complete(answers, _edition(catalogue, record).checklist(record.appendix))
    done = store.complete(session, inspection_id, inspected_on=visited, completed_by=completed_by, now=stamp)
    found = [a for a in answers if a.answer == "non_compliant"]
    rows = [_evidence(done, a.item, a.criterion) for a in found if a.criterion is not None]
    old = None if record.revises_id is None else store.get_or_raise(session, record.revises_id).origin
    counts, removed = store.replace_evidence(
        session, rows, replaces_origin=old, entered_by=completed_by, entered_at=stamp
    )
    violations = store.add_violations(
        session, done, carried_from=record.revises_id, updated_by=completed_by, now=stamp
    )
    used = 0
    if done.kind == PREVENTIVE_CONTROL:
        own = [revision.origin for revision in store.revisions(session, done)]
        used = store.use_evidence_for_visit(
            session, done.subject_id, observed_up_to=done.act_date, used_on=visited, exclude_origins=own
        )
    unscored = tuple(a.item for a in found if a.criterion is None)
    return CompletionReport(done, counts, removed, used, tuple(violations), unscored)


def revise_inspection_in(
    session: Session,
    inspection_id: int,
    *,
    reason: str,
    created_by: str,
    corrections: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> InspectionRecord:
    """Start a correction of a completed, current inspection: a new draft revision with its answers and
    attachments, and its header corrected by `corrections` (fields of InspectionHeader)."""
    unknown = set(corrections or {}) - {f.name for f in fields(InspectionHeader)}
    if not reason.strip() or unknown:
        raise InspectionError(f"unknown header fields {sorted(unknown)}" if unknown else "give a reason")
    record = store.get_or_raise(session, inspection_id, lock=True)
    if record.status != "completed" or record.superseded_by_id is not None:
        now_is = "a draft" if record.status != "completed" else f"superseded by {record.superseded_by_id}"
        raise InspectionError(f"inspection {inspection_id} is {now_is}: it cannot be revised")
    pending = store.pending_revision(session, inspection_id)
    if pending is not None:
        raise InspectionError(f"draft {pending.id} corrects inspection {inspection_id} already")
    header = InspectionHeader(*(getattr(record, f.name) for f in fields(InspectionHeader)))
    header = replace(header, **(corrections or {}))
    _check_header(header)
    data = InspectionData(**{f.name: getattr(record, f.name) for f in fields(InspectionData)})
    stamp = now or datetime.now(UTC)
    new = store.add_inspection(
        session,
        replace(data, **_header_values(header)),
        created_by=created_by,
        now=stamp,
        revises=record,
        reason=reason,
    )
    store.copy_parts(session, record.id, new.id)
    return new


# Follow-up ------------------------------------------------------------------------------------------------


class ViolationChanges(TypedDict, total=False):
    """What a follow-up may set of a violation, each left as it is when None or not given. One definition
    for `follow_up_in` and `inspection_actions.follow_up`, which passes them on as they were given."""

    deadline: date | None
    status: str | None
    eliminated_on: date | None
    note: str | None


def follow_up_in(
    session: Session,
    inspection_id: int,
    item: int,
    *,
    by: str,
    today: date | None = None,
    now: datetime | None = None,
    version: int | None = None,
    **given: Unpack[ViolationChanges],
) -> ViolationView:
    """Set the remediation deadline, the status (open, or eliminated on `eliminated_on`, default today) or
    the note of the violation found in `item` by a completed, current inspection; with `version` (the one
    the writer read), only while it is the stored one, else StaleVersion."""
    unknown = set(given) - set(ViolationChanges.__annotations__)
    if unknown:  # the type checker catches these; a caller without one gets an error, not a silent no-op
        raise TypeError(f"follow-up of a violation has no {', '.join(sorted(unknown))}")
    day = today or today_utc()
    status = given.get("status")
    if status not in (None, "open", "eliminated"):
        raise InspectionError(f"a violation is open or eliminated, not {status!r}")
    changes: dict[str, Any] = {
        key: given.get(key) for key in ("deadline", "note") if given.get(key) is not None
    }
    if status is not None:
        eliminated_on = (given.get("eliminated_on") or day) if status == "eliminated" else None
        changes.update(status=status, eliminated_on=eliminated_on)
    record = store.get_or_raise(session, inspection_id)
    if record.status != "completed" or record.inspected_on is None:
        raise InspectionError(f"inspection {inspection_id} is a draft: complete it before following up")
    for key in ("deadline", "eliminated_on"):
        if changes.get(key) is not None and changes[key] < record.inspected_on:
            raise InspectionError(f"{key} {changes[key]} is before the inspection, {record.inspected_on}")
    updated = edits.update_violation(
        session, inspection_id, item, changes, by=by, now=now or datetime.now(UTC), expected_version=version
    )
    return ViolationView(updated, violation_status(updated, day), record)


def list_inspections(
    db: Database, *, bin: str | None = None, status: str | None = None, include_superseded: bool = False
) -> list[tuple[InspectionRecord, SubjectRecord]]:
    """Inspections (by id) with their subjects; superseded revisions only with `include_superseded`."""
    with db.transaction() as session:
        found = inspections_with_subjects(
            session, bin=bin and bin.strip(), status=status, current_only=not include_superseded
        )
    if found is None:
        raise SubjectNotFound(f"no subject with BIN {bin} is in the registry")
    return found


def get_inspection(db: Database, inspection_id: int) -> InspectionRecord:
    with db.transaction() as session:
        return store.get_or_raise(session, inspection_id)


# For a database: each change in a transaction of its own, with no audit entry (see inspection_actions)

create_inspection = in_transaction(create_inspection_in)
answer_items = in_transaction(answer_items_in)
complete_inspection = in_transaction(complete_inspection_in)
revise_inspection = in_transaction(revise_inspection_in)
follow_up = in_transaction(follow_up_in)
