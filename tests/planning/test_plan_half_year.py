from datetime import date

import pytest

from tekseru.planning import HalfYear, InvalidHalfYear
from tekseru.planning.half_year import add_months


def test_first_half_year() -> None:
    half_year = HalfYear.parse("2027-H1")
    assert (half_year.year, half_year.half) == (2027, 1)
    assert half_year.start == date(2027, 1, 1)
    assert half_year.end == date(2027, 6, 30)
    assert half_year.months == (1, 2, 3, 4, 5, 6)
    assert str(half_year) == "2027-H1"


def test_second_half_year() -> None:
    half_year = HalfYear.parse(" 2027-H2 ")
    assert half_year.start == date(2027, 7, 1)
    assert half_year.end == date(2027, 12, 31)
    assert half_year.months == (7, 8, 9, 10, 11, 12)
    assert str(half_year) == "2027-H2"


@pytest.mark.parametrize(
    "text", ["2027-H3", "2027-H0", "2027H1", "27-H1", "2027-h1", "2027-1", "", "H1-2027"]
)
def test_bad_half_year_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(InvalidHalfYear, match="for example 2027-H1"):
        HalfYear.parse(text)


def test_half_must_be_one_or_two() -> None:
    with pytest.raises(InvalidHalfYear):
        HalfYear(2027, 3)


def test_neighbours_order_and_containment() -> None:
    h1, h2 = HalfYear(2027, 1), HalfYear(2027, 2)
    assert h1.next() == h2 and h2.previous() == h1
    assert h2.next() == HalfYear(2028, 1) and h1.previous() == HalfYear(2026, 2)
    assert h1 < h2 < HalfYear(2028, 1)
    assert h1.contains(date(2027, 6, 30)) and not h1.contains(date(2027, 7, 1))
    assert HalfYear.containing(date(2027, 7, 1)) == h2
    assert HalfYear.parse(str(h2)) == h2


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 1), -12, date(2026, 1, 1)),
        (date(2027, 7, 1), -12, date(2026, 7, 1)),
        (date(2027, 1, 1), -18, date(2025, 7, 1)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2027, 1, 1), 0, date(2027, 1, 1)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
