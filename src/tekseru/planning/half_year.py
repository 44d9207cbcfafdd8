"""The half-year a semi-annual list is formed for, written "2027-H1" (January-June) or "2027-H2"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tekseru.message import Explained

_PATTERN = re.compile(r"(?P<year>\d{4})-H(?P<half>[12])")
MONTHS_IN_HALF_YEAR = 6


class InvalidHalfYear(Explained, ValueError):
    """A half-year written in some other way than YYYY-H1 or YYYY-H2."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier when negative), clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            refused = InvalidHalfYear(f"half must be 1 or 2, got {self.half!r}")
            raise refused.saying("refusal.half_year.half", half=repr(self.half))
        if not 1 <= self.year <= 9999:
            refused = InvalidHalfYear(f"year must be between 1 and 9999, got {self.year!r}")
            raise refused.saying("refusal.half_year.year", year=repr(self.year))

    @classmethod
    def parse(cls, text: str) -> HalfYear:
        """Read "2027-H1" or "2027-H2"; anything else raises InvalidHalfYear saying what is expected."""
        match = _PATTERN.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise InvalidHalfYear(
                f"{text!r} is not a half-year: write the year and H1 (January-June) or H2 (July-December),"
                " for example 2027-H1"
            ).saying("refusal.half_year.text", text=repr(text))
        return cls(int(match["year"]), int(match["half"]))

    @classmethod
    def containing(cls, day: date) -> HalfYear:
        return cls(day.year, 1 if day.month <= MONTHS_IN_HALF_YEAR else 2)

    @property
    def months(self) -> tuple[int, ...]:
        """The month numbers (1-12) of the half-year, in order."""
        first = 1 if self.half == 1 else MONTHS_IN_HALF_YEAR + 1
        return tuple(range(first, first + MONTHS_IN_HALF_YEAR))

    @property
    def start(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def end(self) -> date:
        """The last day of the half-year (30 June or 31 December)."""
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> HalfYear:
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    def previous(self) -> HalfYear:
        return HalfYear(self.year - 1, 2) if self.half == 1 else HalfYear(self.year, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-H{self.half}"
