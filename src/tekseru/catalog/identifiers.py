"""IIN and BIN, the 12-digit identifiers of persons and legal persons (ЖСН / БСН, ИИН / БИН).

Digit 12 is a check digit: the sum of the first 11 digits times the weights 1..11, modulo 11; when that is
10, the sum again with the weights 3..11, 1, 2, modulo 11; when that is 10 again, no valid identifier has
these 11 digits. The same rule holds for IIN and BIN, so one validator serves both.
"""

from __future__ import annotations

from collections.abc import Iterator

LENGTH = 12
_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


class InvalidIdentifier(ValueError):
    """A string that is not a valid IIN/BIN; the message says why in words a user can act on."""


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when both weight sets give 10 (no valid number exists)."""
    if len(first_eleven) != LENGTH - 1 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise InvalidIdentifier(f"expected 11 digits, got {first_eleven!r}")
    digits = [int(character) for character in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def validate_identifier(value: str, kind: str = "BIN") -> str:
    """The identifier without surrounding spaces, or InvalidIdentifier saying what is wrong with it."""
    text = value.strip()
    if not text:
        raise InvalidIdentifier(f"the {kind} is empty; it must have 12 digits")
    if not text.isascii() or not text.isdigit():
        raise InvalidIdentifier(f"{text!r} is not a valid {kind}: it must have only digits 0-9")
    if len(text) != LENGTH:
        raise InvalidIdentifier(f"{text!r} is not a valid {kind}: it must have 12 digits, it has {len(text)}")
    expected = check_digit(text[:-1])
    if expected is None:
        raise InvalidIdentifier(
            f"{text!r} is not a valid {kind}: its first 11 digits admit no check digit (the sum is 10 "
            "with both weight sets)"
        )
    if int(text[-1]) != expected:
        raise InvalidIdentifier(
            f"{text!r} is not a valid {kind}: the check digit (the last one) is {text[-1]}, "
            f"expected {expected}"
        )
    return text


def is_valid_identifier(value: str) -> bool:
    try:
        validate_identifier(value)
    except InvalidIdentifier:
        return False
    return True


def make_bin(first_eleven: str) -> str:
    """A valid BIN (or IIN) from its first 11 digits; InvalidIdentifier when no check digit exists."""
    digit = check_digit(first_eleven)
    if digit is None:
        raise InvalidIdentifier(f"no valid identifier starts with {first_eleven!r}: both weight sets give 10")
    return f"{first_eleven}{digit}"


def demo_bins(count: int, prefix: str = "2204400") -> Iterator[str]:
    """`count` distinct valid BINs for demos and benchmarks: `prefix` then a serial, skipping impossible ones.

    The default prefix reads as a BIN registered in April 2022 (digits 1-4 are year and month) by a legal
    person of kind 4, 0 (digits 5-6); the BINs are made up and belong to nobody.
    """
    serial_width = LENGTH - 1 - len(prefix)
    if serial_width < 1 or not prefix.isdigit():
        raise ValueError(f"the prefix must be 1 to 10 digits, got {prefix!r}")
    made = 0
    for serial in range(10**serial_width):
        if made == count:
            return
        digit = check_digit(f"{prefix}{serial:0{serial_width}d}")
        if digit is not None:
            made += 1
            yield f"{prefix}{serial:0{serial_width}d}{digit}"
    if made < count:
        raise ValueError(f"the prefix {prefix!r} leaves room for fewer than {count} BINs")
