"""Accessibility in the real browser (Debian's chromium, headless): an axe-core scan of every page in every
language, keyboard-only use, and a 390 px wide screen.

axe-core comes from the axe-playwright-python package (its bundled axe.min.js), injected into the page by
Playwright; every request the pages make is recorded, and anything not served by the app is blocked and
fails the test.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from axe_playwright_python.sync_playwright import Axe

from tests.web.conftest import BrowserPage
from tests.web.support import (
    CATALOGUE_PAGES,
    ERROR_PAGES,
    LANGUAGES,
    OTHER_PAGES,
    OWN_BIN,
    PASSWORD,
    SIGNED_IN_PAGES,
    SIGNED_OUT_PAGES,
    USERS,
    resolve,
    with_lang,
)

pytestmark = pytest.mark.browser

AXE = Axe()  # the script bundled with the package, read from disk
BLOCKING = {"serious", "critical"}
STATUS_ERROR = "the server responded with a status of"


def scan(browser_page: BrowserPage, path: str) -> list[dict[str, Any]]:
    """Open the page, run axe on it and return its violations (after printing them, whatever their impact)."""
    page = browser_page.page
    browser_page.network.console_errors.clear()
    response = page.goto(browser_page.base_url + path, wait_until="load")
    assert response is not None
    errors = browser_page.network.console_errors
    assert errors == (
        [] if response.ok else [f"Failed to load resource: {STATUS_ERROR} {response.status} (Not Found)"]
    )
    before = len(browser_page.network.requested)
    violations: list[dict[str, Any]] = AXE.run(page).response["violations"]
    assert len(browser_page.network.requested) == before, "axe fetched something"
    assert browser_page.network.outside == [], "the page asked for something the app does not serve"
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]]
        print(f"{path}: {violation['impact']} {violation['id']}: {violation['help']} {json.dumps(targets)}")
    return violations


def test_axe_is_the_packaged_script() -> None:
    script = AXE_FILE_PATH.read_text(encoding="utf-8")
    assert AXE.axe_script == script and script.startswith("/*! axe v4.")


def test_the_scan_finds_violations_when_there_are_some(shared_desktop: BrowserPage) -> None:
    page = shared_desktop.page
    page.set_content('<html><body><img src="data:,"><a href="#"></a></body></html>')
    violations = {v["id"]: v["impact"] for v in AXE.run(page).response["violations"]}
    assert violations["image-alt"] == "critical" and violations["html-has-lang"] == "serious"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", [*OTHER_PAGES, *CATALOGUE_PAGES, *ERROR_PAGES, *SIGNED_OUT_PAGES])
def test_no_serious_or_critical_violations(shared_desktop: BrowserPage, path: str, lang: str) -> None:
    violations = scan(shared_desktop, with_lang(path, lang))
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_no_serious_or_critical_violations_signed_in(
    admin_desktop: BrowserPage, example_ids: dict[str, str], path: str, lang: str
) -> None:
    violations = scan(admin_desktop, with_lang(resolve(path, example_ids), lang))
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("who", ["signed out", "admin"])
def test_every_page_in_the_navigation_passes_axe(
    shared_desktop: BrowserPage, admin_desktop: BrowserPage, who: str, lang: str
) -> None:
    """Sections added to the navigation later are scanned without a change here; signed in as the admin,
    every section is in the navigation."""
    browser_page = shared_desktop if who == "signed out" else admin_desktop
    browser_page.open(f"/?lang={lang}")
    hrefs = browser_page.page.eval_on_selector_all(
        "nav.main-nav a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert "/" in hrefs and "/catalog" in hrefs and (who == "signed out") == ("/registry" not in hrefs)
    for href in sorted(set(hrefs) - set(CATALOGUE_PAGES)):
        violations = scan(browser_page, with_lang(href, lang))
        assert [v["id"] for v in violations if v["impact"] in BLOCKING] == [], href


# Keyboard-only use


def focused(browser_page: BrowserPage) -> dict[str, Any]:
    result: dict[str, Any] = browser_page.page.evaluate(
        """() => {
            const e = document.activeElement, style = getComputedStyle(e), box = e.getBoundingClientRect();
            return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim(),
                    lang: e.lang, href: e.getAttribute('href'), outline: style.outlineStyle,
                    color: style.color, background: style.backgroundColor,
                    outlineWidth: parseFloat(style.outlineWidth), shadow: style.boxShadow,
                    visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0};
        }"""
    )
    return result


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two computed `rgb(r, g, b)` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tab_to(browser_page: BrowserPage, wanted: dict[str, str], limit: int = 40) -> dict[str, Any]:
    for _ in range(limit):
        browser_page.page.keyboard.press("Tab")
        element = focused(browser_page)
        if all(element.get(key) == value for key, value in wanted.items()):
            return element
    raise AssertionError(f"{wanted} not reached in {limit} presses of Tab")


def test_the_skip_link_comes_first_and_moves_focus_to_main(desktop: BrowserPage) -> None:
    desktop.open("/catalog/criteria")
    desktop.page.keyboard.press("Tab")
    first = focused(desktop)
    assert (first["cls"], first["href"], first["visible"]) == ("skip-link", "#main", True)
    desktop.page.keyboard.press("Enter")
    assert focused(desktop)["id"] == "main"
    desktop.page.keyboard.press("Tab")
    assert focused(desktop)["href"] == "/catalog/criteria"  # the first link inside main: the catalogue menu


def test_focus_is_always_visible(desktop: BrowserPage) -> None:
    desktop.open("/catalog/criteria?lang=ru")
    for _ in range(16):  # skip link, brand, languages, navigation, catalogue menu, the filter form
        desktop.page.keyboard.press("Tab")
        element = focused(desktop)
        assert element["visible"], element
        assert element["outline"] == "solid" and element["outlineWidth"] >= 3, element
        assert element["shadow"] != "none", element
        if element["tag"] == "a":  # dark text on yellow, wherever the link is
            assert element["background"] == "rgb(255, 221, 0)", element
            assert contrast(element["color"], element["background"]) >= 4.5, element


def test_the_language_switcher_works_with_the_keyboard_alone(desktop: BrowserPage) -> None:
    desktop.open("/catalog/criteria")
    assert desktop.page.get_attribute("html", "lang") == "kk"
    tab_to(desktop, {"lang": "ru"})
    with desktop.page.expect_navigation():
        desktop.page.keyboard.press("Enter")
    assert desktop.page.get_attribute("html", "lang") == "ru"
    assert desktop.page.is_visible("#unofficial-notice")
    desktop.open("/catalog/groups")  # remembered without ?lang=
    assert desktop.page.get_attribute("html", "lang") == "ru"
    tab_to(desktop, {"lang": "kk"})
    with desktop.page.expect_navigation():
        desktop.page.keyboard.press("Enter")
    assert desktop.page.get_attribute("html", "lang") == "kk"
    assert not desktop.page.is_visible("#unofficial-notice")


def test_the_criteria_filter_works_with_the_keyboard_and_htmx(desktop: BrowserPage) -> None:
    desktop.open("/catalog/criteria?lang=en")
    desktop.page.wait_for_function("() => window.htmx !== undefined")
    desktop.page.evaluate("() => { window.notReloaded = true; }")
    tab_to(desktop, {"id": "severity"})
    desktop.page.keyboard.press("ArrowDown")  # "Any severity" -> "Gross"
    assert desktop.page.input_value("#severity") == "gross"
    tab_to(desktop, {"tag": "button"})
    desktop.page.keyboard.press("Enter")
    desktop.page.wait_for_function(
        "() => !document.querySelector('#result-count').textContent.includes('90 of')"
    )
    assert desktop.page.evaluate("() => window.notReloaded") is True  # htmx swapped the results in place
    assert "severity=gross" in desktop.page.url
    badges = desktop.page.eval_on_selector_all(
        "table.criteria td.wide-only .badge", "badges => badges.map(b => b.textContent.trim())"
    )
    assert badges and set(badges) == {"Gross"}
    assert desktop.page.text_content("#result-count") == f"Showing {len(badges)} of 90 criteria."


def test_signing_in_with_the_keyboard_alone(desktop: BrowserPage, seeded: uuid.UUID) -> None:
    desktop.open("/registry?lang=en")
    assert desktop.page.url.endswith("/login?next=%2Fregistry%3Flang%3Den")
    tab_to(desktop, {"id": "username"})
    desktop.page.keyboard.type(USERS["viewer"].username)
    desktop.page.keyboard.press("Tab")
    assert focused(desktop)["id"] == "password"
    desktop.page.keyboard.type(PASSWORD)
    with desktop.page.expect_navigation():
        desktop.page.keyboard.press("Enter")
    assert desktop.page.url.endswith("/registry?lang=en")
    assert desktop.page.text_content("h1") == "Registry of control subjects"
    tab_to(desktop, {"tag": "button", "text": "Sign out"})
    with desktop.page.expect_navigation():
        desktop.page.keyboard.press("Enter")
    assert desktop.page.is_visible("text=Sign in")


def test_the_registry_search_works_with_the_keyboard_and_htmx(planner_desktop: BrowserPage) -> None:
    page = planner_desktop.page
    planner_desktop.open("/registry?lang=en")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.notReloaded = true; }")
    tab_to(planner_desktop, {"id": "q"})
    page.keyboard.type("мейірім")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#result-count').textContent.startsWith('1 subjects')"
    )
    assert page.evaluate("() => window.notReloaded") is True
    assert "q=%D0%BC" in page.url
    tab_to(planner_desktop, {"tag": "a", "text": OWN_BIN})
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.text_content("h1") == "«Мейірім» орталығы"


def test_focus_is_visible_on_a_form_that_changes_something(admin_desktop: BrowserPage) -> None:
    admin_desktop.open("/admin/users?lang=en")
    admin_desktop.page.focus("#username")
    for _ in range(5):  # user name, full name, role, region, the button
        element = focused(admin_desktop)
        assert element["visible"] and element["outline"] == "solid" and element["outlineWidth"] >= 3, element
        admin_desktop.page.keyboard.press("Tab")


# Narrow screens


def overflowing(browser_page: BrowserPage, path: str) -> tuple[list[str], list[int]]:
    browser_page.open(path)
    wider = browser_page.page.evaluate(
        """() => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
              .map(e => e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || ''))"""
    )
    width = browser_page.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    return wider, width


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("path", [*OTHER_PAGES, *CATALOGUE_PAGES, *SIGNED_OUT_PAGES])
def test_nothing_overflows_horizontally_at_390_px(shared_phone: BrowserPage, path: str, lang: str) -> None:
    assert overflowing(shared_phone, with_lang(path, lang)) == ([], [390, 390])


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_nothing_overflows_horizontally_at_390_px_signed_in(
    admin_phone: BrowserPage, example_ids: dict[str, str], path: str, lang: str
) -> None:
    assert overflowing(admin_phone, with_lang(resolve(path, example_ids), lang)) == ([], [390, 390])
