"""On a 390 px phone (kk and ru) a table keeps its words whole: `td { overflow-wrap: anywhere }` let the
browser squeeze a column below its longest word, so that BINs broke into digit groups, dates into
"07.|12.|202|6" and "Жоғары" into "Жо|ғар|ы" (tester10's walk: 843 broken words on a subject's page). On a
phone a word now breaks only when it alone is wider than its cell, and the tables that cannot keep every
column's words whole in 390 px (a subject's assessments and evidence) are cards of "column: value" lines.
Neither the page nor any element is wider than the window; axe finds nothing serious."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.web.conftest import BrowserPage
from tests.web.support import BINS, OWN_BIN, USERS
from tests.web.test_accessibility import AXE, BLOCKING
from tests.web.test_plan_rows_phone import lists  # noqa: F401 (the fixture: an approved list and a draft)
from tests.web.test_plans_pages import browser_page

pytestmark = pytest.mark.browser

# The words of the visible table cells that the browser laid out on more than one line (the parts of
# "t-admin" or "E-Sobes/портал" each a word: a line may end after the hyphen).
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const cell = node.parentElement.closest('td, th');
    if (!cell || node.parentElement.closest('ul.changes')) continue;  // hashes may break: no words
    if (getComputedStyle(cell.parentElement).position === 'absolute') continue;  // for screen readers
    for (const match of node.data.matchAll(/[^\\s\\-/]+/g)) {  // a break after a hyphen or slash is fine
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""
WIDER_THAN_THE_WINDOW = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


def _pages(run: uuid.UUID) -> list[str]:
    return [
        "/registry",
        f"/registry/{OWN_BIN}",
        f"/registry/{BINS[5]}",
        f"/assessments/{run}",
        "/admin/audit",
    ]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_words_stay_whole_in_the_tables_of_a_phone(
    admin_phone: BrowserPage, seeded: uuid.UUID, lang: str
) -> None:
    page = admin_phone.page
    for path in _pages(seeded):
        admin_phone.open(f"{path}?lang={lang}")
        assert page.evaluate("() => document.documentElement.scrollWidth") == 390, path
        assert page.evaluate(WIDER_THAN_THE_WINDOW) == [], path
        assert page.evaluate(BROKEN_WORDS) == [], path


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_subjects_evidence_is_cards_on_a_phone(admin_phone: BrowserPage, lang: str) -> None:
    page = admin_phone.page
    admin_phone.open(f"/registry/{OWN_BIN}?lang={lang}")
    labels: list[str] = page.evaluate(
        """() => [...document.querySelector('table.evidence tbody tr').children]
              .filter(cell => getComputedStyle(cell).display === 'block')
              .map(cell => getComputedStyle(cell, '::before').content)"""
    )
    assert len(labels) == 4 and all(label.endswith(': "') for label in labels), labels
    violations: Any = AXE.run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_lists_tables_keep_their_words_whole(browser: Any, lists: Any, lang: str) -> None:  # noqa: F811
    _, url, approved, draft = lists
    with browser_page(browser, url, 390, 844, USERS["planner"].username) as page:
        for path in (approved, draft):
            page.open(f"{path}?lang={lang}")
            assert page.page.evaluate("() => document.documentElement.scrollWidth") == 390, path
            assert page.page.evaluate(WIDER_THAN_THE_WINDOW) == [], path
            assert page.page.evaluate(BROKEN_WORDS) == [], path
            assert page.page.locator("table.excluded tbody tr").count() > 0, path
