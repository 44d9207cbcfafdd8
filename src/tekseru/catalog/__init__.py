"""The legal catalogue: the act's criteria, checklists, control groups and methodology, by edition.

Pure: the packaged editions are read by `tekseru.catalog_files.load_catalogue`."""

from tekseru.catalog.catalogue import Catalogue, NoEditionInForce
from tekseru.catalog.edition import CatalogueEdition, UnknownCatalogueEntry
from tekseru.catalog.schema import (
    LANGUAGES,
    Checklist,
    ChecklistItem,
    ClassBound,
    ControlGroup,
    Criterion,
    Severity,
    Text,
)

__all__ = [
    "LANGUAGES",
    "Catalogue",
    "CatalogueEdition",
    "Checklist",
    "ChecklistItem",
    "ClassBound",
    "ControlGroup",
    "Criterion",
    "NoEditionInForce",
    "Severity",
    "Text",
    "UnknownCatalogueEntry",
]
