"""Columnar inputs of the bulk core: evidence as parallel arrays, group profiles as a boolean matrix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from tekseru.catalog.schema import Severity
from tekseru.scoring.evidence import EvidenceFact
from tekseru.scoring.rules import GroupProfile

IntArray = npt.NDArray[np.integer[Any]]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

_EPOCH = date(1970, 1, 1).toordinal()
# Days are int32 counts since 1970-01-01; a never-used record carries the largest int32, which is after
# any as-of date, so "used on or before as_of" needs no separate test for it.
NEVER_USED = int(np.iinfo(np.int32).max)
# confirmed: 1 confirmed, 0 not confirmed, -1 not known (only 1 lets a complaint count).
CONFIRMED, NOT_CONFIRMED, NOT_KNOWN = 1, 0, -1
# Severity codes in GroupMatrix.severity; 0 marks a column that is no criterion of any profile.
SEVERITY_CODES: dict[Severity, int] = {Severity.GROSS: 1, Severity.SIGNIFICANT: 2, Severity.MINOR: 3}


def day_number(day: date) -> int:
    return day.toordinal() - _EPOCH


def from_day_number(days: int) -> date:
    return date.fromordinal(days + _EPOCH)


def confirmed_code(confirmed: bool | None) -> int:
    return NOT_KNOWN if confirmed is None else int(confirmed)


def used_day(used_on: date | None) -> int:
    return NEVER_USED if used_on is None else day_number(used_on)


def _integers(name: str, values: Any) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be a one-dimensional integer array, got {array.dtype} {array.shape}")
    return array


@dataclass(frozen=True)
class EvidenceColumns:
    """Evidence of many subject-groups as parallel arrays, one element per evidence record.

    subject_group: row of the subject-group (a subject in one control group), 0..N-1, int64;
    criterion: criterion number; source_group: information-source group; observed_on and used_on: days
    since 1970-01-01 (int32; used_on is NEVER_USED when the record was never used for a visit);
    confirmed: 1 / 0 / -1 (int8).
    """

    subject_group: IntArray
    criterion: IntArray
    source_group: IntArray
    observed_on: IntArray
    confirmed: IntArray
    used_on: IntArray

    def __post_init__(self) -> None:
        lengths = set()
        for name in ("subject_group", "criterion", "source_group", "observed_on", "confirmed", "used_on"):
            array = _integers(name, getattr(self, name))
            object.__setattr__(self, name, array)
            lengths.add(len(array))
        if len(lengths) > 1:
            raise ValueError(f"evidence columns must have one length, got lengths {sorted(lengths)}")

    def __len__(self) -> int:
        return len(self.subject_group)

    @classmethod
    def from_facts(cls, facts: Iterable[tuple[int, EvidenceFact]]) -> EvidenceColumns:
        """Columns from (subject-group row, fact) pairs: the bridge between the two cores in tests."""
        rows = [
            (
                row,
                fact.criterion,
                fact.source_group,
                day_number(fact.observed_on),
                confirmed_code(fact.confirmed),
                used_day(fact.used_on),
            )
            for row, fact in facts
        ]
        dtypes = (np.int64, np.int32, np.int16, np.int32, np.int8, np.int32)
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(dtypes)
        return cls(*(np.array(column, dtype=dtype) for column, dtype in zip(columns, dtypes, strict=True)))


@dataclass(frozen=True)
class GroupMatrix:
    """The homogeneous groups as arrays: row g of `applicable` marks the criteria group g uses.

    Columns are criterion numbers (column 0 is never a criterion). `severity` and `source_group` describe
    each column; a criterion must have the same severity and source in every group.
    """

    groups: tuple[str, ...]
    applicable: BoolArray
    severity: npt.NDArray[np.int8]
    source_group: npt.NDArray[np.int16]
    profiles: tuple[GroupProfile, ...]

    @property
    def width(self) -> int:
        return int(self.applicable.shape[1])

    def index(self, group: str) -> int:
        return self.groups.index(group)

    @classmethod
    def from_profiles(cls, profiles: Sequence[GroupProfile]) -> GroupMatrix:
        width = 1 + max((row.number for profile in profiles for row in profile.criteria), default=0)
        applicable = np.zeros((len(profiles), width), dtype=np.bool_)
        severity = np.zeros(width, dtype=np.int8)
        source_group = np.zeros(width, dtype=np.int16)
        for index, profile in enumerate(profiles):
            for row in profile.criteria:
                code = SEVERITY_CODES[row.severity]
                known = (int(severity[row.number]), int(source_group[row.number]))
                if known not in ((0, 0), (code, row.source_group)):
                    raise ValueError(f"criterion {row.number} differs between groups")
                applicable[index, row.number] = True
                severity[row.number], source_group[row.number] = code, row.source_group
        groups = tuple(profile.group for profile in profiles)
        return cls(groups, applicable, severity, source_group, tuple(profiles))

    def padded(self, width: int) -> GroupMatrix:
        """The matrix widened with inapplicable columns so any criterion number in the evidence indexes it."""
        extra = width - self.width
        if extra <= 0:
            return self
        return GroupMatrix(
            self.groups,
            np.pad(self.applicable, ((0, 0), (0, extra))),
            np.pad(self.severity, (0, extra)),
            np.pad(self.source_group, (0, extra)),
            self.profiles,
        )
