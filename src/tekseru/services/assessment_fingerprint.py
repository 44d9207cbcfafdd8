"""The fingerprint of an assessment's inputs: sha256 of everything that decides its scores, in a canonical
order, so that the same registry, edition and date give the same fingerprint however the rows were stored.

What it covers: the edition id and the as-of date; every subject's BIN; every (BIN, control group) pair;
and every evidence record as (BIN, criterion, source group, date observed, confirmed, date used for a
visit). References, names and database ids are left out: they do not change a score, and ids depend on
the order rows were imported in. A run reused by fingerprint therefore names the evidence ids of the
database it was computed in, which are the ids of the same records as long as evidence is not deleted.

The canonical order is computed without sorting rows of several columns: each record's fields are
packed, losslessly, into one 64-bit number (field by field, each offset by its minimum and given as many
bits as its range needs; the layout is hashed too) and the numbers are sorted. When the fields need more
than 63 bits, the records are sorted by column instead (slower, same result).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import numpy as np
import numpy.typing as npt

from tekseru.store.assessment_load import NEVER_USED, EvidenceArrays, SubjectGroupArrays

Ints = npt.NDArray[np.int64]
_VERSION = 1
_KEY_BITS = 63


def inputs_fingerprint(
    edition_id: str, as_of: date, registry: SubjectGroupArrays, evidence: EvidenceArrays
) -> str:
    rank_of = _RankOf(registry)
    fields = _evidence_fields(evidence, rank_of(evidence.subject_id))
    layout = [(name, *_span(values)) for name, values in fields]
    header = {
        "version": _VERSION,
        "edition": edition_id,
        "as_of": as_of.isoformat(),
        "groups": list(registry.group_keys),
        "evidence_layout": layout,
        "evidence_records": len(evidence),
    }
    digest = hashlib.sha256(json.dumps(header, sort_keys=True).encode("utf-8"))
    digest.update(b"\nbins\n" + np.sort(registry.bins).astype("<i8").tobytes())
    groups = rank_of(registry.subject_id) * max(len(registry.group_keys), 1) + registry.group
    digest.update(b"\ngroups\n" + np.sort(groups).astype("<i8").tobytes())
    digest.update(b"\nevidence\n" + _canonical_evidence(fields, layout))
    return digest.hexdigest()


class _RankOf:
    """The rank of a subject's BIN among all BINs, looked up by subject id."""

    def __init__(self, registry: SubjectGroupArrays) -> None:
        ids = registry.subject_ids
        rank = np.empty(len(ids), dtype=np.int64)
        rank[np.argsort(registry.bins, kind="stable")] = np.arange(len(ids), dtype=np.int64)
        self._ids, self._rank = ids, rank
        small = len(ids) and ids.min() >= 0 and ids.max() < 4 * len(ids) + 2**20
        self._table: Ints | None = None
        if small:
            self._table = np.full(int(ids.max()) + 1, -1, dtype=np.int64)
            self._table[ids] = rank

    def __call__(self, subject_ids: Ints) -> Ints:
        if not len(subject_ids):
            return np.zeros(0, np.int64)
        if self._table is not None:
            return self._table[subject_ids]
        return self._rank[np.searchsorted(self._ids, subject_ids)]


def _span(values: Ints) -> tuple[int, int]:
    return (int(values.min()), int(values.max())) if len(values) else (0, 0)


def _evidence_fields(evidence: EvidenceArrays, bin_rank: Ints) -> list[tuple[str, Ints]]:
    used = evidence.used_on.astype(np.int64)
    # "Never used" becomes the day before the earliest use, so the field spans only the real dates.
    used = np.where(used == NEVER_USED, (used.min() if len(used) else 0) - 1, used)
    return [
        ("bin_rank", bin_rank),
        ("criterion", evidence.criterion.astype(np.int64)),
        ("source_group", evidence.source_group.astype(np.int64)),
        ("observed_on", evidence.observed_on.astype(np.int64)),
        ("confirmed", evidence.confirmed.astype(np.int64)),
        ("used_on", used),
    ]


def _canonical_evidence(fields: list[tuple[str, Ints]], layout: list[tuple[str, int, int]]) -> bytes:
    """The records as sorted packed numbers, or as sorted rows when they do not fit in 63 bits."""
    bits = [max(int(high - low).bit_length(), 1) for _, low, high in layout]
    if sum(bits) <= _KEY_BITS:
        key = np.zeros(len(fields[0][1]), dtype=np.int64)
        for (_, values), (_, low, _), width in zip(fields, layout, bits, strict=True):
            key <<= width
            key |= values - low
        key.sort()
        return key.astype("<i8").tobytes()
    columns = [values for _, values in fields]
    order = np.lexsort(columns[::-1])
    return np.stack([column[order] for column in columns], axis=1).astype("<i8").tobytes()
