"""The subject card's explanation cites the evidence it counted by number ("evidence No. 14"); the evidence
table under it shows each record's number, so that a reader finds the record cited. The table had no
number (tester finding 3 of the session of 2026-12-07). The explanation's lines carry their own dash, so
the list shows no bullet before them (tester finding 7)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.web.conftest import BrowserPage, SignedIn
from tests.web.htmltree import parse
from tests.web.support import OWN_BIN

CITED = {
    "kk": r"мәлімет № ([\d, ]+)\)",
    "ru": r"сведения № ([\d, ]+)\)",
    "en": r"evidence No\. ([\d, ]+)\)",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_evidence_number_the_explanation_cites_is_in_the_evidence_table(
    signed_in: Callable[[str], SignedIn], language: str
) -> None:
    root = parse(signed_in("viewer").client.get(f"/registry/{OWN_BIN}?lang={language}").text)
    explanation = root.find("ul", class_="explanation").text
    cited = {
        int(number) for found in re.findall(CITED[language], explanation) for number in found.split(", ")
    }
    table = root.find("table", class_="evidence")
    assert table.find("thead").find_all("th")[0].text == ("No." if language == "en" else "№")
    body_rows = table.find("tbody").find_all("tr")
    shown = {int(row.find_all("td")[0].text) for row in body_rows}
    assert cited and cited <= shown
    assert all(row.attrs["id"] == f"evidence-{row.find_all('td')[0].text}" for row in body_rows)


@pytest.mark.browser
def test_the_explanation_lines_have_no_bullet_before_their_own_dash(admin_phone: BrowserPage) -> None:
    admin_phone.open(f"/registry/{OWN_BIN}?lang=ru")
    styles = admin_phone.page.eval_on_selector(
        "ul.explanation li", "li => [getComputedStyle(li).listStyleType, li.textContent.trim()]"
    )
    assert styles[0] == "none"
