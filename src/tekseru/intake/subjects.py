"""The subjects import format: one row per control subject, keyed by BIN."""

from __future__ import annotations

from dataclasses import dataclass

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.regions import Regions, UnknownRegion
from tekseru.intake.errors import ErrorKind, RowError
from tekseru.intake.fields import RowCheck
from tekseru.intake.readers import Columns, SourceRow

SUBJECT_COLUMNS = Columns(required=("bin", "name", "region", "groups"), optional=("address",))
GROUP_SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class SubjectRow:
    number: int
    bin: str
    name: str
    region: str
    address: str
    groups: tuple[str, ...]


class SubjectValidator:
    """Checks the rows of one subjects file in order; remembers BINs to find duplicates."""

    def __init__(self, file: str, edition: CatalogueEdition, regions: Regions) -> None:
        self.file = file
        self.edition = edition
        self.regions = regions
        self._seen: dict[str, int] = {}

    def validate(self, row: SourceRow) -> SubjectRow | list[RowError]:
        check = RowCheck(self.file, row)
        check.too_many_values()
        bin = check.identifier("bin")
        name = check.limited("name", check.required("name"), 1000)
        region = self._region(check)
        groups = self._groups(check)
        self._duplicate(check, bin)
        if check.errors or bin is None or name is None or region is None or groups is None:
            return check.errors
        return SubjectRow(row.number, bin, name, region, check.value("address"), groups)

    def _region(self, check: RowCheck) -> str | None:
        text = check.required("region")
        if text is None:
            return None
        try:
            return self.regions.find(text).key
        except UnknownRegion:
            check.add("region", ErrorKind.UNKNOWN_REGION, "unknown_region", text=text.strip())
            return None

    def _groups(self, check: RowCheck) -> tuple[str, ...] | None:
        text = check.required("groups")
        if text is None:
            return None
        keys = tuple(dict.fromkeys(key.strip() for key in text.split(GROUP_SEPARATOR) if key.strip()))
        unknown = [key for key in keys if key not in self.edition.groups]
        for key in unknown:
            known = ", ".join(sorted(self.edition.groups))
            check.add(
                "groups",
                ErrorKind.UNKNOWN_GROUP,
                "unknown_group",
                key=key,
                edition=self.edition.id,
                known=known,
            )
        if not keys:
            check.add("groups", ErrorKind.MISSING_VALUE, "missing_value")
        return None if unknown or not keys else keys

    def _duplicate(self, check: RowCheck, bin: str | None) -> None:
        if bin is None:
            return
        first = self._seen.setdefault(bin, check.row.number)
        if first != check.row.number:
            check.add("bin", ErrorKind.DUPLICATE_ROW, "duplicate_bin", bin=bin, first=first)
