"""Exporting with filters in the real browser: the links under the registry's table download every row of
the filtered, sorted table (not only the page shown) as CSV, XLSX and JSON, the same subjects in the same
order as the pages; the page with its links passes axe."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.web.conftest import BrowserPage
from tests.web.support import BINS, OTHER_REGION
from tests.web.test_accessibility import AXE, BLOCKING

pytestmark = pytest.mark.browser


def _page_bins(page: BrowserPage, path: str) -> list[str]:
    bins: list[str] = []
    while True:
        page.open(path)
        found = page.page.eval_on_selector_all(
            "table.subjects tbody th a", "a => a.map(x => x.textContent.trim())"
        )
        bins += found
        following = page.page.locator("nav.pager a[rel=next]")
        if not following.count():
            return bins
        path = str(following.get_attribute("href"))


def _download(page: BrowserPage, format: str, folder: Path) -> Path:
    with page.page.expect_download() as caught:
        page.page.click(f"#export-links a[href*='format={format}']")
    target = folder / f"export.{format}"
    caught.value.save_as(target)
    return target


def _bins(path: Path) -> list[str]:
    if path.suffix == ".csv":
        text = path.read_text(encoding="utf-8-sig")  # for Excel in Kazakh or Russian: `;` between cells
        return [row[0] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]]
    if path.suffix == ".json":
        return [item["bin"] for item in json.loads(path.read_text(encoding="utf-8"))]
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    return [str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_links_download_the_whole_filtered_sorted_table(
    admin_desktop: BrowserPage, tmp_path: Path, lang: str
) -> None:
    path = f"/registry?region={OTHER_REGION}&sort=-score&per_page=1&lang={lang}"
    shown = _page_bins(admin_desktop, path)
    assert len(shown) >= 2 and set(shown) <= set(BINS)
    admin_desktop.open(path)
    hrefs = admin_desktop.page.eval_on_selector_all(
        "#export-links a", "a => a.map(x => x.getAttribute('href'))"
    )
    assert all(f"region={OTHER_REGION}" in h and "sort=-score" in h and "per_page" not in h for h in hrefs)
    for format in ("csv", "xlsx", "json"):
        assert _bins(_download(admin_desktop, format, tmp_path)) == shown, format
    violations = AXE.run(admin_desktop.page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []
