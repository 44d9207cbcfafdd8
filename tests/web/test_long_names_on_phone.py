"""A subject's name of 500 letters without a space (a name the importer takes as it is) on a 390 px phone,
in kk and ru: no page scrolls sideways and no element is wider than the window. The name widened the
registry (its table cell grew to the longest word), and the subject's card and the lists' pages with it;
it now breaks where it must (`overflow-wrap: anywhere` on names only)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from tests.web.support import OWN_BIN, USERS
from tests.web.test_inspections_pages import record
from tests.web.test_plans_pages import HALF_YEAR, Site, browser_page, make_site, overflowing, serving

pytestmark = pytest.mark.browser

# 500 letters, no space, no hyphen: nothing the browser may break at.
LONG_NAME = ("Әлеуметтікқызметкөрсетуорталығы" * 17)[:500]


@pytest.fixture(scope="module")
def long_named(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str, list[str]]]:
    """Every subject named with 500 letters (before the lists are formed: a list keeps the names it had),
    an approved list and a draft, an inspection and an assessment."""
    site = make_site(tmp_path_factory.mktemp("long-names"))
    with site.app.state.tekseru.database().transaction() as session:
        session.execute(text("UPDATE subjects SET name = :name || id"), {"name": LONG_NAME[:-3]})
    approved = site.api("planner", "POST", "/plans", json={"half_year": HALF_YEAR})["id"]
    site.api("planner", "POST", f"/plans/{approved}/approve")
    draft = site.api("planner", "POST", "/plans", json={"half_year": "2025-H1"})["id"]
    inspection = record(site)
    with site.app.state.tekseru.database().transaction() as session:
        run = session.execute(text("SELECT id FROM assessments")).scalar_one()
    with serving(site.app) as url:
        paths = ["/registry", f"/registry/{OWN_BIN}", "/plans", f"/plans/{approved}", f"/plans/{draft}"]
        # The inspections' list and an inspection (its facts are a grid) and the assessment's results.
        paths += ["/inspections", f"/inspections/{inspection}", f"/assessments/{run}"]
        yield site, url, paths
    site.app.state.tekseru.close()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_name_of_500_letters_does_not_widen_a_phones_pages(
    browser: Any, long_named: tuple[Site, str, list[str]], lang: str
) -> None:
    _, url, paths = long_named
    with browser_page(browser, url, 390, 844, USERS["planner"].username) as page:
        for path in paths:
            assert overflowing(page, f"{path}?lang={lang}") == [], path
            if path != "/plans":  # the lists' page names no subject
                shown = page.page.evaluate("() => document.body.innerText")
                assert LONG_NAME[:40] in shown.replace("\n", ""), path


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_name_of_500_letters_does_not_widen_a_desktops_pages(
    browser: Any, long_named: tuple[Site, str, list[str]], lang: str
) -> None:
    """An inspection's facts (a grid of two columns) grew to the name's width on a desktop as well, and a
    list's excluded rows (the name is the row's heading); the approved list's twelve columns were wider
    than 1280 px in ru whatever the names (tests/web/test_wide_pages.py)."""
    _, url, paths = long_named
    with browser_page(browser, url, 1280, 900, USERS["planner"].username) as page:
        for path in paths:
            page.open(f"{path}?lang={lang}")
            wider = page.page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                      .filter(e => e.getBoundingClientRect().right
                                   > document.documentElement.clientWidth + 0.5)
                      .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
            )
            assert wider == [], (path, wider[:10])
            assert page.page.evaluate("() => document.documentElement.scrollWidth") == 1280, path
