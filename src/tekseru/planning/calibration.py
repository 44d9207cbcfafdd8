"""Calibration of the risk score against what visits found, and each criterion's lift (docs/backtesting.md).

Rates come with Wilson score intervals (95 %): they stay inside 0..1 and are honest for small counts and
for rates of 0 or 1, where the normal approximation is not.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson(found: int, total: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of `found` successes in `total` trials; None for no trials."""
    if total <= 0:
        return None
    share = found / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    # At 0 and at `total` found the bound is exactly 0 or 1; the floats land a rounding error off it.
    low = 0.0 if found == 0 else max(0.0, centre - half)
    high = 1.0 if found == total else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Rate:
    """Visits of one kind (a risk class, a score band) and how many found a violation."""

    label: str
    visits: int
    found: int

    @property
    def rate(self) -> float | None:
        return None if not self.visits else self.found / self.visits

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.found, self.visits)

    def to_dict(self) -> dict[str, Any]:
        interval = self.interval
        return {
            "label": self.label,
            "visits": self.visits,
            "found": self.found,
            "rate": self.rate,
            "low": None if interval is None else interval[0],
            "high": None if interval is None else interval[1],
        }


@dataclass(frozen=True)
class CriterionLift:
    """Visits to subjects the criterion counted for (`with_*`) and to the others (`without_*`)."""

    criterion: int
    with_visits: int
    with_found: int
    without_visits: int
    without_found: int

    @property
    def with_rate(self) -> float | None:
        return None if not self.with_visits else self.with_found / self.with_visits

    @property
    def without_rate(self) -> float | None:
        return None if not self.without_visits else self.without_found / self.without_visits

    @property
    def lift(self) -> float | None:
        """How many times likelier a finding is where the criterion counted; None when undefined."""
        with_rate, without_rate = self.with_rate, self.without_rate
        if with_rate is None or not without_rate:
            return None
        return with_rate / without_rate

    def to_dict(self) -> dict[str, Any]:
        interval = wilson(self.with_found, self.with_visits)
        return {
            "criterion": self.criterion,
            "with_visits": self.with_visits,
            "with_found": self.with_found,
            "with_rate": self.with_rate,
            "with_low": None if interval is None else interval[0],
            "with_high": None if interval is None else interval[1],
            "without_visits": self.without_visits,
            "without_found": self.without_found,
            "without_rate": self.without_rate,
            "lift": self.lift,
        }


def rates_by_class(outcomes: Iterable[tuple[str, bool]], class_order: Sequence[str] = ()) -> tuple[Rate, ...]:
    """Violation rate per risk class, in `class_order` (then any other class by name); every class of
    `class_order` appears, with no visits if none was made."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for risk_class, found in outcomes:
        counts[risk_class][0] += 1
        counts[risk_class][1] += found
    names = list(class_order) + sorted(set(counts) - set(class_order))
    return tuple(Rate(name, *counts.get(name, [0, 0])) for name in names)


def band_of(score: float, width: int) -> int:
    """Bands are closed on the right, (0, w], (w, 2w], ..., with 0 in the first: class bounds such as
    "low up to 30" then fall on band edges."""
    return max(math.ceil(score / width) - 1, 0)


def rates_by_band(outcomes: Iterable[tuple[float, bool]], width: int) -> tuple[Rate, ...]:
    """Violation rate per score band of `width` points, from the lowest band to the highest seen."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for score, found in outcomes:
        band = counts[band_of(score, width)]
        band[0] += 1
        band[1] += found
    top = max(counts, default=-1)
    return tuple(
        Rate(f"{band * width}–{(band + 1) * width}", *counts.get(band, [0, 0])) for band in range(top + 1)
    )


def criterion_lift(visits: Sequence[tuple[frozenset[int], bool]]) -> tuple[CriterionLift, ...]:
    """Per criterion that counted for at least one visited subject: the finding rates with and without it."""
    total = len(visits)
    total_found = sum(found for _, found in visits)
    with_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for fired, found in visits:
        for criterion in fired:
            with_counts[criterion][0] += 1
            with_counts[criterion][1] += found
    return tuple(
        CriterionLift(criterion, n, hits, total - n, total_found - hits)
        for criterion, (n, hits) in sorted(with_counts.items())
    )
