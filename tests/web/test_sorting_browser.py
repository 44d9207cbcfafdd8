"""Sorting the registry in the real browser: a column heading sorts on the server with the sort in the URL,
a second press turns it round, the table says its order (aria-sort), the page passes axe in kk and ru, and
at 390 px nothing overflows and no cell is squeezed to a letter a line (badges, scores, the tie-break)."""

from __future__ import annotations

import pytest

from tests.web.conftest import BrowserPage
from tests.web.support import BINS
from tests.web.test_accessibility import AXE, BLOCKING, overflowing

pytestmark = pytest.mark.browser

# Cells (and badges) of more than three letters taller than a line per two letters: squeezed.
LETTER_A_LINE = """() => [...document.querySelectorAll(
        'table.subjects td, table.subjects th, table.subjects .badge')]
    .filter(e => e.offsetParent !== null && e.textContent.trim().length > 3)
    .filter(e => { const line = parseFloat(getComputedStyle(e).lineHeight) || 20;
                   const letters = e.textContent.trim().length;
                   return e.getBoundingClientRect().height > line * Math.max(3, letters / 2); })
    .map(e => e.tagName.toLowerCase() + ':' + e.textContent.trim())"""


def _bins(page: BrowserPage) -> list[str]:
    found: list[str] = page.page.eval_on_selector_all(
        "table.subjects tbody th a", "links => links.map(a => a.textContent.trim())"
    )
    return [b for b in found if b in BINS]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_heading_sorts_and_the_page_passes_axe(admin_desktop: BrowserPage, lang: str) -> None:
    page = admin_desktop.page
    admin_desktop.open(f"/registry?lang={lang}")
    with page.expect_navigation():
        page.click("th[aria-sort] a[href*='sort=score']")
    assert "sort=score" in page.url
    assert page.get_attribute("th[aria-sort='descending'] a", "href") is not None
    highest = _bins(admin_desktop)[:2]
    with page.expect_navigation():
        page.click("th[aria-sort='descending'] a")
    assert "sort=-score" in page.url
    assert page.locator("th[aria-sort='ascending']").count() == 1
    assert set(_bins(admin_desktop)[-2:]) == set(highest)
    violations = AXE.run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("sort", ["score", "-last_visit", "group"])
def test_at_390_px_nothing_overflows_or_wraps_letter_by_letter(
    admin_phone: BrowserPage, lang: str, sort: str
) -> None:
    assert overflowing(admin_phone, f"/registry?sort={sort}&lang={lang}") == ([], [390, 390])
    assert admin_phone.page.evaluate(LETTER_A_LINE) == []


def test_the_letter_a_line_check_finds_a_squeezed_cell(admin_phone: BrowserPage) -> None:
    admin_phone.open("/registry?sort=score&lang=kk")
    admin_phone.page.evaluate(
        """() => document.querySelectorAll('table.subjects td').forEach(
            cell => { cell.style.maxWidth = '1ch'; cell.style.wordBreak = 'break-all'; })"""
    )
    assert admin_phone.page.evaluate(LETTER_A_LINE) != []
