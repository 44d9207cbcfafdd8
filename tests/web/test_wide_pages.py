"""Pages no wider than the window, in kk and ru.

The audit log on a 390 px phone: a name typed at a failed sign-in (up to 64 characters, with no space) and
an imported file's name are identifiers without a place to break, and the table grew to them (454 px in
ru, the page scrolling sideways); its rows are now cards of "column: value" lines, where such an
identifier breaks at the card's edge and an ordinary word stays whole.

An approved list at 1280 px: its twelve columns at their narrowest were 3 px wider than the window in ru
(27 px in session 12); its cells' padding and headings are now smaller on a desktop.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from tekseru.services.permissions import Actor
from tekseru.services.registry import import_subjects
from tests.catalogue import CATALOGUE
from tests.web.live_app import serving
from tests.web.support import BINS, USERS
from tests.web.test_plans_pages import HALF_YEAR, Site, browser_page, make_site
from tests.web.test_words_whole_on_phone import BROKEN_WORDS, WIDER_THAN_THE_WINDOW

pytestmark = pytest.mark.browser

# What a clerk typed as their name at the sign-in (the API takes 64 characters): dots keep it one word.
TYPED_NAME = "inspector.almaty.oblysy.aleumettik.korgau.department@example.gov.kz"[:64]
# An imported file's name: underscores do not let a line break either.
FILE_NAME = "subjects_almaty_oblysy_2026_ekinshi_zharty_zhyldyk_tolyk_tizim.csv"
IDENTIFIERS = (TYPED_NAME, FILE_NAME)


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str, str]]:
    """An approved list, and audit entries naming a long typed name and a long file name."""
    folder = tmp_path_factory.mktemp("wide-pages")
    site = make_site(folder)
    approved = site.api("planner", "POST", "/plans", json={"half_year": HALF_YEAR})["id"]
    site.api("planner", "POST", f"/plans/{approved}/approve")
    refused = site.client().client.post(
        "/api/v1/auth/login", json={"username": TYPED_NAME, "password": "not-the-password"}
    )
    assert refused.status_code == 401, refused.text
    subjects = folder / FILE_NAME
    subjects.write_text(f"bin,name,region,groups\n{BINS[5]},Нұр,shymkent,home_care\n", encoding="utf-8")
    import_subjects(
        site.app.state.tekseru.database(),
        subjects,
        CATALOGUE.edition_at(date(2024, 7, 1)),
        regions=CATALOGUE.regions,
        today=date(2024, 7, 1),
        actor=Actor.system("t-admin"),
    )
    with serving(site.app) as url:
        yield site, url, f"/plans/{approved}"
    site.app.state.tekseru.close()


def _wider(page: Any) -> list[str]:
    return page.evaluate(WIDER_THAN_THE_WINDOW)  # type: ignore[no-any-return]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_audit_log_with_long_identifiers_fits_a_phone(
    browser: Any, wide: tuple[Site, str, str], lang: str
) -> None:
    _, url, _ = wide
    with browser_page(browser, url, 390, 844, USERS["admin"].username) as page:
        page.open(f"/admin/audit?lang={lang}")
        assert page.page.evaluate("() => document.documentElement.scrollWidth") == 390
        assert _wider(page.page) == []
        shown = page.page.evaluate("() => document.querySelector('table.audit').innerText").replace("\n", "")
        assert all(identifier in shown for identifier in IDENTIFIERS), shown[:500]
        # Only the identifiers break; the words of the table stay whole.
        broken = set(page.page.evaluate(BROKEN_WORDS))
        assert broken and broken <= set(IDENTIFIERS), broken
        assert page.page.locator("table.audit tbody tr").count() >= 3


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_audit_log_and_an_approved_list_fit_a_desktop(
    browser: Any, wide: tuple[Site, str, str], lang: str
) -> None:
    _, url, approved = wide
    with browser_page(browser, url, 1280, 900, USERS["admin"].username) as page:
        for path in (approved, "/admin/audit"):
            page.open(f"{path}?lang={lang}")
            assert page.page.evaluate("() => document.documentElement.scrollWidth") == 1280, path
            assert _wider(page.page) == [], path
        page.open(f"{approved}?lang={lang}")
        # Every column shown, its heading's words whole (the smaller headings are not squeezed instead).
        assert page.page.locator("table.plan-rows thead th:visible").count() == 12
        broken = page.page.evaluate(BROKEN_WORDS.replace("closest('td, th')", "closest('thead th')"))
        assert broken == []
