"""The bulk core's own contract: inputs it accepts or refuses, its bitset, chunks and threads."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from tekseru.scoring import (
    NEVER_USED,
    EvidenceColumns,
    GroupMatrix,
    RiskClass,
    day_number,
    score_bulk,
    score_group,
)
from tekseru.scoring.bulk import _CHUNK
from tekseru.scoring.columns import from_day_number
from tests.scoring.support import AS_OF, columns_for, fact, profile, rules_2022

HOME = profile("home_care", [(1, "gross", 1), (3, "significant", 1), (7, "minor", 2), (9, "minor", 4)])
ACCESS = profile("access", [(7, "minor", 2), (8, "minor", 3), (130, "significant", 3)])
MATRIX = GroupMatrix.from_profiles([HOME, ACCESS])


def test_subject_groups_without_evidence_score_zero() -> None:
    result = score_bulk(rules_2022(), MATRIX, [0, 1, 1], columns_for([]), AS_OF)
    assert result.score.tolist() == [0.0, 0.0, 0.0]
    assert [result.class_of(row) for row in range(3)] == [RiskClass.LOW] * 3
    assert result.counted_criteria(2) == ()


def test_an_empty_population() -> None:
    result = score_bulk(rules_2022(), MATRIX, np.zeros(0, dtype=np.int32), columns_for([]), AS_OF)
    assert len(result) == 0 and result.counted.shape == (0, 20)


def test_the_bitset_names_the_counted_criteria_beyond_one_word() -> None:
    evidence = [[fact(1, 3), fact(2, 1)], [fact(3, 130), fact(4, 8), fact(5, 3)]]
    result = score_bulk(rules_2022(), MATRIX, [0, 1], columns_for(evidence), AS_OF)
    assert result.counted_criteria(0) == (1, 3)
    assert result.counted_criteria(1) == (8, 130)
    assert result.counted.shape == (2, 20)  # 131 columns in five 32-bit words
    assert result.gross.tolist() == [True, False]
    assert result.score.tolist() == [100.0, 85.0]


def test_criteria_unknown_to_every_group_are_not_applicable() -> None:
    result = score_bulk(rules_2022(), MATRIX, [0], columns_for([[fact(1, 500), fact(2, 3)]]), AS_OF)
    assert result.counted_criteria(0) == (3,)
    assert result.width == 512  # criterion 500 fits, in whole 32-bit words


@pytest.mark.parametrize(
    ("group_of", "rows", "criterion", "message"),
    [
        ([0, 2], [0], [3], "group_of"),
        ([0, -1], [0], [3], "group_of"),
        ([0], [1], [3], "subject_group"),
        ([0], [-1], [3], "subject_group"),
        ([0], [0], [-3], "negative"),
    ],
)
def test_rows_and_criteria_out_of_range_are_refused(
    group_of: list[int], rows: list[int], criterion: list[int], message: str
) -> None:
    columns = EvidenceColumns(
        np.array(rows, dtype=np.int64),
        np.array(criterion, dtype=np.int32),
        np.array([1], dtype=np.int16),
        np.array([day_number(date(2024, 1, 1))], dtype=np.int32),
        np.array([-1], dtype=np.int8),
        np.array([NEVER_USED], dtype=np.int32),
    )
    with pytest.raises(ValueError, match=message):
        score_bulk(rules_2022(), MATRIX, group_of, columns, AS_OF)


def test_columns_must_be_integer_arrays_of_one_length() -> None:
    one = np.zeros(1, dtype=np.int32)
    with pytest.raises(ValueError, match="one length"):
        EvidenceColumns(one, one, one, one, one, np.zeros(2, dtype=np.int32))
    with pytest.raises(TypeError, match="integer"):
        EvidenceColumns(one, one, one, np.zeros(1, dtype=np.float64), one, one)


def test_a_criterion_must_mean_the_same_in_every_group() -> None:
    with pytest.raises(ValueError, match="criterion 3 differs"):
        GroupMatrix.from_profiles([HOME, profile("other", [(3, "minor", 1)])])


def test_the_popcount_without_numpy_2_gives_the_same_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    evidence = [[fact(1, 3), fact(2, 7), fact(3, 1)], [fact(4, 130), fact(5, 7), fact(6, 8)]]
    native = score_bulk(rules_2022(), MATRIX, [0, 1], columns_for(evidence), AS_OF)
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    table = score_bulk(rules_2022(), MATRIX, [0, 1], columns_for(evidence), AS_OF)
    assert table.score.tolist() == native.score.tolist() == [100.0, 100.0]
    assert table.gross.tolist() == [True, False]
    assert table.minor_part.tolist() == native.minor_part.tolist() == [15.0, 30.0]


def test_days_count_from_1970() -> None:
    assert day_number(date(1970, 1, 2)) == 1
    assert from_day_number(day_number(AS_OF)) == AS_OF
    assert day_number(date(9999, 12, 31)) < NEVER_USED


def random_columns(records: int, subject_groups: int, seed: int = 7) -> EvidenceColumns:
    rng = np.random.default_rng(seed)
    as_of = day_number(AS_OF)
    used = np.where(rng.random(records) < 0.2, as_of - rng.integers(-30, 300, records), NEVER_USED)
    return EvidenceColumns(
        rng.integers(0, subject_groups, records, dtype=np.int64),
        rng.integers(1, 12, records, dtype=np.int32),
        rng.integers(1, 5, records, dtype=np.int16),
        (as_of - rng.integers(-20, 500, records)).astype(np.int32),
        rng.integers(-1, 2, records, dtype=np.int8),
        used.astype(np.int32),
    )


def test_chunks_and_threads_do_not_change_the_result() -> None:
    records, subject_groups = 2 * _CHUNK + 1234, 5_000
    columns = random_columns(records, subject_groups)
    group_of = np.random.default_rng(3).integers(0, 2, subject_groups)
    one = score_bulk(rules_2022(), MATRIX, group_of, columns, AS_OF, workers=1)
    two = score_bulk(rules_2022(), MATRIX, group_of, columns, AS_OF, workers=2)
    for name in ("score", "raw_score", "risk_class", "significant_part", "minor_part", "gross", "counted"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
    assert len(one) == subject_groups
    # A sample of rows against the engine, facts rebuilt from the columns.
    for row in range(0, subject_groups, 250):
        indices = np.flatnonzero(columns.subject_group == row)
        facts = [
            fact(
                int(i),
                int(columns.criterion[i]),
                int(columns.source_group[i]),
                from_day_number(int(columns.observed_on[i])),
                None if columns.confirmed[i] < 0 else bool(columns.confirmed[i]),
                None if columns.used_on[i] == NEVER_USED else from_day_number(int(columns.used_on[i])),
            )
            for i in indices
        ]
        expected = score_group(rules_2022(), (HOME, ACCESS)[group_of[row]], facts, AS_OF)
        assert (float(one.score[row]), one.class_of(row)) == (expected.score, expected.risk_class)
        assert one.counted_criteria(row) == expected.counted_criteria
