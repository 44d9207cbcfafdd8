"""The stored explanation of a result in a few bytes: which evidence counted, and why the rest did not.

A result's explanation names every evidence record seen in its subject-group with what it did there:
counted for its criterion, or the reason it was ignored. Written as JSON that took about 700 bytes a
result; written as these codes it takes about a tenth, and reads back as the same mapping
(`decode`), `{"counted": {"12": [101, 102]}, "ignored": {"outside_period": {"7": [9]}}}`, from which the
subject's card rebuilds the explanation for the run's date (`assessment_subject.stored_score`).

Format 2 (written since migration 0020): one byte 2, then one segment per (status, criterion) in
ascending order, each as unsigned LEB128 numbers: the number of records x 8 + the status code (`STATUSES`:
0 counted, then the reasons), the criterion, and the records' ids ascending: the first of the first segment
whole, the first of each next segment as its difference from the first of the segment before (zigzag:
2d for d >= 0, -2d - 1 below), each next id of a segment as its difference from the one before. The 10M
benchmark's results took 30 bytes each where format 1 took 52 on SQLite, whose records of a subject have
ids close together; 52 for 58 on PostgreSQL (2M records), whose benchmark numbers the records in another
order (format 1 wrote each segment's count apart and its first id whole, 3-4 bytes in a registry of
millions of records).

Format 1 (runs stored before 0020, read as they were): one byte 1, then per segment the status code, the
criterion, how many records, and their ids ascending, the first whole and each next as its difference from
the one before.
The codes are this module's, written out below, so that reordering the scoring core's reasons never
changes what stored bytes mean. `encode_many` writes the bytes of many results at once with NumPy (the
risk engine's store); `encode` one result from its mapping (the same bytes, for small writes and tests).
NumPy is imported by the functions that write: reading (`decode`) needs none of it, and the store's readers
that import this module then cost no NumPy (issue 18).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]

FORMAT = 2
_FORMATS = (1, 2)  # what `decode` reads
_STATUS_SLOTS = 8  # format 2: a segment's head is its count x 8 + its status code
COUNTED = "counted"
# Format 1's status codes: 0 counted, 1.. the reasons a record is ignored (`tekseru.scoring.IgnoreReason`).
STATUSES: tuple[str, ...] = (
    COUNTED,
    "after_as_of",
    "outside_period",
    "already_used",
    "not_applicable_to_group",
    "unconfirmed_complaint",
    "below_complaint_threshold",
)
EMPTY = bytes([FORMAT])
assert len(STATUSES) <= _STATUS_SLOTS  # more reasons need a format of their own


def status_codes(names: Sequence[str]) -> Ints:
    """The stored code of each status of another numbering: `names[i]` is the name of status i."""
    unknown = [name for name in names if name not in STATUSES]
    if unknown:
        raise ValueError(f"stored explanations have no code for {', '.join(unknown)}")
    import numpy as np

    return np.array([STATUSES.index(name) for name in names], dtype=np.int64)


def encode(explanation: Mapping[str, Any]) -> bytes:
    """The bytes of one explanation given as the mapping `decode` returns (criteria as text or numbers)."""
    import numpy as np

    segments: list[tuple[int, int, list[int]]] = []
    for number, ids in explanation.get(COUNTED, {}).items():
        segments.append((0, int(number), sorted(int(i) for i in ids)))
    for reason, by_criterion in explanation.get("ignored", {}).items():
        for number, ids in by_criterion.items():
            segments.append((STATUSES.index(reason), int(number), sorted(int(i) for i in ids)))
    numbers: list[int] = []
    previous: int | None = None  # the first id of the segment before
    for status, criterion, ids in sorted(segments):
        if not ids:
            continue
        first = ids[0] if previous is None else _zigzag(ids[0] - previous)
        numbers += [len(ids) * _STATUS_SLOTS + status, criterion, first]
        numbers += [later - earlier for earlier, later in pairwise(ids)]
        previous = ids[0]
    encoded: bytes = _leb128(np.array(numbers, dtype=np.int64)).tobytes()
    return EMPTY + encoded


# Since migration 0022 the results keep every explanation in this one column: as these codes, or (runs
# stored before migration 0018, and results stored one by one with `assessments.add_results`) as the JSON
# text of the mapping, whose first byte `{` is no format's number. One column that is never NULL: a NULL
# column gave each of PostgreSQL's rows a bitmap of its columns, 8 bytes with the alignment.
_JSON_START = b"{"
assert _JSON_START[0] not in _FORMATS


def as_json(explanation: Mapping[str, Any]) -> bytes:
    """The stored bytes of an explanation kept whole as JSON text (any mapping: `read` gives it back)."""
    return json.dumps(explanation, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read(data: bytes) -> dict[str, Any]:
    """A stored explanation, codes or JSON text, as its mapping."""
    if data[:1] == _JSON_START:
        explanation: dict[str, Any] = json.loads(data)
        return explanation
    return decode(data)


def decode(data: bytes) -> dict[str, Any]:
    """The explanation as a mapping: "counted" criterion (text) -> evidence ids, and "ignored" reason ->
    criterion (text) -> evidence ids, ids ascending, criteria and reasons in ascending order of code."""
    if not data or data[0] not in _FORMATS:
        raise ValueError(f"not a stored explanation of format {' or '.join(map(str, _FORMATS))}")
    numbers = _numbers(data, 1)
    counted: dict[str, list[int]] = {}
    ignored: dict[str, dict[str, list[int]]] = {}
    at, previous = 0, None
    while at < len(numbers):
        if data[0] == 1:
            status, criterion, count = numbers[at : at + 3]
            at += 3
        else:
            (head, criterion), at = numbers[at : at + 2], at + 2
            count, status = divmod(head, _STATUS_SLOTS)
        ids, at = numbers[at : at + count], at + count
        if len(ids) != count or not count or status >= len(STATUSES):
            raise ValueError("a stored explanation ends inside a segment")
        if data[0] != 1 and previous is not None:
            ids[0] = previous + (ids[0] >> 1 if ids[0] % 2 == 0 else -(ids[0] + 1) // 2)
        previous = ids[0]
        for index in range(1, len(ids)):
            ids[index] += ids[index - 1]
        if status == 0:
            counted[str(criterion)] = ids
        else:
            ignored.setdefault(STATUSES[status], {})[str(criterion)] = ids
    return {COUNTED: counted, "ignored": ignored}


def _numbers(data: bytes, start: int) -> list[int]:
    numbers, value, shift = [], 0, 0
    for byte in data[start:]:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            numbers.append(value)
            value, shift = 0, 0
    if shift:
        raise ValueError("a stored explanation ends inside a number")
    return numbers


def encode_many(
    group: Ints, status: Ints, criterion: Ints, evidence_id: Ints, start: int, stop: int
) -> list[bytes]:
    """The bytes of subject-groups start..stop-1 from their pairs, sorted by subject-group, stored status
    code, criterion and evidence id (`group` the subject-group of each pair, all within start..stop-1)."""
    import numpy as np

    out = [EMPTY] * (stop - start)
    if not len(group):
        return out
    new_group = _starts(group)
    new_segment = new_group | _starts(status) | _starts(criterion)
    first = np.flatnonzero(new_segment)
    sizes = np.diff(np.append(first, len(group)))
    head = np.zeros(len(group), dtype=np.int64)
    head[first] = sizes * _STATUS_SLOTS + status[first]
    value = evidence_id.copy()
    value[1:] -= np.where(new_segment[1:], 0, evidence_id[:-1])
    # A segment's first id: whole first in its subject-group, else (zigzag) less the segment before's.
    later = first[~new_group[first]]
    before = first[np.searchsorted(first, later) - 1]
    value[later] = _zigzag(evidence_id[later] - evidence_id[before])
    # Each pair writes: the format byte (first of its subject-group), the segment's head (first of its
    # segment) and its id; the kept cells of this table, row by row, are the numbers in order.
    table = np.stack([np.full(len(group), FORMAT), head, criterion, value], axis=1)
    keep = np.stack([new_group, new_segment, new_segment, np.ones_like(new_group)], axis=1)
    numbers = table[keep]
    encoded, lengths = _leb128(numbers, with_lengths=True)
    # The byte where each subject-group starts: the pair's first number's position in the encoding.
    number_start = np.cumsum(keep.sum(axis=1)) - keep.sum(axis=1)
    byte_start = np.concatenate([[0], np.cumsum(lengths)])
    bounds = byte_start[np.append(number_start[new_group], len(numbers))].tolist()
    data = encoded.tobytes()
    for row, low, high in zip((group[new_group] - start).tolist(), bounds[:-1], bounds[1:], strict=True):
        out[row] = data[low:high]
    return out


def _zigzag(difference: Any) -> Any:
    """A difference of either sign as a number >= 0: 2d for d >= 0, -2d - 1 below (a number or an array)."""
    if isinstance(difference, int):
        return difference * 2 if difference >= 0 else -difference * 2 - 1
    import numpy as np

    return np.where(difference >= 0, difference * 2, -difference * 2 - 1)


def _starts(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    import numpy as np

    starts = np.ones(len(values), dtype=np.bool_)
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _leb128(numbers: Ints, *, with_lengths: bool = False) -> Any:
    """Unsigned LEB128 of non-negative numbers, concatenated (and the length of each)."""
    if len(numbers) and int(numbers.min()) < 0:
        raise ValueError("stored explanations hold no negative numbers")
    import numpy as np

    lengths = np.ones(len(numbers), dtype=np.int64)
    for shift in range(7, 63, 7):
        lengths += numbers >= (1 << shift)
    ends = np.cumsum(lengths)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    begins = ends - lengths
    for index in range(int(lengths.max()) if len(lengths) else 0):
        has = lengths > index
        byte = (numbers[has] >> (7 * index)) & 0x7F
        byte |= np.where(lengths[has] > index + 1, 0x80, 0)
        out[begins[has] + index] = byte
    return (out, lengths) if with_lengths else out
