"""What an inspection is and the rules of its life (docs/inspections.md): the appointing act's header, the
checklist of a subject's groups, when a checklist is complete, the evidence a non-compliant item gives, a
violation's status. The use cases that apply them are in `tekseru.services.inspections.recording`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition, Checklist
from tekseru.store import SubjectRecord, WriteCounts
from tekseru.store.inspections import (
    AnswerRecord,
    InspectionError,
    InspectionRecord,
    ViolationRecord,
)
from tekseru.store.records import EvidenceData
from tekseru.store.subjects import find_subject_by_bin

if TYPE_CHECKING:  # Unpack is in typing from Python 3.12; annotations are not evaluated at run time
    pass

KINDS = ("preventive_control", "unscheduled_inspection", "compliance_inspection")
PREVENTIVE_CONTROL = KINDS[0]
# Why an inspection not on a list is made (started from the subject's card); a planned one has its list row.
UNPLANNED_REASONS = ("complaint", "follow_up", "request", "other")
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
    """Some items are unanswered (`missing`), or required with no compliance marked (`undecided`, an answer
    the one-tap page no longer gives but files and older pages did): the inspection cannot complete."""

    missing: tuple[int, ...] = ()
    undecided: tuple[int, ...] = ()


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

    @property
    def violated_items(self) -> tuple[int, ...]:
        """The items found non-compliant, each a violation to follow up."""
        return tuple(violation.item for violation in self.violations)


def violation_status(violation: ViolationRecord, today: date) -> str:
    """open, eliminated, or overdue (open with its deadline passed)."""
    if violation.status == "open" and violation.deadline is not None and violation.deadline < today:
        return "overdue"
    return violation.status


def edition_of(catalogue: Catalogue, record: InspectionRecord) -> CatalogueEdition:
    return catalogue.edition(record.edition_id)


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
        refused = InspectionError(f"choose the checklist of one of the subject's groups: {known or 'none'}")
        appendices = ", ".join(str(a) for a in sorted(by_appendix)) or "—"
        raise refused.saying("refusal.inspection.checklist_choice", appendices=appendices)
    return appendix, sorted(by_appendix[appendix])


def check_header(header: InspectionHeader) -> None:
    if header.kind not in KINDS:
        refused = InspectionError(f"unknown kind {header.kind!r}; use one of {', '.join(KINDS)}")
        raise refused.saying("refusal.inspection.kind", kind=repr(header.kind), kinds=", ".join(KINDS))
    if not header.act_number.strip() or len(header.act_number) > 64:
        raise InspectionError("the act number must be 1 to 64 characters").saying(
            "refusal.inspection.act_number"
        )
    if not header.inspectors or not all(name.strip() for name in header.inspectors):
        raise InspectionError("name at least one inspector").saying("refusal.inspection.no_inspector")


def subject_of(session: Session, bin: str) -> SubjectRecord:
    """The subject of the registry with this BIN; SubjectNotFound."""
    subject = find_subject_by_bin(session, bin.strip())
    if subject is None:
        refused = SubjectNotFound(f"no subject with BIN {bin} is in the registry: import it first")
        raise refused.saying("refusal.inspection.no_subject", bin=bin)
    return subject


def header_values(header: InspectionHeader) -> dict[str, Any]:
    values = {f.name: getattr(header, f.name) for f in fields(header)}
    return values | {
        "act_number": header.act_number.strip(),
        "inspectors": tuple(map(str.strip, header.inspectors)),
    }


# Completion and revision ----------------------------------------------------------------------------------


def check_complete(answers: Sequence[AnswerRecord], checklist: Checklist) -> None:
    given = {answer.item: answer.answer for answer in answers}
    missing = [item.number for item in checklist.items if item.number not in given]
    undecided = [item.number for item in checklist.items if given.get(item.number) == "required"]
    parts = [f"items not answered: {missing}"] if missing else []
    parts += [f"items required but not marked compliant or non-compliant: {undecided}"] if undecided else []
    if parts:
        said = {
            "missing": ", ".join(map(str, missing)) or "—",
            "undecided": ", ".join(map(str, undecided)) or "—",
        }
        refused = ChecklistIncomplete("the checklist is not complete: " + "; ".join(parts))
        refused.missing, refused.undecided = tuple(missing), tuple(undecided)
        raise refused.saying("refusal.inspection.incomplete", **said)


def evidence_of(done: InspectionRecord, item: int, criterion: int) -> EvidenceData:
    """The evidence a non-compliant item gives: confirmed by the inspection, observed on its day."""
    assert done.inspected_on is not None, "a completed inspection has a date"
    act = f"act № {done.act_number} of {done.act_date.isoformat()}"
    reference = f"inspection {done.id} ({act}), Appendix {done.appendix} item {item}"
    return EvidenceData(
        done.subject_id, criterion, INSPECTION_SOURCE_GROUP, done.inspected_on, reference, True, done.origin
    )


# Follow-up ------------------------------------------------------------------------------------------------


class ViolationChanges(TypedDict, total=False):
    """What a follow-up may set of a violation, each left as it is when None or not given. One definition
    for `tekseru.services.inspections.follow_up` and its callers, which pass them on as given."""

    deadline: date | None
    status: str | None
    eliminated_on: date | None
    note: str | None


def violation_changes(given: ViolationChanges, day: date) -> dict[str, Any]:
    """The columns a follow-up sets: the deadline and note given, and the status with the day the violation
    was eliminated (`eliminated_on`, default `day`); InspectionError for another status."""
    unknown = set(given) - set(ViolationChanges.__annotations__)
    if unknown:  # the type checker catches these; a caller without one gets an error, not a silent no-op
        raise TypeError(f"follow-up of a violation has no {', '.join(sorted(unknown))}")
    status = given.get("status")
    if status not in (None, "open", "eliminated"):
        raise InspectionError(f"a violation is open or eliminated, not {status!r}").saying(
            "refusal.inspection.violation_status", status=repr(status)
        )
    changes: dict[str, Any] = {
        key: given.get(key) for key in ("deadline", "note") if given.get(key) is not None
    }
    if status is not None:
        eliminated_on = (given.get("eliminated_on") or day) if status == "eliminated" else None
        changes.update(status=status, eliminated_on=eliminated_on)
    return changes


def check_follow_up(record: InspectionRecord, changes: Mapping[str, Any]) -> None:
    """A violation is followed up on a completed inspection, with no date before the inspection's."""
    if record.status != "completed" or record.inspected_on is None:
        refused = InspectionError(f"inspection {record.id} is a draft: complete it before following up")
        raise refused.saying("refusal.inspection.follow_up_draft", inspection=record.id)
    for key in ("deadline", "eliminated_on"):
        if changes.get(key) is not None and changes[key] < record.inspected_on:
            refused = InspectionError(f"{key} {changes[key]} is before the inspection, {record.inspected_on}")
            raise refused.saying(
                f"refusal.inspection.{key}_early",
                day=str(changes[key]),
                inspected_on=str(record.inspected_on),
            )
