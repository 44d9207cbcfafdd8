"""A list's rows on a 390 px phone (kk and ru): the subject's cell has the room. With the month's column
(already named by each group's heading) and, on an approved list, the visit's column beside the score and
the class, the subject's cell was a fifth of the table: names and groups broke every few letters, the rank
"32" into "3" and "2", and the row's link "Строка" one letter a line (tester finding 15). On a phone the
month and the visit now read in the group's heading and under the name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.support import USERS
from tests.web.test_plans_pages import HALF_YEAR, Site, browser_page, make_site, overflowing, serving

SUBJECT_SHARE = """() => { const table = document.querySelector('table.plan-rows');
    const cells = [...table.querySelectorAll('tbody tr:not(.group-head) > td:first-of-type')];
    const narrowest = Math.min(...cells.map(cell => cell.getBoundingClientRect().width));
    return narrowest / table.getBoundingClientRect().width; }"""
RANKS_ON_ONE_LINE = """() => [...document.querySelectorAll('table.plan-rows tbody th.num')]
    .filter(cell => { const range = document.createRange(); range.selectNodeContents(cell);
                      return range.getClientRects().length > 1; })
    .map(cell => cell.textContent.trim())"""
VISIT_UNDER_THE_NAME = """() => [
    ...document.querySelectorAll('table.plan-rows tbody td:first-of-type p.meta a')
].filter(link => link.offsetParent !== null).length"""


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str, str]]:
    site = make_site(tmp_path_factory.mktemp("plan-rows-phone"))
    approved = site.api("planner", "POST", "/plans", json={"half_year": HALF_YEAR})["id"]
    site.api("planner", "POST", f"/plans/{approved}/approve")
    draft = site.api("planner", "POST", "/plans", json={"half_year": "2025-H1"})["id"]
    with serving(site.app) as url:
        yield site, url, f"/plans/{approved}", f"/plans/{draft}"  # type: ignore[misc]
    site.app.state.tekseru.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_at_390_px_the_subject_has_the_room(browser: Any, lists: Any, lang: str) -> None:
    _, url, approved, draft = lists
    with browser_page(browser, url, 390, 844, USERS["planner"].username) as page:
        for path in (f"{approved}?lang={lang}", f"{draft}?lang={lang}"):
            assert overflowing(page, path) == [], path
            assert page.page.evaluate(SUBJECT_SHARE) > 0.4, path
            assert page.page.evaluate(RANKS_ON_ONE_LINE) == [], path
        page.open(f"{approved}?lang={lang}")
        assert page.page.evaluate(VISIT_UNDER_THE_NAME) > 0
