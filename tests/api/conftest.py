from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tekseru.settings import Settings
from tekseru.web.app import create_app
from tekseru.web.dependencies import get_catalog_service
from tests.web.support import two_edition_service


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app with the packaged catalogue plus the test edition of 2030 (the 2022 edition in force)."""
    app = create_app(Settings().with_database_path(tmp_path_factory.mktemp("api") / "tekseru.sqlite3"))
    service = two_edition_service()
    app.dependency_overrides[get_catalog_service] = lambda: service
    with TestClient(app) as client:
        yield client
