"""All editions of the act known to tekseru, and the one in force on a date; with the regions and the state
bodies that every edition names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from tekseru.catalog.bodies import Bodies
from tekseru.catalog.edition import CatalogueEdition, UnknownCatalogueEntry
from tekseru.catalog.regions import Regions
from tekseru.message import Explained


class NoEditionInForce(Explained, LookupError):
    """The date is before the first edition the catalogue holds."""


class Catalogue:
    """Editions ordered by the date they take effect; the latest one not after a date is in force. The
    regions (`regions.yaml`) and the state bodies (`bodies.yaml`) are the catalogue's too: a service that
    names a region or a body is handed them here, as it is handed the editions, and reads no file."""

    def __init__(self, editions: Iterable[CatalogueEdition], *, regions: Regions, bodies: Bodies) -> None:
        self.regions = regions
        self.bodies = bodies
        self._editions: tuple[CatalogueEdition, ...] = tuple(
            sorted(editions, key=lambda edition: edition.effective_from)
        )
        ids = [edition.id for edition in self._editions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"edition ids must be unique, got {ids}")

    @property
    def editions(self) -> Sequence[CatalogueEdition]:
        return self._editions

    def edition(self, edition_id: str) -> CatalogueEdition:
        for edition in self._editions:
            if edition.id == edition_id:
                return edition
        known = ", ".join(edition.id for edition in self._editions)
        raise UnknownCatalogueEntry(f"no edition {edition_id!r} (known: {known})").saying(
            "refusal.catalog.edition", edition=edition_id, known=known
        )

    def edition_at(self, on: date) -> CatalogueEdition:
        in_force = [edition for edition in self._editions if edition.effective_from <= on]
        if not in_force:
            first = self._editions[0].effective_from if self._editions else None
            raise NoEditionInForce(
                f"no edition of the act is in force on {on} (the first takes effect {first})"
            ).saying("refusal.catalog.no_edition_in_force", day=on.isoformat(), first=str(first))
        return in_force[-1]

    def latest(self) -> CatalogueEdition:
        return self._editions[-1]
