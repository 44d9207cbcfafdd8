"""What changed on the list between two plans: subjects added, removed and moved, each with its reasons.

Subjects are matched by subject id and only the list itself (rows with a planned visit) is compared;
rows beyond capacity and exclusions explain why a subject came or went. What changed is said as data
(`FieldChange`, the row beyond capacity, the exclusion rows): the interfaces put it into the reader's words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from tekseru.planning.model import ExcludedRow, ExclusionReason, Plan, PlanRow

__all__ = ["AddedRow", "DiffReason", "FieldChange", "MovedRow", "PlanDiff", "RemovedRow", "diff_plans"]


class DiffReason(StrEnum):
    NEW_SUBJECT = "new_subject"
    WAS_BEYOND_CAPACITY = "was_beyond_capacity"
    WAS_EXCLUDED = "was_excluded"
    NOW_BEYOND_CAPACITY = "now_beyond_capacity"
    NOW_EXCLUDED = "now_excluded"
    NO_LONGER_ASSESSED = "no_longer_assessed"


@dataclass(frozen=True)
class AddedRow:
    """A subject on the current list that was not on the previous one; `exclusions` are its old reasons,
    `excluded` the previous list's exclusion rows of the subject, `beyond` its row beyond capacity there."""

    row: PlanRow
    reason: DiffReason
    exclusions: tuple[ExclusionReason, ...]
    excluded: tuple[ExcludedRow, ...] = ()
    beyond: PlanRow | None = None


@dataclass(frozen=True)
class RemovedRow:
    """A subject on the previous list that is not on the current one; `exclusions` are its new reasons,
    `excluded` the current list's exclusion rows of the subject, `beyond` its row beyond capacity there."""

    row: PlanRow
    reason: DiffReason
    exclusions: tuple[ExclusionReason, ...]
    excluded: tuple[ExcludedRow, ...] = ()
    beyond: PlanRow | None = None


@dataclass(frozen=True)
class FieldChange:
    """One value of a row that changed: `field` is one of `COMPARED_FIELDS`, the values as the rows keep
    them (a month number, a risk class key, group keys, a region key, a date or None)."""

    field: str
    before: object
    after: object


@dataclass(frozen=True)
class MovedRow:
    """A subject on both lists whose rank or planned month changed; `changes` say what changed and
    `others_moved` that only its position did (other subjects joined, left or moved)."""

    previous: PlanRow
    current: PlanRow
    changes: tuple[FieldChange, ...]

    @property
    def others_moved(self) -> bool:
        return all(change.field in ("rank", "planned_month") for change in self.changes)


@dataclass(frozen=True)
class PlanDiff:
    added: tuple[AddedRow, ...]
    removed: tuple[RemovedRow, ...]
    moved: tuple[MovedRow, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.moved)


def diff_plans(previous: Plan, current: Plan) -> PlanDiff:
    before = {row.subject_id: row for row in previous.included}
    after = {row.subject_id: row for row in current.included}
    added = tuple(_added(row, previous) for row in current.included if row.subject_id not in before)
    removed = tuple(_removed(row, current) for row in previous.included if row.subject_id not in after)
    moved = tuple(
        MovedRow(before[row.subject_id], row, _changes(before[row.subject_id], row))
        for row in current.included
        if row.subject_id in before and _moved(before[row.subject_id], row)
    )
    return PlanDiff(added, removed, moved)


def _added(row: PlanRow, previous: Plan) -> AddedRow:
    return AddedRow(row, *_status(previous, row.subject_id, past=True))


def _removed(row: PlanRow, current: Plan) -> RemovedRow:
    return RemovedRow(row, *_status(current, row.subject_id, past=False))


_Status = tuple[DiffReason, tuple[ExclusionReason, ...], tuple[ExcludedRow, ...], PlanRow | None]


def _status(plan: Plan, subject_id: str, *, past: bool) -> _Status:
    """Where the subject is in `plan` when it is not on its list."""
    beyond = next((row for row in plan.overflow if row.subject_id == subject_id), None)
    if beyond is not None:
        reason = DiffReason.WAS_BEYOND_CAPACITY if past else DiffReason.NOW_BEYOND_CAPACITY
        return reason, (), (), beyond
    exclusions = plan.exclusions_of(subject_id)
    if exclusions:
        reasons = tuple(dict.fromkeys(row.reason for row in exclusions))
        return (DiffReason.WAS_EXCLUDED if past else DiffReason.NOW_EXCLUDED), reasons, exclusions, None
    return (DiffReason.NEW_SUBJECT if past else DiffReason.NO_LONGER_ASSESSED), (), (), None


def _moved(before: PlanRow, after: PlanRow) -> bool:
    return before.rank != after.rank or before.planned_month != after.planned_month


_COMPARED: tuple[tuple[str, Callable[[PlanRow], object]], ...] = (
    ("rank", lambda row: row.rank),
    ("planned_month", lambda row: row.planned_month),
    ("score", lambda row: row.score),
    ("risk_class", lambda row: row.risk_class),
    ("gross_count", lambda row: row.gross_count),
    ("significant_count", lambda row: row.significant_count),
    ("minor_count", lambda row: row.minor_count),
    ("groups", lambda row: row.groups),
    ("region", lambda row: row.region),
    ("last_visit_on", lambda row: row.last_visit_on),
)
COMPARED_FIELDS = tuple(name for name, _ in _COMPARED)


def _changes(before: PlanRow, after: PlanRow) -> tuple[FieldChange, ...]:
    """Each changed value, in the order of `COMPARED_FIELDS`."""
    return tuple(
        FieldChange(name, value(before), value(after))
        for name, value in _COMPARED
        if value(before) != value(after)
    )
