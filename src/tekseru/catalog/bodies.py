"""The state bodies printed on forms and lists: the Committee and its territorial department in each region.

The names are package data, `data/bodies.yaml` (read by `tekseru.catalog_files.load_bodies`), each with its
source: the Committee's Kazakh name is quoted from paragraph 2 of the act; the departments' names are
working names marked unverified there (their statutes were not available). A form or list of one region
prints that region's department; a list that spans regions prints the Committee.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from tekseru.catalog.regions import UnknownRegion
from tekseru.catalog.schema import Frozen, Text

__all__ = ["Bodies", "BodiesFile", "BodySource", "StateBody"]


class BodySource(Frozen):
    """Where a body's name comes from; `verified` only for a name quoted from an act the catalogue holds."""

    verified: bool
    act: str | None  # the key of an act in the edition's edition.yaml
    edition: str | None
    reference: str = Field(min_length=1)
    note: str = Field(min_length=1)


class StateBody(Frozen):
    name: Text
    source: BodySource


class Committee(StateBody):
    key: str


class TerritorialDepartment(StateBody):
    region: str = Field(pattern=r"^[a-z][a-z_]*$")


class BodiesFile(Frozen):
    committee: Committee
    territorial_departments: tuple[TerritorialDepartment, ...]


class Bodies:
    """The Committee, and its departments by region key."""

    def __init__(self, data: BodiesFile) -> None:
        self.committee: StateBody = data.committee
        self._departments: dict[str, StateBody] = {}
        for department in data.territorial_departments:
            if self._departments.setdefault(department.region, department) is not department:
                raise ValueError(f"two territorial departments for the region {department.region!r}")

    @property
    def regions(self) -> frozenset[str]:
        """The region keys that have a territorial department."""
        return frozenset(self._departments)

    def control_body(self, region: str | None = None) -> StateBody:
        """The territorial department of the region (by key), or the Committee when no region is given."""
        if region is None:
            return self.committee
        try:
            return self._departments[region]
        except KeyError:
            raise UnknownRegion(f"no territorial department for the region {region!r}") from None

    def control_body_of(self, regions: Iterable[str]) -> StateBody:
        """The body of a document about subjects of these regions: their department if they are all of one
        region, else (several regions, or none) the Committee."""
        distinct = set(regions)
        return self.control_body(distinct.pop()) if len(distinct) == 1 else self.committee
