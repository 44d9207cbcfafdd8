"""A range of half-years is said with each half-year in the case its phrase needs ("с первое полугодие"
was wrong): the words of `tekseru demo --history`."""

from __future__ import annotations

import pytest

from tekseru.i18n import format_half_year_range


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "с первого полугодия 2024 года по второе полугодие 2026 года"),
        ("kk", "2024 жылғы бірінші жартыжылдықтан 2026 жылғы екінші жартыжылдыққа дейін"),
        ("en", "from the first half of 2024 to the second half of 2026"),
    ],
)
def test_a_range_of_half_years(language: str, said: str) -> None:
    assert format_half_year_range("2024-H1", "2026-H2", language) == said


def test_the_second_half_starts_in_the_genitive_too() -> None:
    assert format_half_year_range("2024-H2", "2025-H1", "ru") == (
        "со второго полугодия 2024 года по первое полугодие 2025 года"
    )
    assert format_half_year_range("2025-H1", "2025-H1", "ru") == "первое полугодие 2025 года"
