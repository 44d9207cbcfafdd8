"""Which evidence counts: every rule about evidence records, written once for one record and for many.

A record is put through the tests of `TESTS`, in the order of `IgnoreReason`; the first it fails is the
reason it does not count. Each test is one function of the record's fields that works on plain numbers
(one record: the reference engine `engine.score_group`) and on NumPy arrays (many records: the bulk
scorer `bulk.score_bulk`) alike, because it uses only comparisons, `&` and `|`. A complaint that passes
every test counts only when its subject-group holds enough of them for the criterion
(`enough_complaints`); the others are ignored as below the threshold.

Fields are in the bulk core's encoding (`columns`): days since 1970-01-01, `NEVER_USED` for a record
never used for a visit, confirmed 1 / 0 / -1, and the record's `cell`, what its criterion is in the
subject-group's group (`cell_code`).

A record's status is COUNTED (0) or the code of its reason, 1 + the reason's position in IgnoreReason;
the bulk scorer returns one per record, and the stored explanations are written from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from tekseru.scoring.columns import CONFIRMED, confirmed_code, day_number, used_day
from tekseru.scoring.evidence import EvidenceFact
from tekseru.scoring.result import IgnoreReason
from tekseru.scoring.rules import ProfileCriterion, ScoringRules

# What a record's criterion is in its subject-group's group: not applicable, applicable, or applicable
# and a complaint row (a row whose information source is the complaints).
NOT_APPLICABLE, APPLICABLE, COMPLAINT_ROW = 0, 1, 3

COUNTED = 0
REASONS: tuple[IgnoreReason, ...] = tuple(IgnoreReason)
STATUS: dict[IgnoreReason, int] = {reason: code for code, reason in enumerate(REASONS, start=1)}
Statuses = npt.NDArray[np.int8]


class Record(Protocol):
    """The fields the tests read: one record (ints) or many (arrays of one length)."""

    @property
    def cell(self) -> Any: ...
    @property
    def source_group(self) -> Any: ...
    @property
    def observed_on(self) -> Any: ...
    @property
    def confirmed(self) -> Any: ...
    @property
    def used_on(self) -> Any: ...


@dataclass(frozen=True)
class Judgement:
    """The methodology numbers and days the tests compare records with, for one as-of date."""

    as_of: int
    period_start: int
    reuse_used: bool
    complaint_source_group: int
    complaint_threshold: int

    @classmethod
    def of(cls, rules: ScoringRules, as_of: date) -> Judgement:
        return cls(
            as_of=day_number(as_of),
            period_start=day_number(rules.period_start(as_of)),
            reuse_used=rules.reuse_evidence_used_for_visit,
            complaint_source_group=rules.complaint_source_group,
            complaint_threshold=rules.complaint_threshold,
        )


def cell_code(applicable: Any, row_source_group: Any, judgement: Judgement) -> Any:
    """NOT_APPLICABLE, APPLICABLE or COMPLAINT_ROW for criteria (applicable to the group or not) with the
    information source of their row; COMPLAINT_ROW - APPLICABLE marks the complaint rows."""
    complaint_row = row_source_group == judgement.complaint_source_group
    return applicable * (APPLICABLE + (COMPLAINT_ROW - APPLICABLE) * complaint_row)


def is_complaint(record: Record, judgement: Judgement) -> Any:
    """Evidence from the complaint source, or evidence for a complaint row.

    The second half guards against intake mislabelling the source: a complaint row ("two or more
    confirmed complaints") must never fire on a single unconfirmed record because its source was wrong.
    """
    return (record.cell == COMPLAINT_ROW) | (record.source_group == judgement.complaint_source_group)


def after_as_of(record: Record, judgement: Judgement) -> Any:
    return record.observed_on > judgement.as_of


def outside_period(record: Record, judgement: Judgement) -> Any:
    """Observed before the assessed period began: past the limitation (`lookback_months`)."""
    return record.observed_on < judgement.period_start


def already_used(record: Record, judgement: Judgement) -> Any:
    """Taken into account for a visit on or before the as-of date, when the edition forbids reusing it
    (a never-used record carries NEVER_USED, after any as-of date)."""
    # `and` rather than `&`: with reuse allowed no record needs comparing (False for one record and many).
    return (not judgement.reuse_used) and (record.used_on <= judgement.as_of)


def not_applicable_to_group(record: Record, judgement: Judgement) -> Any:
    return record.cell == NOT_APPLICABLE


def unconfirmed_complaint(record: Record, judgement: Judgement) -> Any:
    return is_complaint(record, judgement) & (record.confirmed != CONFIRMED)


Test = Callable[[Record, Judgement], Any]
TESTS: tuple[tuple[IgnoreReason, Test], ...] = (
    (IgnoreReason.AFTER_AS_OF, after_as_of),
    (IgnoreReason.OUTSIDE_PERIOD, outside_period),
    (IgnoreReason.ALREADY_USED, already_used),
    (IgnoreReason.NOT_APPLICABLE_TO_GROUP, not_applicable_to_group),
    (IgnoreReason.UNCONFIRMED_COMPLAINT, unconfirmed_complaint),
)


def enough_complaints(count: Any, judgement: Judgement) -> Any:
    """Whether `count` complaints that passed every test for one criterion of one subject-group count."""
    return count >= judgement.complaint_threshold


class OneRecord(NamedTuple):
    """One evidence fact in the tests' encoding, within one group."""

    cell: int
    source_group: int
    observed_on: int
    confirmed: int
    used_on: int

    @classmethod
    def of(cls, fact: EvidenceFact, row: ProfileCriterion | None, judgement: Judgement) -> OneRecord:
        """`row` is the fact's criterion in the group's profile, None when it does not apply to it."""
        cell = NOT_APPLICABLE if row is None else cell_code(1, row.source_group, judgement)
        return cls(
            cell=int(cell),
            source_group=fact.source_group,
            observed_on=day_number(fact.observed_on),
            confirmed=confirmed_code(fact.confirmed),
            used_on=used_day(fact.used_on),
        )


def ignore_reason(record: Record, judgement: Judgement) -> IgnoreReason | None:
    """Why one record cannot count, judged on itself alone (the complaint threshold needs them all)."""
    for reason, fails in TESTS:
        if fails(record, judgement):
            return reason
    return None


def _first_failed_table() -> Statuses:
    """The status for each set of failed tests (bit i: test i failed): the code of the first one."""
    table = [COUNTED]
    for failed in range(1, 1 << len(TESTS)):
        first = (failed & -failed).bit_length() - 1
        table.append(STATUS[TESTS[first][0]])
    return np.array(table, dtype=np.int8)


_FIRST_FAILED = _first_failed_table()


def statuses(records: Record, judgement: Judgement) -> Statuses:
    """`ignore_reason` of many records at once, as status codes (COUNTED for those that pass)."""
    # One bit per failed test, then a table lookup: several times faster than assigning the codes in
    # masked passes, test by test.
    failed = np.zeros(len(records.observed_on), dtype=np.uint8)
    for bit, (_, fails) in enumerate(TESTS):
        mask = fails(records, judgement)
        if mask is not False:
            failed |= np.asarray(mask, dtype=np.bool_).view(np.uint8) << np.uint8(bit)
    return np.take(_FIRST_FAILED, failed)


def reason_of(status: int) -> IgnoreReason | None:
    return None if status == COUNTED else REASONS[status - 1]
