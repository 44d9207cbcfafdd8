"""The run's results (with the tie-break) and the inspections page (with the exports of its inspections and
of their violations) in the real browser: sorting by the last visit keeps the sort in the URL, each page
passes axe in kk and ru, and at 390 px nothing overflows and no cell wraps a letter a line."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.web.conftest import BrowserPage
from tests.web.test_accessibility import AXE, BLOCKING, overflowing

pytestmark = pytest.mark.browser

# Text of more than three letters whose own lines (not its cell's, which is as high as its row) are more
# than one per two letters: squeezed to a letter or two a line.
LETTER_A_LINE = """() => [...document.querySelectorAll('main td, main th, main .badge, main .ties')]
    .filter(e => e.offsetParent !== null && e.textContent.trim().length > 3)
    .filter(e => { const line = parseFloat(getComputedStyle(e).lineHeight) || 20;
                   const letters = e.textContent.trim().length;
                   const text = document.createRange(); text.selectNodeContents(e);
                   return text.getBoundingClientRect().height > line * Math.max(3, letters / 2); })
    .map(e => e.tagName.toLowerCase() + ':' + e.textContent.trim())"""
SHOTS = Path("/tmp/tekseru-desk19-shots")  # looked at by hand; the assertions are the checks


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_results_sort_by_last_visit_show_the_tie_break_and_pass_axe(
    admin_desktop: BrowserPage, seeded: uuid.UUID, lang: str
) -> None:
    page = admin_desktop.page
    admin_desktop.open(f"/assessments/{seeded}?lang={lang}")
    ties = page.eval_on_selector_all("table.results td.ties", "cells => cells.map(c => c.textContent)")
    assert ties and all(text.count("/") == 2 for text in ties)
    with page.expect_navigation():
        page.click("th[aria-sort] a[href*='sort=last_visit']")
    assert "sort=last_visit" in page.url
    assert "sort=last_visit" in str(page.get_attribute("#export-links a[href*='format=csv']", "href"))
    violations = AXE.run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_at_390_px_results_inspections_list_and_dashboard_fit(
    admin_phone: BrowserPage, seeded: uuid.UUID, lang: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    for name, path in (
        ("results", f"/assessments/{seeded}?sort=score&lang={lang}"),
        ("inspections", f"/inspections?lang={lang}"),
        ("registry", f"/registry?sort=-last_visit&lang={lang}"),
        ("dashboard", f"/?lang={lang}"),
    ):
        overflow = overflowing(admin_phone, path)
        admin_phone.page.screenshot(path=str(SHOTS / f"{name}-{lang}.png"), full_page=True)
        assert overflow == ([], [390, 390]), path
        assert admin_phone.page.evaluate(LETTER_A_LINE) == [], path
        if name == "results":  # the check finds a squeezed cell
            narrow = "display:inline-block;width:1ch;white-space:normal;word-break:break-all"
            squeeze = f"a => {{ a.style.cssText = '{narrow}'; }}"
            admin_phone.page.evaluate(
                f"() => document.querySelectorAll('table.results th a').forEach({squeeze})"
            )
            assert admin_phone.page.evaluate(LETTER_A_LINE) != []
        violations = AXE.run(admin_phone.page).response["violations"]
        assert [v["id"] for v in violations if v["impact"] in BLOCKING] == [], path

    # a most violated criterion's count opens the registry filtered to its subjects, the filter said
    admin_phone.open(f"/?lang={lang}")
    href = admin_phone.page.get_attribute("table.figures a[href*='criterion=']", "href")
    assert href is not None and "/registry?criterion=" in href
    path = f"{href}&lang={lang}"
    assert overflowing(admin_phone, path) == ([], [390, 390])
    assert admin_phone.page.is_visible("#criterion-filter")
    assert admin_phone.page.evaluate(LETTER_A_LINE) == [], path
    violations = AXE.run(admin_phone.page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == [], path
