"""A controlled subject in the real browser at 390 px, in kk and ru: it signs in, sees its violation on "My
organisation", submits a remediation report with a file; the inspector accepts it; the next drafted list
leaves the subject off with that reason, citing the report; no new page has a serious or critical axe
violation. The app runs on its own database, so the shared one is left as it was."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tekseru.services import plans
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, add_subjects, inspect
from tests.services.plan_data import add_run
from tests.web.conftest import BrowserPage, _browser_page, _signed_in_page
from tests.web.live_app import serving
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user
from tests.web.test_accessibility import AXE, BLOCKING

pytestmark = pytest.mark.browser

SYSTEM = Actor.system("tests")
SUBJECT_OF = {"kk": 0, "ru": 3}  # each language walks its own subject (both of Astana, Appendix 3)
WORDS = {
    "kk": {"home": "Менің ұйымым", "accepted": "Есеп қабылданды", "reason": "Жойылды"},
    "ru": {"home": "Моя организация", "accepted": "Отчёт принят", "reason": "Устранено"},
}


@dataclass(frozen=True)
class Portal:
    url: str
    db: Database


@pytest.fixture(scope="module")
def portal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    folder = tmp_path_factory.mktemp("subject-browser")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "db.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=CATALOGUE)
    db = app.state.tekseru.database()
    ids = add_subjects(db)
    for index in SUBJECT_OF.values():
        inspect(db, index, non_compliant=[1])
        name = f"subject-{index}"
        create_user(
            db,
            SYSTEM,
            username=name,
            full_name=name,
            role="subject",
            bins=[BINS[index]],
            password=PASSWORD,
            passwords=CHEAP_PASSWORDS,
        )
    for name, role, region in (("insp", "inspector", "astana"), ("plan", "planner", None)):
        create_user(
            db,
            SYSTEM,
            username=name,
            full_name=name,
            role=role,
            region=region,
            password=PASSWORD,
            passwords=CHEAP_PASSWORDS,
        )
    scores = {0: (100.0, "high", (7,)), 1: (100.0, "high", (7,))}
    add_run(db, {0: ids[0], 1: ids[3]}, scores, as_of=date(2025, 6, 1))
    with serving(app) as url:
        yield Portal(url, db)


def _phone(browser: Any, portal: Portal, username: str) -> Iterator[BrowserPage]:
    yield from _signed_in_page(browser, portal.url, username, 390, 844)


def _blocking(page: Any) -> list[str]:
    violations = AXE.run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in BLOCKING]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_subject_reports_the_inspector_accepts_and_the_next_list_leaves_it_off(
    browser: Any, portal_server: Portal, tmp_path: Path, lang: str
) -> None:
    index = SUBJECT_OF[lang]
    proof = tmp_path / "акт.pdf"
    proof.write_bytes(b"%PDF-1.4\n% ramp built\n")
    words = WORDS[lang]

    for subject in _browser_page(browser, portal_server.url, 390, 844):
        page = subject.page
        subject.open(f"/login?lang={lang}")  # it signs in on the sign-in page, as a person does
        assert _blocking(page) == []
        page.fill("#username", f"subject-{index}")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("form.stacked button[type=submit]")
        assert page.url.endswith("/my")  # the home page of a subject's account is its organisation
        subject.open(f"/my?lang={lang}")
        assert words["home"] in page.inner_text("h1") and BINS[index] in page.inner_text("main")
        assert _blocking(page) == []
        page.click("table.violations tbody a")
        page.wait_for_selector("#text")
        assert _blocking(page) == []
        page.fill("#text", words["reason"])
        page.set_input_files("#files", str(proof))
        with page.expect_navigation():
            page.click("form.stacked button[type=submit]")
        assert page.get_attribute("html", "lang") == lang
        status = page.inner_text("main")
        assert {"kk": "қаралуда", "ru": "на рассмотрении"}[lang] in status
        assert _blocking(page) == []

    for inspector in _phone(browser, portal_server, "insp"):
        page = inspector.page
        inspector.open(f"/remediation?lang={lang}")
        assert _blocking(page) == []
        page.click(f"table.reports tbody tr:has-text('{BINS[index]}') a")
        page.wait_for_selector("#reason")
        assert "акт.pdf" in page.inner_text("main")
        assert _blocking(page) == []
        page.fill("#reason", words["reason"])
        with page.expect_navigation():
            page.click("button[value=accept]")
        assert words["accepted"] in page.inner_text("main")
        assert _blocking(page) == []

    drafted = plans.draft_plan(portal_server.db, SYSTEM, "2025-H2", catalogue=CATALOGUE)
    (off,) = [row for row in drafted.plan.excluded if row.bin == BINS[index]]
    assert off.remediation_reports

    for planner in _phone(browser, portal_server, "plan"):
        page = planner.page
        planner.open(f"/plans/{drafted.id}?lang={lang}")
        row = page.inner_text(f"table.excluded tbody tr:has-text('{BINS[index]}')")
        cited = ", ".join(str(n) for n in off.remediation_reports)
        assert cited in row and {"kk": "растау", "ru": "подтверждение"}[lang] in row

    # Once the list is approved, the subject reads on its own page that it was left off, and why. One list
    # of a half-year and region may be approved, so the Kazakh run approves it (the Russian run's subject is
    # on that list: it remedied only after it was drafted).
    if lang != "kk":
        return
    plans.approve_plan(portal_server.db, SYSTEM, drafted.id)
    for subject in _phone(browser, portal_server, f"subject-{index}"):
        page = subject.page
        subject.open(f"/my?lang={lang}")
        mine = page.inner_text("main")
        assert cited in mine and {"kk": "растау", "ru": "подтверждение"}[lang] in mine
        assert _blocking(page) == []
