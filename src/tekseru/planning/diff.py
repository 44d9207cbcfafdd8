"""What changed on the list between two plans: subjects added, removed and moved, each with its reasons.

Subjects are matched by subject id and only the list itself (rows with a planned visit) is compared;
rows beyond capacity and exclusions explain why a subject came or went.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from tekseru.planning.model import ExclusionReason, Plan, PlanRow

__all__ = ["AddedRow", "DiffReason", "MovedRow", "PlanDiff", "RemovedRow", "diff_plans"]


class DiffReason(StrEnum):
    NEW_SUBJECT = "new_subject"
    WAS_BEYOND_CAPACITY = "was_beyond_capacity"
    WAS_EXCLUDED = "was_excluded"
    NOW_BEYOND_CAPACITY = "now_beyond_capacity"
    NOW_EXCLUDED = "now_excluded"
    NO_LONGER_ASSESSED = "no_longer_assessed"


@dataclass(frozen=True)
class AddedRow:
    """A subject on the current list that was not on the previous one; `exclusions` are its old reasons."""

    row: PlanRow
    reason: DiffReason
    exclusions: tuple[ExclusionReason, ...]
    detail: str


@dataclass(frozen=True)
class RemovedRow:
    """A subject on the previous list that is not on the current one; `exclusions` are its new reasons."""

    row: PlanRow
    reason: DiffReason
    exclusions: tuple[ExclusionReason, ...]
    detail: str


@dataclass(frozen=True)
class MovedRow:
    """A subject on both lists whose rank or planned month changed; `changes` say what and why."""

    previous: PlanRow
    current: PlanRow
    changes: tuple[str, ...]


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
    reason, exclusions, detail = _status(previous, row.subject_id, past=True)
    return AddedRow(row, reason, exclusions, detail)


def _removed(row: PlanRow, current: Plan) -> RemovedRow:
    reason, exclusions, detail = _status(current, row.subject_id, past=False)
    return RemovedRow(row, reason, exclusions, detail)


_Status = tuple[DiffReason, tuple[ExclusionReason, ...], str]


def _status(plan: Plan, subject_id: str, *, past: bool) -> _Status:
    """Where the subject is in `plan` when it is not on its list."""
    beyond = next((row for row in plan.overflow if row.subject_id == subject_id), None)
    if beyond is not None:
        reason = DiffReason.WAS_BEYOND_CAPACITY if past else DiffReason.NOW_BEYOND_CAPACITY
        return reason, (), f"beyond the capacity of {beyond.region} (row {beyond.rank})"
    exclusions = plan.exclusions_of(subject_id)
    if exclusions:
        reasons = tuple(dict.fromkeys(row.reason for row in exclusions))
        detail = "; ".join(f"{row.group}: {row.detail}" for row in exclusions)
        return (DiffReason.WAS_EXCLUDED if past else DiffReason.NOW_EXCLUDED), reasons, detail
    if past:
        return DiffReason.NEW_SUBJECT, (), "not among the subjects assessed for the previous list"
    return DiffReason.NO_LONGER_ASSESSED, (), "not among the subjects assessed for the current list"


def _moved(before: PlanRow, after: PlanRow) -> bool:
    return before.rank != after.rank or before.planned_month != after.planned_month


_COMPARED: tuple[tuple[str, Callable[[PlanRow], object]], ...] = (
    ("rank", lambda row: row.rank),
    ("planned month", lambda row: row.planned_month),
    ("score", lambda row: f"{row.score:g}"),
    ("risk class", lambda row: row.risk_class),
    ("gross violations", lambda row: row.gross_count),
    ("significant violations", lambda row: row.significant_count),
    ("minor violations", lambda row: row.minor_count),
    ("groups", lambda row: ", ".join(row.groups)),
    ("region", lambda row: row.region),
    ("last visit", lambda row: row.last_visit_on.isoformat() if row.last_visit_on else "never"),
)


def _changes(before: PlanRow, after: PlanRow) -> tuple[str, ...]:
    """Each changed value as "name old -> new"; when only the position changed, say that others moved."""
    changes = [
        f"{name} {value(before)} -> {value(after)}"
        for name, value in _COMPARED
        if value(before) != value(after)
    ]
    if all(change.startswith(("rank ", "planned month ")) for change in changes):
        changes.append("other subjects joined, left or moved on the list")
    return tuple(changes)
