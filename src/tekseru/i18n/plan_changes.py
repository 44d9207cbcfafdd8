"""What changed between two lists (`tekseru.planning.diff`), in the reader's words: the web page, the API
and the command line say a moved row's changes and an added or removed row's detail the same way.

Regions and groups are named by a `Naming` (`edition_naming`: by the catalogue's regions and the edition the
list was formed by)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tekseru.catalog import CatalogueEdition, UnknownCatalogueEntry
from tekseru.catalog.regions import Regions
from tekseru.i18n.catalogues import translate
from tekseru.i18n.formats import format_date, format_decimal
from tekseru.planning import AddedRow, FieldChange, MovedRow, RemovedRow


@dataclass(frozen=True)
class Naming:
    """How the caller names a region and a control group (by key) in a language."""

    region: Callable[[str, str], str]
    group: Callable[[str, str], str]


def edition_naming(edition: CatalogueEdition, regions: Regions) -> Naming:
    """Regions by `regions`, groups by `edition`; a key either does not know is shown as it is."""

    def group(key: str, language: str) -> str:
        try:
            return edition.group(key).name.in_language(language)
        except UnknownCatalogueEntry:
            return key

    return Naming(regions.name_of, group)


def change_lines(moved: MovedRow, language: str, naming: Naming) -> list[str]:
    """Each changed value as "rank 3 → 1" in `language`; when only the position changed, a last line says
    that other subjects joined, left or moved on the list."""

    def line(change: FieldChange) -> str:
        before = _value(change, change.before, language, naming)
        after = _value(change, change.after, language, naming)
        return f"{translate(language, f'lang13.diff.field.{change.field}')} {before} → {after}"

    lines = [line(change) for change in moved.changes]
    if moved.others_moved:
        lines.append(translate(language, "lang13.diff.others_moved"))
    return lines


def _value(change: FieldChange, value: object, language: str, naming: Naming) -> str:
    if value is None and change.field == "last_visit_on":
        return translate(language, "lang13.diff.never")
    if value is None:
        return translate(language, "lang13.diff.none")
    if change.field == "planned_month":
        return translate(language, f"plans.month.{value}")
    if change.field == "risk_class":
        word = translate(language, f"risk.{value}")
        return word[:1].lower() + word[1:]
    if change.field == "score" and isinstance(value, float | int):
        return format_decimal(value, language, 2)
    if change.field == "region":
        return naming.region(str(value), language)
    if change.field == "groups" and isinstance(value, tuple):
        return ", ".join(naming.group(str(group), language) for group in value)
    if isinstance(value, date):
        return format_date(value, language)
    return str(value)


def change_detail(item: AddedRow | RemovedRow, language: str, naming: Naming) -> str:
    """Why the subject came or went, in a sentence: where it was (beyond the capacity of a region, at a
    row) or each group's exclusion reason, else that it was not among the subjects assessed."""
    if item.beyond is not None:
        region = naming.region(item.beyond.region, language)
        return translate(language, "lang13.diff.beyond", region=region, rank=item.beyond.rank)
    if item.excluded:
        return "; ".join(
            f"{naming.group(row.group, language)}: {translate(language, f'plans.reason.{row.reason.value}')}"
            for row in item.excluded
        )
    return translate(language, f"plans.diff.reason.{item.reason.value}")
