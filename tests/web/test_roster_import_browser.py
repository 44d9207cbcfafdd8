"""A roster uploaded from the import page in the real browser (kk, ru): the new kinds are offered, the job's
page follows the background job to its end and lists each rejected row's error in the page's language with
the IIN masked, and neither page has a serious or critical axe violation. The file has a bad row, so the
import keeps nothing and the shared database is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.services.roster_data import IINS, PROVIDER_A, ROSTER_HEADER, write
from tests.web.conftest import BrowserPage
from tests.web.test_accessibility import AXE, BLOCKING

pytestmark = pytest.mark.browser

WRONG_DIGIT = IINS[5][:-1] + str((int(IINS[5][-1]) + 1) % 10)
KINDS = [
    "import_roster_provider",
    "import_roster_esobes",
    "import_roster_portal",
    "import_deliveries",
    "import_findings",
]
# The IIN in each language's words.
WORDS = {"kk": "ЖСН", "ru": "ИИН"}


def _blocking(page: object) -> list[str]:
    violations = AXE.run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in BLOCKING]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_roster_upload_shows_its_errors_in_the_page_language(
    planner_desktop: BrowserPage, tmp_path: Path, lang: str
) -> None:
    rows = [
        [IINS[4], PROVIDER_A, "stationary", "2024-01-10", ""],
        [WRONG_DIGIT, PROVIDER_A, "stationary", "2024-01-10", ""],
    ]
    roster = write(tmp_path / "esobes.csv", ROSTER_HEADER, rows)
    page = planner_desktop.page
    planner_desktop.open(f"/imports?lang={lang}")
    offered = page.eval_on_selector_all("#kind option", "options => options.map(o => o.value)")
    assert set(KINDS) <= set(offered)
    assert _blocking(page) == []
    page.select_option("#kind", "import_roster_esobes")
    page.set_input_files("#file", str(roster))
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    page.wait_for_selector("table.errors", timeout=60_000)
    assert page.get_attribute("html", "lang") == lang
    cells = page.inner_text("table.errors tbody tr")
    iin_word = WORDS[lang]
    assert "3" in cells and "iin" in cells and iin_word in cells
    assert WRONG_DIGIT[:6] in cells and WRONG_DIGIT not in page.content()
    assert _blocking(page) == []
