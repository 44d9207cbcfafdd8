"""An address with an id wider than its column (a list or an inspection "3000000000", a number over 2**63)
on SQLite and PostgreSQL: a page says the number is too large (400) and the API refuses it (422), in the
reader's language; PostgreSQL's "integer out of range" was a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tekseru.settings import Settings
from tekseru.store import Database
from tests.databases import database, database_url, postgres_server
from tests.web.support import seed, two_edition_app
from tests.web.test_errors import NUMBER
from tests.web.test_plans_pages import Site

__all__ = ["database", "database_url", "postgres_server"]

WIDE = ("3000000000", "99999999999999999999999")
PAGES = ("/plans/{}", "/plans/{}/diff", "/inspections/{}", "/inspections/{}/checklist", "/remediation/{}")
API = ("/api/v1/plans/{}", "/api/v1/inspections/{}")


@pytest.fixture
def site(database_url: str, database: Database, tmp_path: Path) -> Iterator[Site]:
    settings = Settings(attachments_dir=str(tmp_path / "files"), database_url=database_url)
    app = two_edition_app(settings)
    seed(app.state.tekseru.database(), tmp_path)
    yield Site(app, tmp_path)
    app.state.tekseru.close()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_id_wider_than_its_column(site: Site, lang: str) -> None:
    client = site.client("admin").client
    for wide in WIDE:
        for path in PAGES:
            page = client.get(f"{path.format(wide)}?lang={lang}")
            if page.status_code == 404:  # SQLite holds 3000000000: no such record
                assert wide == WIDE[0] and site.app.state.settings.database_url.startswith("sqlite"), path
                continue
            assert page.status_code == 400, (path, wide, page.status_code)
            assert NUMBER[lang] in page.text and f'lang="{lang}"' in page.text
        for path in API:
            answer = client.get(f"{path.format(wide)}?lang={lang}")
            assert answer.status_code in (404, 422), (path, wide, answer.status_code)
            assert answer.headers["content-language"] == lang
