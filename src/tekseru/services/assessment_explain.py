"""The stored explanation as compact JSON text, from what each evidence record did in each subject-group.

The bulk scorer gives every record's status (`BulkScores.status`: counted, or why not); nothing here
decides it. `ExplanationWriter` turns the statuses into one JSON text per subject-group without building
a Python object per record:

    {"counted":{"12":[101,102]},"ignored":{"outside_period":{"12":[3,4]},"after_as_of":{"7":[9]}}}

Criteria are keys (text, as JSON requires), evidence ids ascending; the reasons are those of
`tekseru.scoring.IgnoreReason`, in its order. The violated criteria are written as `[1,5,12]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tekseru.scoring import BulkScores, EvidenceColumns
from tekseru.scoring.evidence_rules import COUNTED, REASONS

Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int8]
Texts = npt.NDArray[np.object_]

EMPTY_EXPLANATION = '{"counted":{},"ignored":{}}'
_END = "\x1e"  # ends the text of a subject-group in the joined text; never in JSON we write


@dataclass(frozen=True)
class SortedPairs:
    """The pairs ordered by subject-group, status, criterion and evidence id: the order of the JSON."""

    subject_group: Ints
    status: Ints
    criterion: Ints
    evidence_id: Ints

    @classmethod
    def of(cls, pairs: EvidenceColumns, status: Codes, evidence_id: Ints) -> SortedPairs:
        columns = [
            pairs.subject_group.astype(np.int64, copy=False),
            status.astype(np.int64),
            pairs.criterion.astype(np.int64, copy=False),
            evidence_id.astype(np.int64, copy=False),
        ]
        if min((int(column.min()) for column in columns if len(column)), default=0) < 0:
            raise ValueError("subject-groups, criteria and evidence ids must not be negative")
        bits = [max(int(column.max()), 1).bit_length() if len(column) else 1 for column in columns]
        if sum(bits) <= 63:
            # One packed key per pair sorts far faster than four columns; shifts unpack it.
            key = np.zeros(len(columns[0]), dtype=np.int64)
            for column, width in zip(columns, bits, strict=True):
                key <<= width
                key |= column
            key.sort()
            unpacked = []
            for width in reversed(bits):
                unpacked.append(key & ((1 << width) - 1))
                key = key >> width
            return cls(*reversed(unpacked))
        order = np.lexsort(columns[::-1])
        return cls(*(column[order] for column in columns))

    def rows(self, start: int, stop: int) -> slice:
        """The positions of the pairs of subject-groups start..stop-1."""
        first, last = np.searchsorted(self.subject_group, [start, stop])
        return slice(int(first), int(last))


class ExplanationWriter:
    """JSON texts for ranges of subject-groups; see the module's docstring for their shape."""

    def __init__(self, pairs: SortedPairs, width: int) -> None:
        self.pairs = pairs
        self._opening = _opening_table()
        self._criterion = _criterion_table(width)
        self._closing = _closing_table()

    def texts(self, start: int, stop: int) -> Texts:
        """The explanations of subject-groups start..stop-1."""
        texts = np.full(stop - start, EMPTY_EXPLANATION, dtype=object)
        part = self.pairs.rows(start, stop)
        group = self.pairs.subject_group[part]
        if not len(group):
            return texts
        status, criterion = self.pairs.status[part], self.pairs.criterion[part]
        new_group = _starts(group)
        new_block = new_group | _starts(status)
        new_segment = new_block | _starts(criterion)
        after_counted = np.r_[False, status[:-1] == COUNTED]
        kind = np.where(new_group, 1, np.where(new_block, np.where(after_counted, 2, 3), 0))
        last_group, last_block, last_segment = _ends(new_group), _ends(new_block), _ends(new_segment)
        closing = last_segment + 2 * (last_block & (status != COUNTED)) + 4 * last_group
        closing += 8 * (last_group & (status == COUNTED))
        pieces = np.empty((len(group), 4), dtype=object)
        pieces[:, 0] = self._opening[kind * (len(REASONS) + 1) + status]
        pieces[:, 1] = self._criterion[np.where(new_segment, 2 + 2 * criterion + new_block, 0)]
        pieces[:, 2] = list(map(str, self.pairs.evidence_id[part].tolist()))
        pieces[:, 3] = self._closing[closing]
        joined = "".join(pieces.ravel().tolist())
        texts[group[new_group] - start] = _texts(joined.split(_END)[:-1])
        return texts


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


def _opening_table() -> Texts:
    """What a pair opens, by (kind, status): kind 0 nothing, 1 a subject-group, 2 the first reason after
    the counted criteria, 3 a further reason."""
    table = []
    for kind in range(4):
        for status in range(len(REASONS) + 1):
            reason = f'"{REASONS[status - 1].value}":{{' if status else ""
            table.append(
                (
                    "",
                    '{"counted":{' + ('},"ignored":{' + reason if status else ""),
                    '},"ignored":{' + reason,
                    "," + reason,
                )[kind]
            )
    return _texts(table)


def _criterion_table(width: int) -> Texts:
    """Index 0: another id of the same criterion; 2 + 2c (+1 when the first of its reason): criterion c."""
    table = [",", ","]
    for criterion in range(width):
        table += [f',"{criterion}":[', f'"{criterion}":[']
    return _texts(table)


def _closing_table() -> Texts:
    """What a pair closes, by 1 end of criterion + 2 end of a reason + 4 end of the subject-group + 8 when
    that end comes in the counted criteria (no reason follows)."""
    table = []
    for code in range(16):
        text = "]" if code & 1 else ""
        text += "}" if code & 2 else ""
        if code & 4:
            text += ('},"ignored":{}}' if code & 8 else "}}") + _END
        table.append(text)
    return _texts(table)


def violated_texts(bulk: BulkScores, start: int, stop: int) -> Texts:
    """The counted criteria of subject-groups start..stop-1 as JSON lists, from the bulk core's bitset."""
    texts = np.full(stop - start, "[]", dtype=object)
    bits = np.unpackbits(bulk.counted[start:stop], axis=1, count=bulk.width, bitorder="little")
    row, criterion = np.nonzero(bits)
    if not len(row):
        return texts
    first, last = _starts(row), _ends(_starts(row))
    pieces = np.empty((len(row), 3), dtype=object)
    pieces[:, 0] = _texts([",", "["])[first.astype(np.int8)]
    pieces[:, 1] = list(map(str, criterion.tolist()))
    pieces[:, 2] = _texts(["", "]" + _END])[last.astype(np.int8)]
    texts[row[first]] = _texts("".join(pieces.ravel().tolist()).split(_END)[:-1])
    return texts
