"""Shared by the web and API tests: a catalogue with a second edition, and the pages every test visits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tekseru.catalog import Catalogue, load_catalogue
from tekseru.catalog.loader import load_edition
from tekseru.services.catalog import CatalogService

TEST_EDITION = Path(__file__).parents[1] / "catalog" / "editions" / "2030-test"
TODAY = date(2024, 6, 1)
PACKAGED = "2022-29983"

# Every catalogue page, with the variants that render different parts of the templates (a filter nothing
# matches, another edition, a diff with and without changes, a checklist with items no criterion matches).
CATALOGUE_PAGES = (
    "/catalog",
    "/catalog/criteria",
    "/catalog/criteria?severity=gross&source_group=1",
    "/catalog/criteria?source_group=9",
    "/catalog/criteria/7",
    "/catalog/checklists",
    "/catalog/checklists/7",
    "/catalog/groups",
    "/catalog/editions",
    "/catalog/diff",
    f"/catalog/diff?a={PACKAGED}&b=2030-test",
    f"/catalog/diff?a={PACKAGED}&b={PACKAGED}",
    "/catalog/criteria?edition=2030-test",
)
OTHER_PAGES = ("/",)
ERROR_PAGES = ("/no-such-page", "/catalog/criteria/999")
LANGUAGES = ("kk", "ru", "en")


def two_edition_service() -> CatalogService:
    """The packaged edition and the small test edition of 2030, on a fixed date (the 2022 one in force)."""
    editions = [*load_catalogue().editions, load_edition(TEST_EDITION)]
    return CatalogService(Catalogue(editions), today=lambda: TODAY)


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"
