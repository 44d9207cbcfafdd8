"""Reconciling the three rosters (provider, E-Sobes, portal) by IIN for every provider, in SQL.

The database does the bulk work in one pass over the roster index (iin, provider_bin, source, starts_on):
for each source it keeps a recipient's latest stay with the provider that started by the date, puts the
three sources side by side, and returns only the pairs (IIN, provider) where something disagrees, with a
flag per kind of discrepancy. A second query finds recipients with two providers for overlapping dates.
What each kind means is in docs/rosters.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import BindParameter, Connection, Date, Integer, RowMapping, String, bindparam, text

PAIR_KINDS = (
    "missing_in_esobes",
    "missing_in_portal",
    "missing_in_provider",
    "after_end_date",
    "service_form_mismatch",
    "date_mismatch",
)
DUPLICATE = "duplicate_across_providers"
KINDS = (*PAIR_KINDS, DUPLICATE)
SOURCES = ("provider", "esobes", "portal")
_FAR = date(9999, 12, 31)


def _side(prefix: str, source: str) -> str:
    pick = f"CASE WHEN source = '{source}' THEN"
    return (
        f"MAX({pick} 1 ELSE 0 END) AS {prefix}_has, MAX({pick} form END) AS {prefix}_form, "
        f"MAX({pick} starts_on END) AS {prefix}_start, MAX({pick} ends_on END) AS {prefix}_end"
    )


def _active(p: str) -> str:
    return f"({p}_has = 1 AND ({p}_end IS NULL OR {p}_end >= :as_of))"


def _ended(p: str) -> str:
    return f"({p}_has = 1 AND {p}_end IS NOT NULL AND {p}_end < :as_of)"


def _dates_differ(p: str) -> str:
    return f"({p}_has = 1 AND ({p}_start <> p_start OR COALESCE({p}_end, :far) <> COALESCE(p_end, :far)))"


_AFTER_END = f"({_active('p')} AND ({_ended('e')} OR {_ended('o')}))"
_FLAGS = {
    "missing_in_esobes": f"({_active('p')} AND e_has = 0)",
    "missing_in_portal": f"({_active('p')} AND o_has = 0)",
    "missing_in_provider": f"(p_has = 0 AND ({_active('e')} OR {_active('o')}))",
    "after_end_date": _AFTER_END,
    "service_form_mismatch": (
        "(p_has = 1 AND ((e_has = 1 AND e_form <> p_form) OR (o_has = 1 AND o_form <> p_form)))"
    ),
    "date_mismatch": f"(p_has = 1 AND NOT {_AFTER_END} AND ({_dates_differ('e')} OR {_dates_differ('o')}))",
}
FLAG_COLUMNS = ", ".join(
    f"CASE WHEN {condition} THEN 1 ELSE 0 END AS {name}" for name, condition in _FLAGS.items()
)

PAIRS_SQL = f"""
WITH latest AS (
    SELECT iin, provider_bin, source, form, starts_on, ends_on,
           ROW_NUMBER() OVER (
               PARTITION BY iin, provider_bin, source ORDER BY starts_on DESC
           ) AS rank_in_source
    FROM roster_entries
    WHERE starts_on <= :as_of
),
side_by_side AS (
    SELECT iin, provider_bin, {_side("p", "provider")}, {_side("e", "esobes")}, {_side("o", "portal")}
    FROM latest
    WHERE rank_in_source = 1
    GROUP BY iin, provider_bin
),
flagged AS (SELECT side_by_side.*, {FLAG_COLUMNS} FROM side_by_side)
SELECT * FROM flagged WHERE {" + ".join(PAIR_KINDS)} > 0
"""

DUPLICATES_SQL = """
WITH started AS (
    SELECT iin, provider_bin, source, starts_on, COALESCE(ends_on, :far) AS ends_on
    FROM roster_entries
    WHERE starts_on <= :as_of
),
shared AS (SELECT iin FROM started GROUP BY iin HAVING COUNT(DISTINCT provider_bin) > 1)
SELECT DISTINCT a.iin, a.provider_bin, b.provider_bin AS other_bin
FROM started a
JOIN shared ON shared.iin = a.iin
JOIN started b ON b.iin = a.iin AND b.provider_bin <> a.provider_bin
    AND a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on
"""

_SIDE_TYPES = {
    f"{p}_{field}": kind
    for p in ("p", "e", "o")
    for field, kind in (("has", Integer), ("form", String), ("start", Date), ("end", Date))
}


@dataclass(frozen=True, slots=True)
class Stay:
    form: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One recipient at one provider and what each source says; `kinds` are the discrepancies found.
    For duplicates, `other_bin` is the other provider."""

    iin: str
    provider_bin: str
    kinds: tuple[str, ...]
    provider: Stay | None = None
    esobes: Stay | None = None
    portal: Stay | None = None
    other_bin: str | None = None


def _parameters() -> list[BindParameter[date]]:
    return [bindparam("as_of", type_=Date), bindparam("far", type_=Date)]


def pair_discrepancies(connection: Connection, as_of: date) -> Iterator[Discrepancy]:
    """The (IIN, provider) pairs whose sources disagree on `as_of`, streamed from the database."""
    statement = (
        text(PAIRS_SQL)
        .bindparams(*_parameters())
        .columns(iin=String, provider_bin=String, **_SIDE_TYPES, **dict.fromkeys(PAIR_KINDS, Integer))
    )
    result = connection.execution_options(stream_results=True, yield_per=10_000).execute(
        statement, {"as_of": as_of, "far": _FAR}
    )
    for row in result.mappings():
        yield Discrepancy(
            iin=row["iin"],
            provider_bin=row["provider_bin"],
            kinds=tuple(kind for kind in PAIR_KINDS if row[kind]),
            provider=_stay(row, "p"),
            esobes=_stay(row, "e"),
            portal=_stay(row, "o"),
        )


def duplicate_discrepancies(connection: Connection, as_of: date) -> Iterator[Discrepancy]:
    """Each recipient with two providers for overlapping dates, once per (provider, other provider)."""
    statement = (
        text(DUPLICATES_SQL)
        .bindparams(*_parameters())
        .columns(iin=String, provider_bin=String, other_bin=String)
    )
    for iin, provider_bin, other_bin in connection.execute(statement, {"as_of": as_of, "far": _FAR}):
        yield Discrepancy(iin, provider_bin, (DUPLICATE,), other_bin=other_bin)


def _stay(row: RowMapping, prefix: str) -> Stay | None:
    if not row[f"{prefix}_has"]:
        return None
    return Stay(row[f"{prefix}_form"], row[f"{prefix}_start"], row[f"{prefix}_end"])
