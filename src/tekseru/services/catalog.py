"""Catalogue use cases: what the web pages, the HTTP API and other interfaces ask of the act's catalogue.

Every function takes an optional edition id; without one it reads the edition in force today (the clock is
injected so tests can pin it). Unknown editions, criteria, checklists and groups raise
`UnknownCatalogueEntry` with a message that names what exists; interfaces turn it into a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tekseru.catalog import (
    Catalogue,
    CatalogueEdition,
    Checklist,
    ChecklistItem,
    ControlGroup,
    Criterion,
    NoEditionInForce,
    Severity,
    UnknownCatalogueEntry,
)
from tekseru.catalog.diff import EditionDiff, diff_editions
from tekseru.catalog.export import export_edition

__all__ = [
    "CatalogService",
    "ChecklistView",
    "CriterionView",
    "EditionSummary",
    "ItemRef",
    "UnknownCatalogueEntry",
]


@dataclass(frozen=True)
class EditionSummary:
    edition: CatalogueEdition
    in_force: bool


@dataclass(frozen=True)
class ItemRef:
    """A checklist item that corresponds to a criterion."""

    checklist: Checklist
    item: ChecklistItem


@dataclass(frozen=True)
class CriterionView:
    edition: CatalogueEdition
    criterion: Criterion
    items: tuple[ItemRef, ...]
    groups: tuple[ControlGroup, ...]


@dataclass(frozen=True)
class ChecklistView:
    edition: CatalogueEdition
    checklist: Checklist
    groups: tuple[ControlGroup, ...]
    criteria: dict[int, Criterion]


class CatalogService:
    def __init__(self, catalogue: Catalogue, today: Callable[[], date]) -> None:
        self._catalogue = catalogue
        self._today = today

    @property
    def today(self) -> Callable[[], date]:
        """The clock it finds the edition in force by."""
        return self._today

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue it reads, to hand to the other services."""
        return self._catalogue

    def edition(self, edition_id: str | None = None) -> CatalogueEdition:
        """The named edition, or the one in force today (the earliest if none is in force yet)."""
        if edition_id:
            return self._catalogue.edition(edition_id)
        try:
            return self._catalogue.edition_at(self._today())
        except NoEditionInForce:
            return self._catalogue.editions[0]

    def editions(self) -> list[EditionSummary]:
        current = self.edition().id
        return [EditionSummary(e, e.id == current) for e in self._catalogue.editions]

    def criteria_counts(self, edition_id: str | None = None) -> dict[tuple[int, Severity], int]:
        """How many criteria each (information source group, severity) pair has."""
        counts: dict[tuple[int, Severity], int] = {}
        for criterion in self.edition(edition_id).criteria.values():
            key = (criterion.source_group, criterion.severity)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def criteria(
        self, edition_id: str | None = None, severity: Severity | None = None, source_group: int | None = None
    ) -> list[Criterion]:
        return self.edition(edition_id).criteria_where(severity=severity, source_group=source_group)

    def criterion(self, number: int, edition_id: str | None = None) -> CriterionView:
        edition = self.edition(edition_id)
        criterion = edition.criterion(number)
        items = tuple(
            ItemRef(checklist, item)
            for _, checklist in sorted(edition.checklists.items())
            for item in checklist.items
            if item.criterion == number
        )
        groups = tuple(g for g in edition.groups.values() if number in g.applicable_criteria)
        return CriterionView(edition, criterion, items, groups)

    def checklists(self, edition_id: str | None = None) -> list[Checklist]:
        edition = self.edition(edition_id)
        return [edition.checklists[appendix] for appendix in sorted(edition.checklists)]

    def checklist(self, appendix: int, edition_id: str | None = None) -> ChecklistView:
        edition = self.edition(edition_id)
        checklist = edition.checklist(appendix)
        linked = {item.criterion for item in checklist.items if item.criterion is not None}
        criteria = {number: edition.criterion(number) for number in sorted(linked)}
        return ChecklistView(edition, checklist, tuple(edition.groups_for_checklist(appendix)), criteria)

    def groups(self, edition_id: str | None = None) -> list[ControlGroup]:
        return list(self.edition(edition_id).groups.values())

    def group(self, key: str, edition_id: str | None = None) -> ControlGroup:
        return self.edition(edition_id).group(key)

    def diff(self, old_id: str, new_id: str) -> EditionDiff:
        return diff_editions(self._catalogue.edition(old_id), self._catalogue.edition(new_id))

    def export(self, edition_id: str | None = None) -> dict[str, Any]:
        return export_edition(self.edition(edition_id))
