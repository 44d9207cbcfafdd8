"""The dashboard on a 390 px phone (kk and ru): no chart label or value is cut off at the edge of its chart
(every text lies inside the chart's viewBox), nothing overflows the window, and the counts' table keeps
its numbers whole."""

from __future__ import annotations

import pytest

from tests.web.conftest import BrowserPage
from tests.web.test_accessibility import overflowing

pytestmark = pytest.mark.browser

# The texts of the charts that reach outside their chart's viewBox, where the SVG cuts them off.
CUT_OFF = """() => [...document.querySelectorAll('svg.chart text')].filter(text => {
        const box = text.getBBox(), view = text.ownerSVGElement.viewBox.baseVal;
        return box.x < view.x - 0.5 || box.x + box.width > view.x + view.width + 0.5;
    }).map(text => text.textContent)"""


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_at_390_px_no_chart_label_is_cut_off(admin_phone: BrowserPage, lang: str) -> None:
    assert overflowing(admin_phone, f"/?lang={lang}") == ([], [390, 390])
    assert admin_phone.page.locator("svg.chart").count() >= 3
    assert admin_phone.page.evaluate(CUT_OFF) == []


def test_the_cut_off_check_finds_a_label_outside_its_chart(admin_phone: BrowserPage) -> None:
    admin_phone.open("/?lang=ru")
    admin_phone.page.evaluate("() => document.querySelector('svg.chart text').setAttribute('x', '-40')")
    assert admin_phone.page.evaluate(CUT_OFF) != []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_at_390_px_the_subject_cards_score_chart_fits(admin_phone: BrowserPage, lang: str) -> None:
    from tests.web.support import OWN_BIN

    assert overflowing(admin_phone, f"/registry/{OWN_BIN}?lang={lang}") == ([], [390, 390])
    assert admin_phone.page.locator("svg#chart-history, svg[aria-labelledby^='chart-history']").count() == 1
    assert admin_phone.page.evaluate(CUT_OFF) == []
