from __future__ import annotations

import pytest

from tekseru.catalog import CatalogueEdition
from tekseru.catalog_files import load_catalogue


@pytest.fixture(scope="session")
def edition_2022() -> CatalogueEdition:
    return load_catalogue().edition("2022-29983")
