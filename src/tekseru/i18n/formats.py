"""Numbers, dates and moments as a reader of each language expects them (CLDR data through Babel).

Dates print as the catalogue's `format.date` pattern (dd.MM.yyyy in every language: official documents
of Kazakhstan write dates so); numbers use the language's CLDR decimal and group separators; a moment is
shown in the configured time zone (the `time_zone` setting, Asia/Almaty by default), never in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal as _babel_decimal

from tekseru.i18n.catalogues import translate
from tekseru.i18n.words import half_year_words

if TYPE_CHECKING:  # imported where used: the planning package is not light to import (`tekseru --help`)
    from tekseru.planning.half_year import HalfYear


@lru_cache(maxsize=16384)
def format_decimal(value: float, language: str, decimals: int = 2) -> str:
    """`value` with exactly `decimals` decimals: 1 234,50 in kk and ru, 1,234.50 in en. Remembered: a
    page of subjects shows dozens of scores, Babel takes a tenth of a millisecond for each, and scores
    repeat."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _babel_decimal(value, format=pattern, locale=language, decimal_quantization=True)


def format_date(day: date, language: str) -> str:
    return _formatted_date(day, translate(language, "format.date"), language)


@lru_cache(maxsize=16384)
def _formatted_date(day: date, pattern: str, language: str) -> str:
    """Remembered, as numbers are: Babel takes a tenth of a millisecond for a date, a subject card shows
    dozens, and the dates of a registry repeat (an assessment's, a visit's)."""
    return _babel_date(day, pattern, locale=language)


def local_time(moment: datetime, zone: str) -> datetime:
    """`moment` in time zone `zone`; a moment without an offset is taken to be UTC, as the store keeps it."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone))


def local_day(moment: datetime, zone: str) -> date:
    """The date in time zone `zone` of `moment` (UTC when it has no offset, as the store keeps it): a list
    approved at 20:30 UTC on 1 March was approved on 2 March in Almaty."""
    return local_time(moment, zone).date()


def local_today(zone: str, now: datetime | None = None) -> date:
    """Today's date in time zone `zone` (the `time_zone` setting): in Kazakhstan a day begins five hours
    before it does in UTC, so a server's own date, or UTC's, is yesterday's until 05:00 in Almaty."""
    return local_time(now or datetime.now(UTC), zone).date()


def format_datetime(moment: datetime, language: str, zone: str) -> str:
    return _babel_datetime(local_time(moment, zone), translate(language, "format.datetime"), locale=language)


def format_half_year_range(start: HalfYear | str, end: HalfYear | str, language: str) -> str:
    """From one half-year to another as a reader says it, each in the case the phrase needs: "с первого
    полугодия 2024 года по второе полугодие 2026 года", "2024 жылғы бірінші жартыжылдықтан 2026 жылғы
    екінші жартыжылдыққа дейін" (one half-year: that half-year)."""
    from tekseru.planning.half_year import HalfYear

    first, last = (value if isinstance(value, HalfYear) else HalfYear.parse(value) for value in (start, end))
    if first == last:
        return format_half_year(first, language)

    def said(role: str, half_year: HalfYear) -> str:
        half = "first" if half_year.half == 1 else "second"
        return translate(language, f"polish.half_year.{role}.{half}", year=half_year.year)

    return translate(language, "polish.half_year.range", start=said("from", first), end=said("to", last))


def format_half_year(half_year: HalfYear | str, language: str) -> str:
    """ "2027-H1" as a reader says it: "2027 жылғы бірінші жартыжылдық", "первое полугодие 2027 года" (the
    printed lists say it the same way: both use `half_year_title`)."""
    from tekseru.planning.half_year import HalfYear
    from tekseru.planning.table import half_year_title

    parsed = half_year if isinstance(half_year, HalfYear) else HalfYear.parse(half_year)
    return half_year_title(parsed, half_year_words(language))
