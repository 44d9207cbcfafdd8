"""Stored explanations as codes: any explanation reads back as written, the bulk writer writes the same bytes
as the one-result writer, the codes are far smaller than the JSON they replace, and bytes that are not an
explanation are refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tekseru.scoring import IgnoreReason
from tekseru.store.explanation_codes import STATUSES, decode, encode, encode_many, status_codes

IDS = st.lists(st.integers(1, 2**40), min_size=1, max_size=6, unique=True).map(sorted)
CRITERIA = st.integers(0, 300).map(str)
EXPLANATIONS = st.fixed_dictionaries(
    {
        "counted": st.dictionaries(CRITERIA, IDS, max_size=4),
        "ignored": st.dictionaries(
            st.sampled_from(STATUSES[1:]), st.dictionaries(CRITERIA, IDS, min_size=1, max_size=3), max_size=3
        ),
    }
)


@settings(max_examples=300, deadline=None)
@given(EXPLANATIONS)
def test_an_explanation_reads_back_as_written(explanation: dict[str, object]) -> None:
    assert decode(encode(explanation)) == explanation


def test_the_codes_are_the_scoring_cores_reasons() -> None:
    assert STATUSES[1:] == tuple(reason.value for reason in IgnoreReason)
    with pytest.raises(ValueError, match="no code for"):
        status_codes(["counted", "a_new_reason"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6), st.integers(1, 95)), max_size=80), st.data())
def test_the_bulk_writer_writes_what_the_one_result_writer_does(
    pairs: list[tuple[int, int, int]], data: st.DataObject
) -> None:
    ids = data.draw(st.lists(st.integers(1, 10**9), min_size=len(pairs), max_size=len(pairs), unique=True))
    rows = sorted(
        (group, status, criterion, id_) for (group, status, criterion), id_ in zip(pairs, ids, strict=True)
    )
    columns = [np.array([row[i] for row in rows], dtype=np.int64) for i in range(4)]
    written = encode_many(*columns, 0, 31)
    for group in range(31):
        explanation: dict[str, dict[str, object]] = {"counted": {}, "ignored": {}}
        for _, status, criterion, id_ in (row for row in rows if row[0] == group):
            if status == 0:
                explanation["counted"].setdefault(str(criterion), []).append(id_)  # type: ignore[attr-defined]
            else:
                by_criterion = explanation["ignored"].setdefault(STATUSES[status], {})
                by_criterion.setdefault(str(criterion), []).append(id_)  # type: ignore[attr-defined]
        assert written[group] == encode(explanation)
        assert decode(written[group]) == explanation


def test_codes_take_a_fraction_of_the_json() -> None:
    # Ten records of a subject-group with ids of a registry of ten million records.
    rng = np.random.default_rng(7)
    ids = sorted(rng.integers(1_000_000, 10_000_000, 10).tolist())
    explanation = {
        "counted": {"12": ids[:3], "40": ids[3:4]},
        "ignored": {"outside_period": {"12": ids[4:8]}, "not_applicable_to_group": {"77": ids[8:]}},
    }
    stored = encode(explanation)
    assert len(stored) * 2 < len(json.dumps(explanation, separators=(",", ":")))
    assert decode(stored) == explanation


def test_explanations_stored_before_format_2_read_as_they_were() -> None:
    """Runs stored before migration 0020 kept format 1: status, criterion, count and the ids whole."""
    written = bytes([1, 0, 12, 2, 101, 1, 2, 7, 1, 9])  # counted 12: 101, 102; outside_period 7: 9
    assert decode(written) == {"counted": {"12": [101, 102]}, "ignored": {"outside_period": {"7": [9]}}}
    again = encode(decode(written))
    assert again[0] == 2 and decode(again) == decode(written)


def test_later_segments_write_their_first_id_from_the_one_before() -> None:
    ids = [5_000_000, 5_000_003, 4_999_990, 5_000_010]  # registries of millions of records
    explanation = {"counted": {"3": ids[:2], "9": ids[2:3]}, "ignored": {"after_as_of": {"3": ids[3:]}}}
    stored = encode(explanation)
    assert decode(stored) == explanation
    # the format byte; the first segment: head, criterion, its first id whole (4 bytes), the next id's
    # difference; the others: head, criterion and the difference of their first id, a byte each (format 1
    # wrote 24 bytes: each segment's count apart and its first id whole)
    assert len(stored) == 1 + (1 + 1 + 4 + 1) + 3 + 3


@pytest.mark.parametrize("data", [b"", b"\x03", b"\x01\x00\x05\x01\x80", b"\x02\x10\x01\x05"])
def test_bytes_that_are_no_explanation_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode(data)
