"""The tables of the dashboard, the catalogue's diff, the outbox, the contacts, the inspections list, an
inspection's violations and the rosters on a 390 px phone (kk and ru), on a database with the demo registry
and rows in every one of them: the page is no wider than the window, no element reaches past it, and no
word of a table is broken mid-letter (tests/web/test_words_whole_on_phone.py has the checks); axe finds
nothing serious, the cards keeping their table semantics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import update

from tekseru.catalog.identifiers import demo_bins
from tekseru.services import rosters
from tekseru.services.demo import load_demo
from tekseru.services.outbox import enqueue
from tekseru.services.permissions import Actor
from tekseru.store.outbox_models import FAILED, OutboxMessage
from tests.catalogue import CATALOGUE
from tests.web.support import AS_OF, BINS, OWN_BIN, PACKAGED, USERS, seed
from tests.web.test_accessibility import AXE, BLOCKING
from tests.web.test_inspections_pages import complete, record
from tests.web.test_plans_pages import Site, browser_page, make_site, serving
from tests.web.test_words_whole_on_phone import BROKEN_WORDS, WIDER_THAN_THE_WINDOW

pytestmark = pytest.mark.browser

ROSTER_DAY = "2023-06-01"
# An error an SMTP server gives, as long as they come: the outbox's widest cell.
SMTP_ERROR = "550 5.1.1 <meirim.ortalygy.direktor@example.kz>: Recipient address rejected: User unknown"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("tables-on-phone")
    made = make_site(folder, seeded=False)
    db = made.app.state.tekseru.database()
    load_demo(db, today=AS_OF, catalogue=CATALOGUE)  # every region, so the dashboard's tables are full
    seed(db, folder)  # the test users and subjects, and an assessment
    yield made
    made.app.state.tekseru.close()


@pytest.fixture(scope="module")
def paths(site: Site) -> list[str]:
    """The pages, once each has rows: inspections (one with violations), contacts, notices, a roster."""
    db = site.app.state.tekseru.database()
    record(site, "inspector")
    done = record(site)
    complete(site, done, {5: "non_compliant", 9: "non_compliant"})
    site.api("planner", "PATCH", f"/inspections/{done}/violations/5", json={"deadline": "2024-08-01"})
    admin = site.client("admin")
    for bin, email in ((OWN_BIN, "meirim.ortalygy.direktor@example.kz"), (BINS[1], "shapagat@example.kz")):
        assert admin.post_form("/admin/contacts/subject", {"key": bin, "email": email}).status_code == 303
    inspector = {"key": USERS["inspector"].username, "email": "t-inspector.askarov@example.kz"}
    assert admin.post_form("/admin/contacts/user", inspector).status_code == 303
    with db.transaction() as session:
        for number, recipient in enumerate(("meirim.ortalygy.direktor@example.kz", "shapagat@example.kz")):
            enqueue(
                session,
                key=f"phone:{number}",
                kind="list_published",
                recipient=recipient,
                subject="Жартыжылдық тізім жарияланды / Полугодовой список опубликован",
                body="/public/lists/1?lang=kk\n",
                now=datetime(2024, 6, 1, 9, 30, tzinfo=UTC),
            )
    with db.transaction() as session:  # one the mail server refused for good, with its error
        refused = update(OutboxMessage).where(OutboxMessage.key == "phone:0")
        session.execute(refused.values(status=FAILED, attempts=3, last_error=SMTP_ERROR))
    roster = site.folder / "provider.csv"
    providers = list(demo_bins(2, prefix="3304500"))
    iins = list(demo_bins(2, prefix="7707076"))
    roster.write_text(
        "iin,bin,form,start_date\n"
        + "".join(f"{iin},{bin},stationary,2023-01-10\n" for iin, bin in zip(iins, providers, strict=True)),
        encoding="utf-8",
    )
    rosters.import_roster(db, "provider", roster, actor=Actor.system("tests"), today=date.today())
    return [
        "/",
        f"/catalog/diff?a={PACKAGED}&b=2030-test",
        "/admin/outbox",
        "/admin/contacts",
        "/inspections?all=yes",
        f"/inspections/{done}",
        f"/rosters?as_of={ROSTER_DAY}",
    ]


@pytest.fixture(scope="module")
def live(site: Site) -> Iterator[str]:
    with serving(site.app) as url:
        yield url


ROWS = "() => [...document.querySelectorAll('main table tbody tr')].length"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_tables_fit_a_phone_with_their_words_whole(
    browser: Any, live: str, paths: list[str], lang: str
) -> None:
    problems = {}
    with browser_page(browser, live, 390, 844, USERS["admin"].username) as page:
        for path in paths:
            page.open(f"{path}{'&' if '?' in path else '?'}lang={lang}")
            assert page.page.evaluate(ROWS) > 0, path  # the check would pass on an empty table
            width = page.page.evaluate("() => document.documentElement.scrollWidth")
            found = {
                "width": width if width > 390 else None,
                "wider": page.page.evaluate(WIDER_THAN_THE_WINDOW),
                "broken": page.page.evaluate(BROKEN_WORDS),
            }
            if any(found.values()):
                problems[path] = found
    assert problems == {}, "\n".join(f"{path}: {found}" for path, found in problems.items())


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_axe_finds_nothing_serious_on_a_phone(browser: Any, live: str, paths: list[str], lang: str) -> None:
    with browser_page(browser, live, 390, 844, USERS["admin"].username) as page:
        for path in paths:
            page.open(f"{path}{'&' if '?' in path else '?'}lang={lang}")
            violations: Any = AXE.run(page.page).response["violations"]
            assert [v["id"] for v in violations if v["impact"] in BLOCKING] == [], path
