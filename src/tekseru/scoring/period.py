"""Calendar arithmetic for the assessed period."""

from __future__ import annotations

import calendar
from datetime import date


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the end of a shorter month.

    29 February 2024 minus 12 months is 28 February 2023: the period keeps its length in months rather
    than in days, as a limitation period counted in months does.
    """
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))
