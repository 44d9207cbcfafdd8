"""Numbers, dates and moments in each language (CLDR), moments in the configured time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tekseru.i18n import format_date, format_datetime, format_decimal, local_time
from tekseru.i18n.formats import local_today


@pytest.mark.parametrize(
    ("language", "expected"), [("kk", "1\xa0234,50"), ("ru", "1\xa0234,50"), ("en", "1,234.50")]
)
def test_decimal_separators_follow_the_language(language: str, expected: str) -> None:
    assert format_decimal(1234.5, language) == expected


def test_scores_keep_two_decimals() -> None:
    assert format_decimal(100, "kk") == "100,00"
    assert format_decimal(23.333, "ru") == "23,33"
    assert format_decimal(7, "en", decimals=0) == "7"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_dates_are_written_as_official_documents_write_them(language: str) -> None:
    assert format_date(date(2027, 1, 2), language) == "02.01.2027"


def test_moments_are_shown_in_almaty_time_not_utc() -> None:
    late_evening_utc = datetime(2026, 12, 31, 21, 30, tzinfo=UTC)
    assert format_datetime(late_evening_utc, "kk", "Asia/Almaty") == "01.01.2027 02:30"
    naive_utc = datetime(2026, 12, 31, 21, 30)
    assert local_time(naive_utc, "Asia/Almaty").day == 1
    assert format_datetime(late_evening_utc, "ru", "UTC") == "31.12.2026 21:30"


def test_today_is_the_date_in_the_configured_zone() -> None:
    """At 23:30 UTC it is 04:30 the next morning in Almaty: that is today's date for every check and
    default (the tester found evidence of the morning refused as 'in the future')."""
    late_evening_utc = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert local_today("Asia/Almaty", late_evening_utc) == date(2026, 12, 7)
    assert local_today("UTC", late_evening_utc) == date(2026, 12, 6)
