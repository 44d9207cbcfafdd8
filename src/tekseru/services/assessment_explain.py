"""The stored explanation, from what each evidence record did in each subject-group.

The bulk scorer gives every record's status (`BulkScores.status`: counted, or why not); nothing here
decides it. `ExplanationWriter` turns the statuses into the store's compact codes, a few bytes per
subject-group (`tekseru.store.explanation_codes`, which reads them back as
`{"counted": {"12": [101, 102]}, "ignored": {"outside_period": {"12": [3, 4]}}}`), without building a
Python object per record. The violated criteria are written as `tekseru.store.criteria_lists` packs them:
a byte for each criterion numbered below 128.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tekseru.scoring import BulkScores, EvidenceColumns
from tekseru.scoring.evidence_rules import COUNTED, REASONS
from tekseru.store.criteria_lists import packed
from tekseru.store.explanation_codes import COUNTED as STORED_COUNTED
from tekseru.store.explanation_codes import encode_many, status_codes

Ints = npt.NDArray[np.int64]
Narrow = npt.NDArray[np.signedinteger[Any]]  # int8 to int64, the narrowest that holds the values
Codes = npt.NDArray[np.int8]
Texts = npt.NDArray[np.object_]


@dataclass(frozen=True)
class SortedPairs:
    """The pairs ordered by subject-group, status, criterion and evidence id: the order of the JSON."""

    subject_group: Narrow
    status: Narrow
    criterion: Narrow
    evidence_id: Narrow

    @classmethod
    def of(cls, pairs: EvidenceColumns, status: Codes, evidence_id: Ints) -> SortedPairs:
        columns = [pairs.subject_group, status, pairs.criterion, evidence_id]
        if min((int(column.min()) for column in columns if len(column)), default=0) < 0:
            raise ValueError("subject-groups, criteria and evidence ids must not be negative")
        bits = [max(int(column.max()), 1).bit_length() if len(column) else 1 for column in columns]
        if sum(bits) > 63:
            order = np.lexsort([column.astype(np.int64, copy=False) for column in columns[::-1]])
            return cls(*(_narrow(column[order], width) for column, width in zip(columns, bits, strict=True)))
        # One packed key per pair sorts far faster than four columns; shifts unpack it. The key is built
        # and taken apart one column at a time, each column kept in the narrowest type that holds it: at
        # ten million pairs the four columns as 64-bit numbers and their copies took most of a gigabyte.
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for column, width in zip(columns, bits, strict=True):
            key <<= width
            key |= column
        key.sort()
        unpacked = []
        for width in reversed(bits):
            unpacked.append(_narrow(key & ((1 << width) - 1), width))
            key >>= width
        return cls(*reversed(unpacked))

    def rows(self, start: int, stop: int) -> slice:
        """The positions of the pairs of subject-groups start..stop-1."""
        first, last = np.searchsorted(self.subject_group, [start, stop])
        return slice(int(first), int(last))


class ExplanationWriter:
    """The stored explanations (`tekseru.store.explanation_codes`) of ranges of subject-groups."""

    def __init__(self, pairs: SortedPairs) -> None:
        self.pairs = pairs
        # The bulk core's statuses (COUNTED, then the reasons in their order) as the store's codes. Both
        # list the reasons in the order of IgnoreReason, so the pairs' order is the codes' order too.
        self._code = status_codes([STORED_COUNTED, *(reason.value for reason in REASONS)])
        if COUNTED != 0 or np.any(np.diff(self._code) <= 0):
            raise ValueError("the stored explanations' codes must follow the scoring core's statuses")

    def codes(self, start: int, stop: int) -> list[bytes]:
        """The explanations of subject-groups start..stop-1."""
        part = self.pairs.rows(start, stop)
        pairs = self.pairs
        return encode_many(
            pairs.subject_group[part].astype(np.int64),
            self._code[pairs.status[part]],
            pairs.criterion[part].astype(np.int64),
            pairs.evidence_id[part].astype(np.int64),
            start,
            stop,
        )


def _narrow(values: npt.NDArray[Any], bits: int) -> Narrow:
    """The values (non-negative, below 2**bits) in the smallest signed integer type that holds them."""
    for kind in (np.int8, np.int16, np.int32):
        if bits < np.iinfo(kind).bits:
            return values.astype(kind, copy=False)
    return values.astype(np.int64, copy=False)


def _starts(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    starts = np.ones(len(values), dtype=np.bool_)
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _ends(starts: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    ends = np.ones(len(starts), dtype=np.bool_)
    ends[:-1] = starts[1:]
    return ends


def _texts(values: list[str]) -> Texts:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def violated_lists(bulk: BulkScores, start: int, stop: int) -> Texts:
    """The counted criteria of subject-groups start..stop-1 as stored lists (`criteria_lists.packed`),
    from the bulk core's bitset."""
    lists = np.full(stop - start, b"", dtype=object)
    bits = np.unpackbits(bulk.counted[start:stop], axis=1, count=bulk.width, bitorder="little")
    row, criterion = np.nonzero(bits)
    if not len(row):
        return lists
    if not criterion.all():  # criteria are numbered from 1: no list holds b"\0"
        raise ValueError("a criterion numbered 0 was counted")
    last = _ends(_starts(row))
    # each criterion's bytes, the last of a subject-group's followed by b"\0" (which no list holds)
    encoded = np.array([packed([number]) if number else b"" for number in range(bulk.width)], dtype=object)
    pieces = np.empty((len(row), 2), dtype=object)
    pieces[:, 0] = encoded[criterion]
    pieces[:, 1] = np.array([b"", b"\0"], dtype=object)[last.astype(np.int8)]
    found = b"".join(pieces.ravel().tolist()).split(b"\0")[:-1]
    lists[row[last]] = _texts(found)  # type: ignore[arg-type]
    return lists
