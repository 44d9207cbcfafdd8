"""The whole way in the real browser: sign in, import a file of subjects and one of evidence, run an
assessment, and see a subject's score on its page."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog_files import load_catalogue
from tests.web.conftest import BrowserPage
from tests.web.support import AS_OF, PASSWORD, USERS

pytestmark = pytest.mark.browser

BINS = list(demo_bins(2, prefix="1901900"))


def wait_for_job(page: object, text: str = "Finished") -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => ['{text}', 'Failed'].includes(document.querySelector('#job-state').textContent.trim())",
        timeout=60_000,
    )


def test_sign_in_import_assess_and_see_the_score(
    desktop: BrowserPage, seeded: uuid.UUID, tmp_path: Path
) -> None:
    page = desktop.page
    subjects = tmp_path / "e2e-subjects.csv"
    subjects.write_text(
        "bin,name,region,address,groups\n"
        f"{BINS[0]},E2E Шапағат,Астана,Street 9,stationary_care\n"
        f"{BINS[1]},E2E Қамқор,Astana,Street 10,stationary_care\n",
        encoding="utf-8",
    )
    edition = load_catalogue().edition_at(AS_OF)
    gross = next(
        n
        for n in sorted(edition.group("stationary_care").applicable_criteria)
        if edition.criterion(n).severity.value == "gross"
    )
    evidence = tmp_path / "e2e-evidence.csv"
    evidence.write_text(
        f"bin,criterion,source_group,observed_on,reference\n{BINS[0]},{gross},,2024-04-01,E2E act\n",
        encoding="utf-8",
    )

    desktop.open("/login?lang=en")
    page.fill("#username", USERS["planner"].username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Sign in')")
    assert "t-planner" in page.text_content("header")

    for path, kind in ((subjects, "import_subjects"), (evidence, "import_evidence")):
        page.click("nav.main-nav >> text=Imports")
        page.select_option("#kind", kind)
        page.set_input_files("#file", str(path))
        with page.expect_navigation():
            page.click("button:has-text('Import')")
        wait_for_job(page)  # the page follows the job by itself (htmx polling)
        assert page.text_content("#job-state").strip() == "Finished"
        assert "Rejected" in page.text_content("main")

    page.click("nav.main-nav >> text=Assessments")
    page.fill("#as_of", "2024-06-15")
    with page.expect_navigation():
        page.click("button:has-text('Run the assessment')")
    wait_for_job(page)
    with page.expect_navigation():
        page.click("text=Open the results of the assessment")
    assert page.text_content("h1") == "Assessment as of 15.06.2024"

    page.click("nav.main-nav >> text=Registry")
    page.fill("#q", "e2e шапағат")
    page.press("#q", "Enter")
    page.wait_for_function(
        "() => document.querySelector('#result-count').textContent.startsWith('1 subjects')"
    )
    with page.expect_navigation():
        page.click(f"text={BINS[0]}")
    assert page.text_content("h1") == "E2E Шапағат"
    facts = page.text_content("dl.facts")
    assert "High" in facts and "score 100.00" in facts
    assert "E2E act" in page.text_content("table.evidence")
    assert page.locator("ul.explanation li").count() >= 2
    assert desktop.network.outside == []
