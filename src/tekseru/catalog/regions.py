"""The regions of Kazakhstan (17 regions and 3 cities of republican significance), found by any name.

The list is package data, `data/regions.yaml` (read by `tekseru.catalog_files.load_regions`); its header
says which plain names mean a city and which a region (a plain "Алматы" / "Almaty" is the city; the region
must be named as a region).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from tekseru.catalog.schema import Frozen, Text

_SPACES = re.compile(r"\s+")


class UnknownRegion(LookupError):
    """A name that is neither the key nor a name nor an alias of any region."""


class Region(Frozen):
    key: str = Field(pattern=r"^[a-z][a-z_]*$")
    code: str = Field(pattern=r"^[0-9]{2}$")
    kind: Literal["region", "city"]
    name: Text
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every string that finds this region: key, official names, aliases."""
        return (self.key, self.name.kk, self.name.ru, self.name.en, *self.aliases)


class RegionsFile(Frozen):
    regions: tuple[Region, ...]


def normalise_name(name: str) -> str:
    """The form names are compared in: case-folded, ё as е, inner spaces collapsed, ends trimmed."""
    return _SPACES.sub(" ", name.strip().casefold().replace("ё", "е"))


class Regions:
    """All regions in their official order, with a case-insensitive index of their names."""

    def __init__(self, regions: tuple[Region, ...]) -> None:
        self._regions = regions
        self._by_key = {region.key: region for region in regions}
        self._by_name: dict[str, Region] = {}
        for region in regions:
            for name in region.names():
                self._index(normalise_name(name), region)

    def _index(self, name: str, region: Region) -> None:
        other = self._by_name.setdefault(name, region)
        if other.key != region.key:
            raise ValueError(f"the region name {name!r} is ambiguous: {other.key} and {region.key}")

    def __iter__(self) -> Iterator[Region]:
        return iter(self._regions)

    def __len__(self) -> int:
        return len(self._regions)

    def keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)

    def get(self, key: str) -> Region:
        try:
            return self._by_key[key]
        except KeyError:
            raise UnknownRegion(f"no region with the key {key!r}") from None

    def name_of(self, key: str, language: str) -> str:
        """The region's name in `language`; the key itself when no region has it (a row of old data)."""
        region = self._by_key.get(key)
        return key if region is None else region.name.in_language(language)

    def code_of(self, key: str) -> str:
        """The region's code (its two КАТО digits) that inspection numbers print; the key in capitals when no
        region has it (a row of old data)."""
        region = self._by_key.get(key)
        return key.upper() if region is None else region.code

    def reading_order(self, language: str) -> list[Region]:
        """The regions in the order a reader of `language` looks for them: the catalogue's own order (the
        Kazakh alphabet, the regions and then the cities of republican significance) in Kazakh,
        alphabetical by the name in `language` otherwise."""
        if language == "kk":
            return list(self._regions)
        return sorted(self._regions, key=lambda region: region.name.in_language(language).casefold())

    def find(self, name: str) -> Region:
        """The region with this key, name or alias in any language and case, or UnknownRegion."""
        region = self._by_name.get(normalise_name(name))
        if region is None:
            raise UnknownRegion(
                f"unknown region {name.strip()!r}; write a region's key or its name in Kazakh, Russian or "
                'English, for example "almaty_region", "Алматы облысы" or "Almaty region"'
            )
        return region
