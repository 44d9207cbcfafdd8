"""The public register: the published semi-annual lists, readable by anyone without signing in, as pages,
CSV and JSON (open data), with no personal data (docs/public-register.md).

Only published lists are public; only the rows on the list (not those beyond capacity, not the exclusions
and their reasons, which are the planners' working data), and of each row only what the publication of the
list requires: its number, the subject's BIN and name, region, address, control groups and planned month.
Scores, classes, approvers' and publishers' names are left out.

A subject is a **natural person** when its identifier is an IIN rather than a BIN, or its name says it is
an individual entrepreneur (`is_natural_person`): then its identifier, name and address are not shown
(the row says "individual entrepreneur" and its region). In every other name and address, a run of twelve
digits (an IIN or BIN typed into the text, spaces or hyphens between the digits too) is masked, unless it
is the row's own BIN.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tekseru.catalog import Catalogue
from tekseru.documents.spreadsheet_cells import csv_writer
from tekseru.documents.table_export import FOR_PROGRAMS, excel_csv
from tekseru.i18n import format_half_year, translate
from tekseru.i18n.formats import local_day
from tekseru.planning import HalfYear, Plan, PlanRow
from tekseru.services.plans.stored import StoredPlan, stored
from tekseru.store import Database
from tekseru.store.plans import PUBLISHED, PlanNotFound, get_plan, list_plans

__all__ = [
    "PUBLIC_LANGUAGES",
    "PublicList",
    "PublicListSummary",
    "PublicRow",
    "is_natural_person",
    "mask_identifiers",
    "public_csv",
    "public_file",
    "public_index",
    "public_json",
    "public_list",
]

PUBLIC_LANGUAGES = ("kk", "ru")
MASK = "************"
# The fifth digit of an IIN is the tens of the day of birth (0-3); of a BIN, the kind of legal person
# (4 resident, 5 non-resident), or 6 for individual entrepreneurs in joint entrepreneurship (persons).
_IIN_FIFTH_DIGITS = frozenset("0123")
_PERSONS_FIFTH_DIGITS = frozenset("6")
# The legal form of an individual entrepreneur, as the first or the last words of a name: Russian writes it
# first ("ИП Петров"), Kazakh usually last ("«Сәуле» ЖК", "Сейтқалиева А.М. жеке кәсіпкер").
_ENTREPRENEUR_FORM = r"(ип|жк|ie|индивидуальный\s+предприниматель|жеке\s+кәсіпкер|individual\s+entrepreneur)"
_ENTREPRENEUR = re.compile(rf"^\W*{_ENTREPRENEUR_FORM}(\W|$)|(^|\W){_ENTREPRENEUR_FORM}\W*$", re.IGNORECASE)
_TWELVE_DIGITS = re.compile(r"(?<!\d)\d(?:[ \u00a0\-]?\d){11}(?!\d)")


def is_natural_person(identifier: str, name: str) -> bool:
    """Is the subject a natural person (an individual entrepreneur), whose identifier, name and address are
    personal data? Yes when its identifier is not a 12-digit BIN of a legal person (an IIN, or of joint
    entrepreneurship), or its name begins or ends with "ИП", "ЖК", "индивидуальный предприниматель", "жеке
    кәсіпкер"."""
    text = identifier.strip()
    if not (len(text) == 12 and text.isascii() and text.isdigit()):
        return True
    if text[4] in _IIN_FIFTH_DIGITS | _PERSONS_FIFTH_DIGITS:
        return True
    return bool(_ENTREPRENEUR.search(name))


def mask_identifiers(text: str, keep: str = "") -> str:
    """`text` with every run of twelve digits masked, except `keep` (the row's own BIN)."""

    def masked(found: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", found.group())
        return found.group() if keep and digits == keep else MASK

    return _TWELVE_DIGITS.sub(masked, text)


@dataclass(frozen=True)
class PublicRow:
    number: int
    natural_person: bool
    bin: str  # "" for a natural person
    name: str  # "" for a natural person (shown as "individual entrepreneur")
    region: str
    address: str  # "" for a natural person
    groups: tuple[str, ...]
    planned_month: int | None


@dataclass(frozen=True)
class PublicList:
    id: int
    half_year: str
    edition_id: str
    approved_on: date | None
    published_on: date | None
    rows: tuple[PublicRow, ...]

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted({row.region for row in self.rows}))


@dataclass(frozen=True)
class PublicListSummary:
    id: int
    half_year: str
    published_on: date | None
    rows_by_region: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows_by_region.values())


def _public_row(row: PlanRow) -> PublicRow:
    person = is_natural_person(row.bin, row.name)
    return PublicRow(
        number=row.rank,
        natural_person=person,
        bin="" if person else row.bin,
        name="" if person else mask_identifiers(row.name, row.bin),
        region=row.region,
        address="" if person else mask_identifiers(row.address, row.bin),
        groups=row.groups,
        planned_month=row.planned_month,
    )


def _public(plan: StoredPlan, zone: str, region: str | None = None) -> PublicList:
    record = plan.record
    rows = tuple(_public_row(row) for row in plan.plan.included if region is None or row.region == region)
    return PublicList(
        id=record.id,
        half_year=record.half_year,
        edition_id=record.edition_id,
        approved_on=None if record.approved_at is None else local_day(record.approved_at, zone),
        published_on=None if record.published_at is None else local_day(record.published_at, zone),
        rows=rows,
    )


def public_list(db: Database, plan_id: int, *, zone: str, region: str | None = None) -> PublicList:
    """A published list as the public reads it (of one region's rows, when given), dated in time zone
    `zone`; PlanNotFound for a list that does not exist or is not published (the public cannot tell the two
    apart)."""
    with db.reading() as session:
        record = get_plan(session, plan_id)
    if record is None or record.status != PUBLISHED:
        raise PlanNotFound(plan_id)
    return _public(stored(record), zone, region)


def public_index(
    db: Database, *, zone: str, half_year: str | None = None, region: str | None = None
) -> list[PublicListSummary]:
    """The published lists, the newest first, dated in time zone `zone`, with their rows counted by region
    (of one half-year, and only those with rows in `region`, when given); InvalidHalfYear for a malformed
    half-year."""
    period = None if half_year is None else str(HalfYear.parse(half_year))
    with db.reading() as session:
        records = list_plans(session, half_year=period, status=PUBLISHED, limit=1000)
    found = []
    for record in records:
        plan = Plan.from_dict(record.plan)
        counts: dict[str, int] = {}
        for row in plan.included:
            counts[row.region] = counts.get(row.region, 0) + 1
        if region is not None and region not in counts:
            continue
        published = None if record.published_at is None else local_day(record.published_at, zone)
        found.append(PublicListSummary(record.id, record.half_year, published, dict(sorted(counts.items()))))
    return found


def _group_names(catalogue: Catalogue, edition_id: str, language: str) -> dict[str, str]:
    try:
        edition = catalogue.edition(edition_id)
    except (KeyError, LookupError):
        return {}
    return {key: group.name.in_language(language) for key, group in edition.groups.items()}


def _subject_name(row: PublicRow, language: str) -> str:
    return translate(language, "public.natural_person") if row.natural_person else row.name


def _month(value: int | None, language: str) -> str:
    return "" if value is None else translate(language, f"plans.month.{value}")


CSV_COLUMNS = ("number", "bin", "name", "region_name", "address", "groups", "planned_month_name")
OPEN_DATA_FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def public_csv(listing: PublicList, language: str, catalogue: Catalogue, *, for_excel: bool = False) -> bytes:
    """The list as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read Kazakh letters),
    headed in `language`; every cell neutralised against formulas. The cells are those of `public_json`.
    Comma-separated, or `for_excel` as Excel reads a file in `language` (`;` in Kazakh and Russian: what a
    person downloads from the public page, as every page's CSV is, `tekseru.documents.table_export`)."""
    form = excel_csv(language) if for_excel else FOR_PROGRAMS
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, delimiter=form.delimiter)
    writer.writerow([translate(language, f"public.column.{_HEADINGS.get(c, c)}") for c in CSV_COLUMNS])
    for row in public_json(listing, language, catalogue)["rows"]:
        cells = {**row, "groups": "; ".join(group["name"] for group in row["groups"])}
        writer.writerow(["" if cells[column] is None else cells[column] for column in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


_HEADINGS = {"region_name": "region", "planned_month_name": "month"}


def public_file(
    listing: PublicList, format: str, language: str, catalogue: Catalogue, *, for_excel: bool = False
) -> tuple[bytes, str, str]:
    """The list as open data in `format` (csv or json): its content, media type and file name (the CSV
    `for_excel` as `public_csv` writes it)."""
    if format == "csv":
        content = public_csv(listing, language, catalogue, for_excel=for_excel)
    else:
        data = public_json(listing, language, catalogue)
        content = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return content, OPEN_DATA_FORMATS[format], f"public-list-{listing.id}-{language}.{format}"


def public_json(listing: PublicList, language: str, catalogue: Catalogue) -> dict[str, Any]:
    """The list as open data: codes (region and group keys, month numbers) with their names in `language`."""
    groups = _group_names(catalogue, listing.edition_id, language)
    body = catalogue.bodies.control_body_of(listing.regions).name if listing.rows else None
    return {
        "id": listing.id,
        "half_year": listing.half_year,
        "half_year_name": format_half_year(listing.half_year, language),
        "language": language,
        "state_body": "" if body is None else body.in_language(language),
        "approved_on": None if listing.approved_on is None else listing.approved_on.isoformat(),
        "published_on": None if listing.published_on is None else listing.published_on.isoformat(),
        "rows": [
            {
                "number": row.number,
                "natural_person": row.natural_person,
                "bin": row.bin or None,
                "name": _subject_name(row, language),
                "region": row.region,
                "region_name": catalogue.regions.name_of(row.region, language),
                "address": row.address or None,
                "groups": [{"key": key, "name": groups.get(key, key)} for key in row.groups],
                "planned_month": row.planned_month,
                "planned_month_name": _month(row.planned_month, language) or None,
            }
            for row in listing.rows
        ],
    }
