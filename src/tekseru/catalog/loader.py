"""Reads catalogue editions from package data and validates them against the schema."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.faithfulness import SourceDocument
from tekseru.catalog.integrity import check_edition
from tekseru.catalog.schema import (
    Checklist,
    CriteriaFile,
    Edition,
    FormLayout,
    GroupsFile,
    MethodologyFile,
)

EDITIONS_PACKAGE = "tekseru.catalog.data"
M = TypeVar("M", bound=BaseModel)


class CatalogueDataError(ValueError):
    """A catalogue data file that does not match its schema or breaks an integrity rule."""


# libyaml's parser when PyYAML was built with it (the wheels are): the same safe subset, several times faster.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Traversable) -> Any:
    try:
        with path.open("r", encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise CatalogueDataError(f"{path}: cannot read: {error}") from error


def _parse(model: type[M], path: Traversable) -> M:
    try:
        return model.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise CatalogueDataError(f"{path}: does not match the catalogue schema:\n{error}") from error


def load_edition(folder: Traversable) -> CatalogueEdition:
    """Load and check one edition folder (see docs/catalogue-format.md)."""
    criteria = _parse(CriteriaFile, folder / "criteria.yaml").criteria
    checklists = [
        _parse(Checklist, path)
        for path in sorted((folder / "checklists").iterdir(), key=lambda p: p.name)
        if path.name.endswith(".yaml")
    ]
    edition = CatalogueEdition(
        edition=_parse(Edition, folder / "edition.yaml"),
        criteria={criterion.number: criterion for criterion in criteria},
        checklists={checklist.appendix: checklist for checklist in checklists},
        groups={group.key: group for group in _parse(GroupsFile, folder / "groups.yaml").groups},
        methodology=_parse(MethodologyFile, folder / "methodology.yaml"),
        form=_parse(FormLayout, folder / "form.yaml"),
    )
    source_file = folder / "source-kk.txt"
    source = SourceDocument(source_file.read_text(encoding="utf-8")) if source_file.is_file() else None
    problems = check_edition(edition, criteria_in_file_order=criteria, source=source)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise CatalogueDataError(f"{folder}: edition {edition.id} breaks integrity rules:\n{listed}")
    return edition


def packaged_edition_folders() -> list[Traversable]:
    root = resources.files(EDITIONS_PACKAGE) / "editions"
    return sorted((path for path in root.iterdir() if path.is_dir()), key=lambda p: p.name)
