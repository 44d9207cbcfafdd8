"""Document tests print the forms of the packaged edition of the act."""

from __future__ import annotations

import pytest

from tekseru.catalog import CatalogueEdition
from tekseru.catalog_files import load_catalogue


@pytest.fixture(scope="session")
def edition() -> CatalogueEdition:
    return load_catalogue().edition("2022-29983")
