"""Reading the catalogue's files: the editions of the act, the regions and the state bodies that tekseru
ships as package data (`tekseru/catalog/data`), or an edition folder given.

This is the edge where YAML is read; the catalogue core (`tekseru.catalog`) only checks what it is handed
here, and reads no file. Each packaged file is read once per process.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from typing import Any

import yaml

from tekseru.catalog.bodies import Bodies, BodiesFile, StateBody
from tekseru.catalog.catalogue import Catalogue
from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.information_systems import FILE_NAME as INFORMATION_SYSTEMS_FILE
from tekseru.catalog.information_systems import InformationSystems
from tekseru.catalog.parse import CatalogueDataError, EditionFiles, build_edition, parse
from tekseru.catalog.regions import Region, Regions, RegionsFile

DATA_PACKAGE = "tekseru.catalog.data"

# libyaml's parser when PyYAML was built with it (the wheels are): the same safe subset, several times faster.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Traversable) -> Any:
    try:
        with path.open("r", encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise CatalogueDataError(f"{path}: cannot read: {error}") from error


def load_edition(folder: Traversable) -> CatalogueEdition:
    """Read and check one edition folder (see docs/catalogue-format.md)."""
    checklists = sorted((folder / "checklists").iterdir(), key=lambda path: path.name)
    source = folder / "source-kk.txt"
    files = EditionFiles(
        folder=str(folder),
        edition=read_yaml(folder / "edition.yaml"),
        criteria=read_yaml(folder / "criteria.yaml"),
        groups=read_yaml(folder / "groups.yaml"),
        methodology=read_yaml(folder / "methodology.yaml"),
        form=read_yaml(folder / "form.yaml"),
        checklists={path.name: read_yaml(path) for path in checklists if path.name.endswith(".yaml")},
        source_kk=source.read_text(encoding="utf-8") if source.is_file() else None,
    )
    edition = build_edition(files)
    systems = folder / INFORMATION_SYSTEMS_FILE
    if not systems.is_file():
        return edition
    return replace(edition, information_systems=parse(InformationSystems, read_yaml(systems), str(systems)))


def packaged_edition_folders() -> list[Traversable]:
    root = resources.files(DATA_PACKAGE) / "editions"
    return sorted((path for path in root.iterdir() if path.is_dir()), key=lambda path: path.name)


@cache
def load_catalogue() -> Catalogue:
    """The editions, regions and state bodies shipped with tekseru, read and checked once per process."""
    editions = (load_edition(folder) for folder in packaged_edition_folders())
    return Catalogue(editions, regions=load_regions(), bodies=load_bodies())


def _packaged(name: str) -> tuple[Any, str]:
    path = resources.files(DATA_PACKAGE) / name
    return read_yaml(path), str(path)


@cache
def load_regions() -> Regions:
    """The regions shipped with tekseru, read once per process."""
    return Regions(parse(RegionsFile, *_packaged("regions.yaml")).regions)


def find_region(name: str) -> Region:
    """Shortcut for `load_regions().find(name)`."""
    return load_regions().find(name)


@cache
def load_bodies() -> Bodies:
    """The state bodies shipped with tekseru, read once per process."""
    return Bodies(parse(BodiesFile, *_packaged("bodies.yaml")))


def control_body(region: str | None = None) -> StateBody:
    """Shortcut for `load_bodies().control_body(region)`."""
    return load_bodies().control_body(region)
