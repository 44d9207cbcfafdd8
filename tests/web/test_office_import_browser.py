"""The question which sheet of a workbook to import, in the real browser: reached by uploading the file
from the import page, the first sheet chosen, and no serious or critical axe violation (kk, ru). The question
is not answered, so the shared database is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import BrowserPage
from tests.web.test_accessibility import AXE, BLOCKING
from tests.web.test_office_import_pages import workbook

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_sheet_question_passes_axe(planner_desktop: BrowserPage, tmp_path: Path, lang: str) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(workbook())
    page = planner_desktop.page
    planner_desktop.open(f"/imports?lang={lang}")
    page.select_option("#kind", "import_subjects")
    page.set_input_files("#file", str(book))
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert page.is_checked("#sheet-1") and not page.is_checked("#sheet-2")
    assert page.get_attribute("html", "lang") == lang
    violations = AXE.run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []
