"""The capacity of a semi-annual list: how many visits each region can make, given by region key or name,
or read from a `region,visits` file (CSV or XLSX) with every problem named by file, row and field."""

from __future__ import annotations

from collections.abc import Mapping

from tekseru.catalog.regions import Regions, UnknownRegion
from tekseru.intake import Columns, ErrorKind, ImportFileError, RowError, Source, open_table
from tekseru.message import RegionName
from tekseru.store.plans import PlanError

CAPACITY_COLUMNS = Columns(required=("region", "visits"))


class CapacityError(PlanError, ValueError):
    """A capacity names an unknown region, a region twice, or a number of visits that is not whole >= 0."""


class CapacityFileError(ImportFileError):
    """The capacity file was not used because of these errors, each naming the file, row and field."""


def resolve_capacity(capacity: Mapping[str, int], regions: Regions) -> dict[str, int]:
    """The capacity by region key; CapacityError for an unknown or repeated region or a bad number."""
    resolved: dict[str, int] = {}
    for name, visits in capacity.items():
        try:
            key = regions.find(name).key
        except UnknownRegion as error:
            raise CapacityError(str(error)).saying("refusal.capacity.region", text=repr(name)) from None
        if key in resolved:
            raise CapacityError(f"the capacity names the region {key!r} twice ({name!r})").saying(
                "refusal.capacity.twice", region=RegionName(key), text=repr(name)
            )
        if isinstance(visits, bool) or not isinstance(visits, int) or visits < 0:
            raise CapacityError(
                f"the capacity of {name!r} must be a whole number >= 0, got {visits!r}"
            ).saying("refusal.capacity.visits", text=repr(name), visits=repr(visits))
        resolved[key] = visits
    return dict(sorted(resolved.items()))


def read_capacity_file(path: Source, regions: Regions) -> dict[str, int]:
    """Read a `region,visits` file (CSV or XLSX) into visits by region key; CapacityFileError naming the
    file, row and field of every problem, with nothing read."""
    capacity: dict[str, int] = {}
    row_of: dict[str, int] = {}
    errors: list[RowError] = []
    try:
        with open_table(path, CAPACITY_COLUMNS) as table:
            for row in table.rows:
                key, visits, problems = _capacity_row(row.values, row.extra_values, regions)
                if key is not None and key in row_of:
                    said = {"text": row.values.get("region", ""), "first": row_of[key]}
                    problems.append(("region", ErrorKind.DUPLICATE_ROW, "duplicate_region", said))
                elif key is not None and visits is not None:
                    capacity[key], row_of[key] = visits, row.number
                errors.extend(
                    RowError.of(table.file, row.number, field, kind, key_, **params)
                    for field, kind, key_, params in problems
                )
    except ImportFileError as error:
        raise CapacityFileError(error.errors, error.error_count) from None
    if errors:
        raise CapacityFileError(errors)
    return dict(sorted(capacity.items()))


_Problem = tuple[str | None, ErrorKind, str, dict[str, object]]  # field, kind, message key, its params


def _capacity_row(
    values: Mapping[str, str], extra: int, regions: Regions
) -> tuple[str | None, int | None, list[_Problem]]:
    """The row's region key and visits (None when wrong) and what is wrong with it."""
    problems: list[_Problem] = []
    region, visits = values.get("region", ""), values.get("visits", "")
    key = _region_key(region, regions)
    number = int(visits) if visits.isascii() and visits.isdigit() else None
    if extra:
        problems.append((None, ErrorKind.TOO_MANY_VALUES, "too_many_values", {"count": extra}))
    if not region:
        problems.append(("region", ErrorKind.MISSING_VALUE, "missing_value", {}))
    elif key is None:
        problems.append(("region", ErrorKind.UNKNOWN_REGION, "unknown_region", {"text": region}))
    if not visits:
        problems.append(("visits", ErrorKind.MISSING_VALUE, "missing_value", {}))
    elif number is None:
        problems.append(("visits", ErrorKind.INVALID_NUMBER, "invalid_visits", {"text": visits}))
    return key, number, problems


def _region_key(name: str, regions: Regions) -> str | None:
    try:
        return regions.find(name).key if name else None
    except UnknownRegion:
        return None
