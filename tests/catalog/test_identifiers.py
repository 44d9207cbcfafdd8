"""IIN/BIN check digits (DOMAIN.md section 4), with the sums worked out by hand in the comments."""

from __future__ import annotations

import itertools

import pytest

from tekseru.catalog.identifiers import (
    InvalidIdentifier,
    check_digit,
    demo_bins,
    is_valid_identifier,
    make_bin,
    validate_identifier,
)

# (first 11 digits, check digit, how)
HAND_WORKED = [
    # 9*1 + 9*2 + 0*3 + 1*4 + 4*5 + 0*6..9 + 3*10 + 8*11 = 169; 169 mod 11 = 4
    ("99014000038", 4, "first weights"),
    # 0 ... 0 + 1*11 = 11; 11 mod 11 = 0
    ("00000000001", 0, "first weights"),
    # 1*1 + 2*2 + ... + 9*9 + 0*10 + 1*11 = 296; mod 11 = 10, so again with 3..11,1,2:
    # 1*3 + 2*4 + 3*5 + 4*6 + 5*7 + 6*8 + 7*9 + 8*10 + 9*11 + 0*1 + 1*2 = 377; 377 mod 11 = 3
    ("12345678901", 3, "second weights"),
]


@pytest.mark.parametrize(("first_eleven", "digit", "how"), HAND_WORKED)
def test_check_digit_matches_the_hand_worked_sums(first_eleven: str, digit: int, how: str) -> None:
    assert check_digit(first_eleven) == digit
    assert validate_identifier(first_eleven + str(digit)) == first_eleven + str(digit)
    assert make_bin(first_eleven) == first_eleven + str(digit)


def _impossible() -> str:
    for digits in itertools.product("0123456789", repeat=4):
        candidate = "0000000" + "".join(digits)
        if check_digit(candidate) is None:
            return candidate
    raise AssertionError("no impossible prefix found")


def test_ten_with_both_weight_sets_means_no_valid_identifier() -> None:
    first_eleven = _impossible()
    digits = [int(c) for c in first_eleven]
    assert sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11 == 10
    assert sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11 == 10
    for last in "0123456789":
        with pytest.raises(InvalidIdentifier, match="admit no check digit"):
            validate_identifier(first_eleven + last)
    with pytest.raises(InvalidIdentifier, match="no valid identifier starts with"):
        make_bin(first_eleven)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "the BIN is empty; it must have 12 digits"),
        ("   ", "the BIN is empty"),
        ("99014000038", "it must have 12 digits, it has 11"),
        ("9901400003840", "it must have 12 digits, it has 13"),
        ("99014000038A", "it must have only digits 0-9"),
        ("９９０１４００００３８４", "it must have only digits 0-9"),
        ("990140000385", "the check digit (the last one) is 5, expected 4"),
    ],
)
def test_invalid_identifiers_say_why(value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as raised:
        validate_identifier(value)
    assert message in str(raised.value)
    assert not is_valid_identifier(value)


def test_surrounding_spaces_are_trimmed_and_the_kind_named() -> None:
    assert validate_identifier(" 990140000384 ") == "990140000384"
    with pytest.raises(InvalidIdentifier, match="not a valid IIN"):
        validate_identifier("990140000385", kind="IIN")


def test_check_digit_needs_eleven_digits() -> None:
    with pytest.raises(InvalidIdentifier, match="expected 11 digits"):
        check_digit("123")


def test_demo_bins_are_distinct_valid_and_as_many_as_asked() -> None:
    made = list(demo_bins(500))
    assert len(made) == len(set(made)) == 500
    assert all(is_valid_identifier(value) and value.startswith("2204400") for value in made)
    assert list(demo_bins(0)) == []


def test_demo_bins_refuse_a_prefix_without_room() -> None:
    with pytest.raises(ValueError, match="fewer than"):
        list(demo_bins(20, prefix="9901400003"))
    with pytest.raises(ValueError, match="1 to 10 digits"):
        list(demo_bins(1, prefix="99014000038"))
