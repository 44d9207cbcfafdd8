"""The whole workflow in the browser, as a planner would go through it on a new database: sign in, import
subjects and evidence, run an assessment, draft and approve the semi-annual list, record an inspection of a
listed subject and fill in and complete its checklist on a 390 px wide screen, then see the subject's score
change after a new assessment (the inspection's gross violation counts; the evidence it visited for is used).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog_files import load_catalogue
from tekseru.services.permissions import Actor
from tests.web.support import PASSWORD, create_user
from tests.web.test_plans_pages import Site, browser_page, make_site, serving

pytestmark = pytest.mark.browser

USERNAME = "e2e-planner"
LISTED, OTHER = demo_bins(2, prefix="1901600")
GROSS_ITEM = 5  # Appendix 3, item 5: criterion 7, a gross violation
ITEMS = 20


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("e2e"), seeded=False)
    actor = Actor.system("tests")
    db = made.app.state.tekseru.database()
    create_user(db, actor, username=USERNAME, full_name="Айгүл Сейітова", role="planner", password=PASSWORD)
    yield made
    made.app.state.tekseru.close()


def files(folder: Path, today: str, observed: str) -> tuple[Path, Path]:
    """Two subjects in Astana; the stationary-care one with significant violations (a medium class)."""
    edition = load_catalogue().edition_at(datetime.now(UTC).date())
    significant = [
        n
        for n in sorted(edition.group("stationary_care").applicable_criteria)
        if edition.criterion(n).severity.value == "significant" and edition.criterion(n).source_group < 4
    ]
    subjects, evidence = folder / "subjects.csv", folder / "evidence.csv"
    subjects.write_text(
        "bin,name,region,address,groups\n"
        f"{LISTED},«Мейірім» орталығы,astana,Астана,stationary_care\n"
        f"{OTHER},Шапағат үйі,astana,Астана,home_care\n",
        encoding="utf-8",
    )
    chosen = significant[: len(significant) // 2 + 2]
    rows = "".join(f"{LISTED},{n},,{observed},Act {n} of {today},\n" for n in chosen)
    evidence.write_text(
        "bin,criterion,source_group,observed_on,reference,confirmed\n" + rows, encoding="utf-8"
    )
    return subjects, evidence


def wait_for_job(page: Any) -> None:
    """On a job's page: wait until the job has finished (the page follows it with htmx)."""
    page.wait_for_function(
        "() => ['Finished', 'Failed'].includes(document.querySelector('#job-state').textContent.trim())",
        timeout=60_000,
    )
    assert page.text_content("#job-state").strip() == "Finished"


def upload(page: Any, kind: str, path: Path) -> None:
    page.goto("/imports")
    page.select_option("#kind", kind)
    page.set_input_files("#file", str(path))
    with page.expect_navigation():
        page.click("form[action='/imports'] button[type=submit]")
    wait_for_job(page)
    assert page.locator(".error-summary").count() == 0


def assess(page: Any) -> None:
    page.goto("/assessments")
    with page.expect_navigation():
        page.click("form[action='/assessments'] button[type=submit]")
    wait_for_job(page)


def score_of(page: Any, bin: str) -> tuple[str, str]:
    page.goto(f"/registry/{bin}")
    row = page.locator("table.results tbody tr").first
    return row.locator("td.num").text_content().strip(), row.locator(".badge").first.text_content().strip()


def test_from_import_to_a_changed_score(browser: Any, site: Site, tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    subjects, evidence = files(tmp_path, today.isoformat(), (today - timedelta(days=60)).isoformat())
    with serving(site.app) as live, browser_page(browser, live, 1280, 900, None) as tab:
        page = tab.page
        page.goto("/login?lang=en")
        page.fill("#username", USERNAME)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url == f"{live}/"

        upload(page, "import_subjects", subjects)
        upload(page, "import_evidence", evidence)
        assess(page)
        before = score_of(page, LISTED)
        assert before[1] == "Medium", before

        page.goto("/plans")
        with page.expect_navigation():
            page.click("form[action='/plans'] button[type=submit]")
        assert page.text_content("[role=status]") == "The draft list was formed."
        listed = page.locator("table.plan-rows").first.text_content()
        assert "«Мейірім» орталығы" in listed and "Шапағат үйі" not in listed
        with page.expect_navigation():
            page.click("form[action$='/approve'] button")
        assert page.text_content("[role=status]") == "The list was approved."
        assert page.locator("main form[method=post]").count() == 1  # only "Publish" is left

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/inspections/new")
        page.fill("#bin", LISTED)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.fill("#act_number", "1-ПК")
        page.fill("#act_date", today.isoformat())
        page.fill("#inspectors", "Айгүл Сейітова")
        with page.expect_navigation():
            page.click("form[action='/inspections'] button[type=submit]")
        assert re.search(r"/inspections/\d+/checklist\?done=created$", page.url), page.url
        assert page.evaluate("() => document.documentElement.scrollWidth") == 390
        for number in range(1, ITEMS + 1):
            answer = "non_compliant" if number == GROSS_ITEM else "compliant"
            page.click(f"label[for='answer-{number}-{answer}']")  # a tap on the answer's label
        page.fill(f"#comment-{GROSS_ITEM}", "no fire drill log")
        with page.expect_navigation():
            page.click("button[name=then][value=complete]")
        assert "Item 5 (Criterion 7)" in page.text_content("main dl")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.text_content("[role=status]") == "The inspection was completed."
        assert "Overdue" not in page.text_content("table.violations")

        page.set_viewport_size({"width": 1280, "height": 900})
        assess(page)
        after = score_of(page, LISTED)
        assert after == ("100.00", "High") and after != before
