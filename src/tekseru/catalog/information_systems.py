"""Source group 3 of the act (rows 78 to 84): which category of services, rehabilitation measure or element
of an object each row covers, and the thresholds that make the information systems' data a violation.

Held in `information-systems.yaml` of an edition folder (see the file for why every threshold is marked
as an assumption or with its source); `tekseru.catalog_files.load_edition` reads it at the edge with the
rest of the edition (`CatalogueEdition.information_systems`), and `of_edition` hands it to the services.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from tekseru.catalog.parse import CatalogueDataError
from tekseru.catalog.schema import Frozen

if TYPE_CHECKING:
    from tekseru.catalog.edition import CatalogueEdition

FILE_NAME = "information-systems.yaml"
CategoryKind = Literal["service", "rehabilitation", "accessibility"]


class Threshold(Frozen):
    key: str
    value: int | str
    unit: str
    description: str
    source_act: str
    source_reference: str
    assumption: bool


class Category(Frozen):
    """The kinds of services, measures or elements whose failure is evidence for one row of the act."""

    criterion: int = Field(ge=1)
    kind: CategoryKind
    kinds: tuple[str, ...] = Field(min_length=1)


class InformationSystems(Frozen):
    roster_criterion: int = Field(ge=1)
    thresholds: tuple[Threshold, ...]
    categories: tuple[Category, ...]

    def threshold(self, key: str) -> Threshold:
        for threshold in self.thresholds:
            if threshold.key == key:
                return threshold
        raise CatalogueDataError(f"{FILE_NAME}: no threshold {key!r}")

    def count(self, key: str) -> int:
        value = self.threshold(key).value
        if not isinstance(value, int) or value < 1:
            raise CatalogueDataError(f"{FILE_NAME}: threshold {key!r} must be a whole number from 1")
        return value

    @property
    def evidence_from(self) -> date:
        return date.fromisoformat(str(self.threshold("evidence_from").value))

    @property
    def retention_months(self) -> int:
        return self.count("roster_retention_months")

    def criterion_of(self, kind: CategoryKind, name: str) -> int | None:
        """The row of the act a kind of service, measure or element (`name`) belongs to."""
        for category in self.categories:
            if category.kind == kind and name in category.kinds:
                return category.criterion
        return None

    def kinds(self, kind: CategoryKind) -> tuple[str, ...]:
        return tuple(name for category in self.categories if category.kind == kind for name in category.kinds)

    def criteria(self) -> tuple[int, ...]:
        return tuple(sorted({self.roster_criterion, *(c.criterion for c in self.categories)}))


def of_edition(edition: CatalogueEdition) -> InformationSystems:
    """The edition's source-group-3 data; CatalogueDataError when the edition has none."""
    if edition.information_systems is None:
        raise CatalogueDataError(f"edition {edition.id} has no {FILE_NAME}")
    return edition.information_systems
