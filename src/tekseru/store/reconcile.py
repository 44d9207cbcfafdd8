"""Reconciling the three rosters (provider, E-Sobes, portal) by IIN for every provider, in SQL.

The database does the bulk work in one pass over the roster index (iin, provider_bin, source, starts_on),
grouped by (IIN, provider): for each source it keeps the recipient's latest stay with the provider that
started by the date, packed into one text (start, end, form; the latest start is the greatest text, so
MAX picks it without a window or a join), puts the three sources side by side, and returns only the pairs
whose sources disagree, with a flag per kind of discrepancy. A second query finds recipients with two
providers for overlapping dates, looking only at IINs that have two providers at all.
What each kind means is in docs/rosters.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import BindParameter, Connection, Date, Integer, RowMapping, String, bindparam, text

from tekseru.store._chunks import chunks

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
# An open-ended stay's end, so that ends compare as text without NULL (ISO dates sort as text).
OPEN_END = "9999-12-31"
_FAR = date(9999, 12, 31)


def _packed(prefix: str, source: str) -> str:
    stay = f"CAST(starts_on AS VARCHAR(10)) || COALESCE(CAST(ends_on AS VARCHAR(10)), '{OPEN_END}') || form"
    return f"MAX(CASE WHEN source = '{source}' THEN {stay} END) AS {prefix}_packed"


def _unpacked(p: str) -> str:
    return (
        f"CASE WHEN {p}_packed IS NULL THEN 0 ELSE 1 END AS {p}_has, SUBSTR({p}_packed, 21) AS {p}_form, "
        f"SUBSTR({p}_packed, 1, 10) AS {p}_start, SUBSTR({p}_packed, 11, 10) AS {p}_end"
    )


# The flags read columns <p>_has, <p>_form, <p>_start, <p>_end (p, e, o: provider, esobes, portal), the
# dates as ISO text and an open end as OPEN_END, and the date as :day (ISO text).
def _active(p: str) -> str:
    return f"({p}_has = 1 AND {p}_end >= :day)"


def _ended(p: str) -> str:
    return f"({p}_has = 1 AND {p}_end < :day)"


def _dates_differ(p: str) -> str:
    return f"({p}_has = 1 AND ({p}_start <> p_start OR {p}_end <> p_end))"


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
WITH packed AS (
    SELECT iin, provider_bin,
           {_packed("p", "provider")}, {_packed("e", "esobes")}, {_packed("o", "portal")}
    FROM roster_entries
    WHERE starts_on <= :as_of
    GROUP BY iin, provider_bin
),
side_by_side AS (
    SELECT iin, provider_bin, {_unpacked("p")}, {_unpacked("e")}, {_unpacked("o")} FROM packed
    -- Three equal stays agree on everything: only the few other pairs are unpacked and flagged.
    WHERE p_packed IS NULL OR e_packed IS NULL OR o_packed IS NULL
       OR p_packed <> e_packed OR p_packed <> o_packed
),
flagged AS (SELECT side_by_side.*, {FLAG_COLUMNS} FROM side_by_side)
SELECT * FROM flagged WHERE {" + ".join(PAIR_KINDS)} > 0
"""

# Recipients with stays at two providers at all: few, so the overlaps are then looked for among theirs only.
SHARED_SQL = """
SELECT iin FROM roster_entries WHERE starts_on <= :as_of
GROUP BY iin HAVING MIN(provider_bin) <> MAX(provider_bin)
"""
OVERLAPS_SQL = """
SELECT DISTINCT a.iin, a.provider_bin, b.provider_bin AS other_bin
FROM roster_entries a
JOIN roster_entries b ON b.iin = a.iin AND b.provider_bin <> a.provider_bin
    AND a.starts_on <= COALESCE(b.ends_on, :far) AND b.starts_on <= COALESCE(a.ends_on, :far)
WHERE a.iin IN :iins AND a.starts_on <= :as_of AND b.starts_on <= :as_of
"""

_SIDE_TYPES = {
    f"{p}_{field}": kind
    for p in ("p", "e", "o")
    for field, kind in (("has", Integer), ("form", String), ("start", String), ("end", String))
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


def _parameters(*names: str) -> list[BindParameter[date]]:
    return [bindparam(name, type_=Date) for name in names]


# PostgreSQL sorts or hashes the (IIN, provider) groups in memory with this much, not in files on disk
# (its default, 4 MB, spills a roster of a few hundred thousand records); for this transaction only.
WORK_MEM = "256MB"


def pair_discrepancies(connection: Connection, as_of: date) -> Iterator[Discrepancy]:
    """The (IIN, provider) pairs whose sources disagree on `as_of`."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    statement = (
        text(PAIRS_SQL)
        .bindparams(*_parameters("as_of"), bindparam("day", type_=String))
        .columns(iin=String, provider_bin=String, **_SIDE_TYPES, **dict.fromkeys(PAIR_KINDS, Integer))
    )
    # Fetched at once, not through a server-side cursor: PostgreSQL plans no parallel workers for a cursor,
    # and the discrepancies are a small part of the rosters.
    result = connection.execute(statement, {"as_of": as_of, "day": as_of.isoformat()})
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
    shared = text(SHARED_SQL).bindparams(*_parameters("as_of"))
    iins = [iin for (iin,) in connection.execute(shared, {"as_of": as_of})]
    overlaps = text(OVERLAPS_SQL).bindparams(*_parameters("as_of", "far"), bindparam("iins", expanding=True))
    statement = overlaps.columns(iin=String, provider_bin=String, other_bin=String)
    for part in chunks(iins):
        found = connection.execute(statement, {"as_of": as_of, "far": _FAR, "iins": list(part)})
        for iin, provider_bin, other_bin in found:
            yield Discrepancy(iin, provider_bin, (DUPLICATE,), other_bin=other_bin)


def _stay(row: RowMapping, prefix: str) -> Stay | None:
    if not row[f"{prefix}_has"]:
        return None
    end = row[f"{prefix}_end"]
    ends_on = None if end == OPEN_END else date.fromisoformat(end)
    return Stay(row[f"{prefix}_form"], date.fromisoformat(row[f"{prefix}_start"]), ends_on)
