"""Builds a catalogue edition from the contents of its data files and checks it: the schema, then the
integrity rules. Pure: the files are read by `tekseru.catalog_files`, which hands their parsed YAML here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

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

M = TypeVar("M", bound=BaseModel)


class CatalogueDataError(ValueError):
    """A catalogue data file that does not match its schema or breaks an integrity rule."""


@dataclass(frozen=True)
class EditionFiles:
    """What an edition folder holds (docs/catalogue-format.md), each YAML file parsed but not yet checked.
    `folder` names the folder in messages; `checklists` maps each checklist file's name to its content, in
    the folder's order; `source_kk` is the act's Kazakh text when the folder has it."""

    folder: str
    edition: Any
    criteria: Any
    groups: Any
    methodology: Any
    form: Any
    checklists: Mapping[str, Any]
    source_kk: str | None = None


def parse(model: type[M], data: Any, where: str) -> M:
    """`data` checked against the schema `model`, or CatalogueDataError naming `where` it came from."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise CatalogueDataError(f"{where}: does not match the catalogue schema:\n{error}") from error


def build_edition(files: EditionFiles) -> CatalogueEdition:
    """The edition of these files, checked, or CatalogueDataError naming the file or the rule broken."""
    folder = files.folder
    criteria = parse(CriteriaFile, files.criteria, f"{folder}/criteria.yaml").criteria
    groups = parse(GroupsFile, files.groups, f"{folder}/groups.yaml").groups
    checklists = [
        parse(Checklist, data, f"{folder}/checklists/{name}") for name, data in files.checklists.items()
    ]
    edition = CatalogueEdition(
        edition=parse(Edition, files.edition, f"{folder}/edition.yaml"),
        criteria={criterion.number: criterion for criterion in criteria},
        checklists={checklist.appendix: checklist for checklist in checklists},
        groups={group.key: group for group in groups},
        methodology=parse(MethodologyFile, files.methodology, f"{folder}/methodology.yaml"),
        form=parse(FormLayout, files.form, f"{folder}/form.yaml"),
    )
    source = SourceDocument(files.source_kk) if files.source_kk is not None else None
    problems = check_edition(edition, criteria_in_file_order=criteria, source=source)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise CatalogueDataError(f"{folder}: edition {edition.id} breaks integrity rules:\n{listed}")
    return edition
