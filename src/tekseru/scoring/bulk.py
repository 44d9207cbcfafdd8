"""Vectorised scoring of many subject-groups at once (NumPy), with the engine's results exactly.

A subject-group is one subject assessed in one homogeneous group. The evidence of all of them arrives as
parallel arrays (`EvidenceColumns`); the result is one array element per subject-group, and the status of
each evidence record. Which evidence counts is decided by the rules of `evidence_rules`, as in
`engine.score_group`, and the arithmetic repeats `formula` operation by operation so the floats are
bit-identical (the property tests compare them with ==).

How: a boolean matrix with a cell per (subject-group, criterion) deduplicates "found" (distinct rows);
the evidence is scanned in cache-sized slices, each record that passes the per-record tests marks its
cell, and the complaints that pass are counted per cell against the threshold. The matrix is then packed
into a bitset, and per-severity popcounts give the found counts (sums of weights when an edition weighs
criteria, added in the engine's order).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from tekseru.catalog.schema import Severity
from tekseru.scoring.columns import (
    SEVERITY_CODES,
    BoolArray,
    EvidenceColumns,
    FloatArray,
    GroupMatrix,
    IntArray,
)
from tekseru.scoring.evidence_rules import (
    COUNTED,
    STATUS,
    Judgement,
    Statuses,
    cell_code,
    enough_complaints,
    is_complaint,
    statuses,
)
from tekseru.scoring.formula import SCORE_FACTOR, weighted_total
from tekseru.scoring.result import IgnoreReason
from tekseru.scoring.rules import RiskClass, ScoringRules

_WORD_BITS = 32
Words = npt.NDArray[np.uint32]
# Records per slice of the scan: small enough for the temporaries to stay in the CPU cache.
_CHUNK = 1 << 17


@dataclass(frozen=True)
class BulkScores:
    """Scores of N subject-groups; element i belongs to subject-group row i.

    `risk_class` holds codes into `class_names` (ascending: low, medium, high). `counted` is a bitset:
    row i is `width` bits (a whole number of 32-bit words) packed little-endian into bytes, and bit c is
    set when criterion c counted for subject-group i. `status` has one element per evidence record, in
    the order of the evidence columns: COUNTED or the code of the reason it did not count
    (`evidence_rules`), which is what an explanation tells.
    """

    score: FloatArray
    raw_score: FloatArray
    risk_class: npt.NDArray[np.int8]
    significant_part: FloatArray
    minor_part: FloatArray
    gross: BoolArray
    counted: npt.NDArray[np.uint8]
    width: int
    class_names: tuple[RiskClass, ...]
    status: Statuses

    def __len__(self) -> int:
        return len(self.score)

    def counted_criteria(self, row: int) -> tuple[int, ...]:
        bits = np.unpackbits(self.counted[row], count=self.width, bitorder="little")
        return tuple(int(criterion) for criterion in np.flatnonzero(bits))

    def class_of(self, row: int) -> RiskClass:
        return self.class_names[int(self.risk_class[row])]


def score_bulk(
    rules: ScoringRules,
    matrix: GroupMatrix,
    group_of: IntArray,
    evidence: EvidenceColumns,
    as_of: date,
    *,
    workers: int = 1,
) -> BulkScores:
    """Score every subject-group; `group_of[i]` is the row of subject-group i's group in `matrix`.

    `workers` > 1 scans the evidence in that many threads (NumPy releases the GIL in the array loops);
    the result does not depend on it.
    """
    group_of = np.asarray(group_of)
    _check_rows(group_of, matrix, evidence)
    width = max(matrix.width, int(evidence.criterion.max()) + 1 if len(evidence) else 0)
    # Whole 32-bit words per row let the flat matrix pack straight into the bitset's words.
    matrix = matrix.padded(-(-width // _WORD_BITS) * _WORD_BITS)
    counted, status = judge(rules, matrix, group_of, evidence, as_of, workers=workers)
    return _scores(rules, matrix, group_of, counted, status)


def _check_rows(group_of: IntArray, matrix: GroupMatrix, evidence: EvidenceColumns) -> None:
    if len(group_of) and (group_of.min() < 0 or group_of.max() >= len(matrix.groups)):
        raise ValueError("group_of must hold rows of the group matrix")
    if len(evidence):
        if evidence.subject_group.min() < 0 or evidence.subject_group.max() >= len(group_of):
            raise ValueError("evidence.subject_group must hold rows 0..N-1 of group_of")
        if evidence.criterion.min() < 0:
            raise ValueError("criterion numbers must not be negative")


def judge(
    rules: ScoringRules,
    matrix: GroupMatrix,
    group_of: IntArray,
    evidence: EvidenceColumns,
    as_of: date,
    *,
    workers: int = 1,
) -> tuple[BoolArray, Statuses]:
    """Flat N x width boolean matrix, True where the criterion counts for the subject-group; and the
    status of every evidence record (`evidence_rules`)."""
    judgement = Judgement.of(rules, as_of)
    scan = _Scan.prepare(judgement, matrix, group_of)
    counted = np.zeros(len(group_of) * matrix.width, dtype=np.bool_)
    status = np.empty(len(evidence), dtype=np.int8)
    chunks = [(start, min(start + _CHUNK, len(evidence))) for start in range(0, len(evidence), _CHUNK)]

    def run(chunk: tuple[int, int]) -> tuple[IntArray, IntArray]:
        return scan.run(evidence, counted, status, *chunk)

    if workers > 1 and len(chunks) > 1:
        # Threads only ever write True into `counted`, so slices that share a cell cannot disagree;
        # each writes the statuses of its own slice.
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(run, chunks))
    else:
        parts = [run(chunk) for chunk in chunks]
    if parts:
        positions, keys = (np.concatenate(column) for column in zip(*parts, strict=True))
        _count_complaints(judgement, counted, status, positions, keys)
    return counted, status


def _count_complaints(
    judgement: Judgement, counted: BoolArray, status: Statuses, positions: IntArray, keys: IntArray
) -> None:
    """Complaints that passed every test count where their cell holds enough of them; the others are
    below the threshold. Complaints are a small share of the records, so sorting them to count is cheap."""
    if not len(keys):
        return
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    enough = enough_complaints(counts, judgement)
    counted[unique[enough]] = True
    status[positions[~enough[inverse.ravel()]]] = STATUS[IgnoreReason.BELOW_COMPLAINT_THRESHOLD]


class _Records(NamedTuple):
    """A slice of the evidence in the fields `evidence_rules` tests."""

    cell: npt.NDArray[np.uint8]
    source_group: IntArray
    observed_on: IntArray
    confirmed: IntArray
    used_on: IntArray


@dataclass(frozen=True)
class _Scan:
    """Everything the per-record scan needs, computed once per call."""

    cell_code: npt.NDArray[np.uint8]
    group_of: IntArray  # the narrowest dtype that holds the group rows: its gather is cache-friendly
    width: int
    judgement: Judgement

    @classmethod
    def prepare(cls, judgement: Judgement, matrix: GroupMatrix, group_of: IntArray) -> _Scan:
        code = cell_code(matrix.applicable, matrix.source_group, judgement)
        narrow = np.uint8 if len(matrix.groups) <= 255 else np.int32
        return cls(
            cell_code=np.asarray(code).astype(np.uint8).ravel(),
            group_of=group_of.astype(narrow),
            width=matrix.width,
            judgement=judgement,
        )

    def run(
        self, evidence: EvidenceColumns, counted: BoolArray, status: Statuses, start: int, stop: int
    ) -> tuple[IntArray, IntArray]:
        """Judge the records of [start, stop) into `status`, mark the cells of those that count alone;
        return the positions and keys of the complaints that passed (the threshold needs them all).

        The key of a record is its cell in `counted` (subject-group row x width + criterion).
        """
        rows = evidence.subject_group[start:stop]
        criterion = evidence.criterion[start:stop]
        # np.take and np.compress rather than fancy and boolean indexing: same result, several times
        # faster on these small index types in the NumPy versions tekseru supports.
        cell = np.take(self.group_of, rows).astype(np.int32) * np.int32(self.width) + criterion
        records = _Records(
            cell=np.take(self.cell_code, cell),
            source_group=evidence.source_group[start:stop],
            observed_on=evidence.observed_on[start:stop],
            confirmed=evidence.confirmed[start:stop],
            used_on=evidence.used_on[start:stop],
        )
        judged = statuses(records, self.judgement)
        status[start:stop] = judged
        passed = judged == COUNTED
        complaint = is_complaint(records, self.judgement)
        key = rows.astype(np.int64, copy=False) * self.width + criterion
        counted[np.compress(passed & ~complaint, key)] = True
        candidates = np.flatnonzero(passed & complaint)
        return candidates + start, np.take(key, candidates)


def _scores(
    rules: ScoringRules, matrix: GroupMatrix, group_of: IntArray, counted: BoolArray, status: Statuses
) -> BulkScores:
    n, width = len(group_of), matrix.width
    packed = _pack(counted, n, width)
    found = _found_unit if _unit_weights(rules, width) else _found_weighted
    significant_found, minor_found = found(rules, matrix, counted, packed)
    significant_applicable = _applicable(rules, matrix, group_of, Severity.SIGNIFICANT)
    minor_applicable = _applicable(rules, matrix, group_of, Severity.MINOR)
    significant = _share(
        significant_found, significant_applicable, rules.score_scale, rules.significant_weight
    )
    minor = _share(minor_found, minor_applicable, rules.score_scale, rules.minor_weight)
    gross = _popcount(packed, _severity_mask(matrix, Severity.GROSS)) > 0
    raw = np.where(gross, rules.gross_violation_score, significant + minor)
    return _finish(rules, raw, significant, minor, gross, packed.view(np.uint8), width, status)


def _pack(counted: BoolArray, rows: int, width: int) -> Words:
    """The flat matrix as a bitset, one row of 32-bit words per subject-group (bit c is criterion c)."""
    packed = np.packbits(counted, bitorder="little")
    return packed.view(np.uint32).reshape(rows, width // _WORD_BITS)


def _severity_mask(matrix: GroupMatrix, level: Severity) -> Words:
    return np.packbits(matrix.severity == SEVERITY_CODES[level], bitorder="little").view(np.uint32)


def _unit_weights(rules: ScoringRules, width: int) -> bool:
    return all(weight == 1.0 for criterion, weight in rules.criterion_weights.items() if criterion < width)


def _found_unit(
    rules: ScoringRules, matrix: GroupMatrix, counted: BoolArray, packed: Words
) -> tuple[FloatArray, FloatArray]:
    """Counts of found criteria by popcount; with unit weights the engine's sums are these integers."""

    def count(level: Severity) -> FloatArray:
        return _popcount(packed, _severity_mask(matrix, level)).astype(np.float64)

    return count(Severity.SIGNIFICANT), count(Severity.MINOR)


def _found_weighted(
    rules: ScoringRules, matrix: GroupMatrix, counted: BoolArray, packed: Words
) -> tuple[FloatArray, FloatArray]:
    """Weighted sums added in ascending criterion order per row, the order of `formula.weighted_total`."""
    n, width = packed.shape[0], matrix.width
    keys = np.flatnonzero(counted)
    rows = keys // width
    criteria = keys - rows * width
    severity = matrix.severity[criteria]
    weights = _weights(rules, width)

    def total(level: Severity) -> FloatArray:
        chosen = severity == SEVERITY_CODES[level]
        sums = np.bincount(rows[chosen], weights=weights[criteria[chosen]], minlength=n)
        return sums.astype(np.float64, copy=False)

    return total(Severity.SIGNIFICANT), total(Severity.MINOR)


def _popcount(words: Words, mask: Words) -> npt.NDArray[np.int64]:
    """Set bits of `words & mask` per row, one word column at a time (a reduction along a 3-wide axis is
    slower than adding the columns). NumPy 2 has a native popcount; older ones use a byte table."""
    counts = np.zeros(len(words), dtype=np.int64)
    for column, bits in enumerate(mask.tolist()):
        if bits:
            counts += _popcount_words(words[:, column] & np.uint32(bits))
    return counts


def _popcount_words(words: Words) -> npt.NDArray[np.integer[Any]]:
    native = getattr(np, "bitwise_count", None)
    if native is not None:
        counted: npt.NDArray[np.integer[Any]] = native(words)
        return counted
    table = np.array([bin(value).count("1") for value in range(256)], dtype=np.uint8)
    per_byte = table[np.ascontiguousarray(words).view(np.uint8)].reshape(len(words), 4)
    summed: npt.NDArray[np.int64] = per_byte.sum(axis=1, dtype=np.int64)
    return summed


def _applicable(rules: ScoringRules, matrix: GroupMatrix, group_of: IntArray, level: Severity) -> FloatArray:
    """Per subject-group, the weighted count of its group's applicable criteria of `level`."""
    totals = [weighted_total(profile.numbers(level), rules) for profile in matrix.profiles]
    return np.asarray(totals, dtype=np.float64)[group_of]


def _finish(
    rules: ScoringRules,
    raw: FloatArray,
    significant: FloatArray,
    minor: FloatArray,
    gross: BoolArray,
    packed: npt.NDArray[np.uint8],
    width: int,
    status: Statuses,
) -> BulkScores:
    score = round_scores(raw)
    return BulkScores(
        score=score,
        raw_score=raw,
        risk_class=class_codes(score, rules),
        significant_part=significant,
        minor_part=minor,
        gross=gross,
        counted=packed,
        width=width,
        class_names=tuple(RiskClass(bound.risk_class) for bound in rules.class_bounds),
        status=status,
    )


def _weights(rules: ScoringRules, width: int) -> FloatArray:
    weights = np.ones(width, dtype=np.float64)
    for criterion, weight in rules.criterion_weights.items():
        if criterion < width:
            weights[criterion] = weight
    return weights


def _share(found: FloatArray, applicable: FloatArray, scale: float, weight: float) -> FloatArray:
    """`formula.share_part` element-wise: the same division then the same two products, in order."""
    some = applicable > 0
    share: FloatArray = found / np.where(some, applicable, 1.0) * scale * weight
    return np.where(some, share, 0.0)


def round_scores(raw: FloatArray) -> FloatArray:
    """`formula.round_score` element-wise."""
    rounded: FloatArray = np.floor(raw * SCORE_FACTOR + 0.5) / SCORE_FACTOR
    return rounded


def class_codes(published: FloatArray, rules: ScoringRules) -> npt.NDArray[np.int8]:
    """`formula.risk_class_index` element-wise on published (rounded) scores: the first class whose top
    is >= the score, that is the number of lower classes whose top the score exceeds."""
    codes = np.zeros(len(published), dtype=np.int8)
    for bound in rules.class_bounds[:-1]:
        codes += published > bound.up_to
    return codes


def normalise_bulk(bulk: BulkScores, group_of: IntArray, rules: ScoringRules) -> BulkScores:
    """`engine.normalise_group_scores` for every homogeneous group at once (identity for "none")."""
    if rules.normalisation == "none":
        return bulk
    value = bulk.raw_score.copy()
    for group in np.unique(group_of):
        members = group_of == group
        raw = bulk.raw_score[members]
        low, high = raw.min(), raw.max()
        if low != high:
            value[members] = (raw - low) / (high - low) * rules.score_scale
    score = round_scores(value)
    return _replace_scores(bulk, score, class_codes(score, rules))


def _replace_scores(bulk: BulkScores, score: FloatArray, codes: npt.NDArray[np.int8]) -> BulkScores:
    fields: dict[str, Any] = dict(bulk.__dict__)
    fields.update(score=score, risk_class=codes)
    return BulkScores(**fields)
