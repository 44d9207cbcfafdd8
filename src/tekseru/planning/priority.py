"""The planning order, "highest risk first": the one definition that the semi-annual list, the registry's
table and a run's results sort by, so that "the highest-risk subject" has one answer everywhere.

Score, then the counts of gross, significant and minor criteria violated, all larger first; then the
longest since the last visit (never visited first). Each step is a field and whether larger comes first;
the list then breaks what is still equal by BIN and subject id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

# (field, larger first); `last_visit_on` is the one date: earlier first, none before any.
PRIORITY_ORDER: tuple[tuple[str, bool], ...] = (
    ("score", True),
    ("gross_count", True),
    ("significant_count", True),
    ("minor_count", True),
    ("last_visit_on", False),
)
TIE_BREAK = tuple(name for name, _ in PRIORITY_ORDER[1:])  # what decides between equal scores
SEVERITIES = ("gross", "significant", "minor")


def priority_values(values: Mapping[str, object]) -> tuple[object, ...]:
    """The sort key of one subject-group from its PRIORITY_ORDER fields."""
    key: list[object] = []
    for name, larger_first in PRIORITY_ORDER:
        value = values[name]
        if name == "last_visit_on":
            key.append((0, 0) if value is None else (1, _ordinal(value)))
        else:
            number = float(value)  # type: ignore[arg-type]
            key.append(-number if larger_first else number)
    return tuple(key)


def _ordinal(value: object) -> int:
    if not isinstance(value, date):
        raise TypeError(f"last_visit_on must be a date, not {type(value).__name__}")
    return value.toordinal()


def severity_counts(violated: Iterable[int], severity_of: Mapping[int, str]) -> dict[str, int]:
    """How many distinct violated criteria are gross, significant and minor (by the edition's severities,
    given as criterion -> "gross" | "significant" | "minor"; criteria it does not know count for none)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for number in set(violated):
        severity = severity_of.get(number)
        if severity in counts:
            counts[severity] += 1
    return {f"{severity}_count": count for severity, count in counts.items()}
