"""`/admin/contacts`: an administrator sets the e-mail addresses of subjects and users on the web, through the
same use cases as `tekseru outbox subject-email|user-email`: checked, audited, said in kk, ru and en; only
administrators; no serious or critical axe violation at 390 px."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.services.audit import AuditFilter, browse
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.web.app import create_app
from tests.services.inspection_data import BINS, add_subjects
from tests.web.conftest import SignedIn, sign_in
from tests.web.live_app import serving
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

SYSTEM = Actor.system("tests")


@dataclass(frozen=True)
class Stand:
    app: FastAPI
    db: Database


@pytest.fixture(scope="module")
def stand(tmp_path_factory: pytest.TempPathFactory) -> Stand:
    folder = tmp_path_factory.mktemp("contacts")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "db.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS)
    db = app.state.tekseru.database()
    add_subjects(db)
    for name, role, region in (("c-admin", "admin", None), ("c-planner", "planner", None)):
        create_user(db, SYSTEM, username=name, full_name=name, role=role, region=region, password=PASSWORD)
    create_user(
        db,
        SYSTEM,
        username="c-insp",
        full_name="Инспектор",
        role="inspector",
        region="astana",
        password=PASSWORD,
    )
    return Stand(app, db)


def _as(stand: Stand, username: str) -> SignedIn:
    client = TestClient(stand.app)
    return SignedIn(client, sign_in(client, username))


def test_an_admin_sets_and_removes_addresses(stand: Stand) -> None:
    admin = _as(stand, "c-admin")
    page = admin.client.get("/admin/contacts?lang=kk")
    assert page.status_code == 200 and "Электрондық пошта мекенжайлары" in page.text
    saved = admin.post_form("/admin/contacts/subject", {"key": BINS[0], "email": "meirim@example.kz"})
    assert saved.status_code == 303
    shown = admin.client.get(saved.headers["location"] + "&lang=ru")
    assert "Адрес сохранён." in shown.text and "meirim@example.kz" in shown.text and BINS[0] in shown.text
    saved = admin.post_form("/admin/contacts/user", {"key": "c-insp", "email": "insp@example.kz"})
    assert saved.status_code == 303
    assert "insp@example.kz" in admin.client.get("/admin/contacts").text
    removed = admin.post_form("/admin/contacts/subject", {"key": BINS[0], "email": ""})
    assert removed.status_code == 303
    assert "meirim@example.kz" not in admin.client.get("/admin/contacts").text
    audited = browse(stand.db, SYSTEM, AuditFilter(action="subject.contact")).entries
    assert [dict(e.after or {}) for e in audited][:2] == [{"email": None}, {"email": "meirim@example.kz"}]
    assert browse(stand.db, SYSTEM, AuditFilter(action="user.contact")).entries[0].actor == "c-admin"


@pytest.mark.parametrize(
    ("lang", "bad_address", "no_subject", "no_user"),
    [
        ("kk", "электрондық пошта мекенжайы емес", "БСН", "пайдаланушы"),
        ("ru", "не адрес электронной почты", "БИН", "пользовател"),
        ("en", "not an e-mail address", "BIN", "user"),
    ],
)
def test_wrong_input_is_refused_in_the_readers_language(
    stand: Stand, lang: str, bad_address: str, no_subject: str, no_user: str
) -> None:
    admin = _as(stand, "c-admin")
    bad = admin.post_form(
        f"/admin/contacts/subject?lang={lang}", {"key": BINS[1], "email": "<b>not-mail</b>"}
    )
    assert bad.status_code == 422 and bad_address in bad.text, bad.text
    assert "<b>not-mail</b>" not in bad.text  # escaped, and kept in the form
    unknown = admin.post_form(
        f"/admin/contacts/subject?lang={lang}", {"key": "000000000000", "email": "a@b.kz"}
    )
    assert unknown.status_code == 422 and no_subject in unknown.text and "000000000000" in unknown.text
    nobody = admin.post_form(f"/admin/contacts/user?lang={lang}", {"key": "ghost", "email": "a@b.kz"})
    assert nobody.status_code == 422 and no_user in nobody.text.lower()


def test_only_administrators(stand: Stand) -> None:
    planner = _as(stand, "c-planner")
    assert planner.client.get("/admin/contacts").status_code == 403
    refused = planner.post_form("/admin/contacts/subject", {"key": BINS[0], "email": "x@example.kz"})
    assert refused.status_code == 403
    assert (
        planner.post_form("/admin/contacts/user", {"key": "c-planner", "email": "x@example.kz"}).status_code
        == 403
    )
    anonymous = TestClient(stand.app).get("/admin/contacts", follow_redirects=False)
    assert anonymous.status_code in (303, 401)


@pytest.fixture(scope="module")
def live(stand: Stand) -> Iterator[str]:
    with serving(stand.app) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_contacts_page_on_a_phone_has_no_serious_axe_violation(
    stand: Stand, browser: Any, live: str, lang: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    client = TestClient(stand.app, base_url=live)
    sign_in(client, "c-admin")
    context = browser.new_context(
        base_url=live, service_workers="block", viewport={"width": 390, "height": 844}
    )
    context.add_cookies(
        [{"name": "tekseru_session", "value": client.cookies["tekseru_session"], "url": live}]
    )
    page = context.new_page()
    try:
        page.goto(f"/admin/contacts?lang={lang}", wait_until="load")
        page.fill("#contact-bin", BINS[2])
        page.fill("#subject-email", "not-an-address@")
        page.evaluate("document.getElementById('subject-email').type = 'text'")  # let the server judge it
        with page.expect_navigation():
            page.click("#subject-contact button[type=submit]")
        assert page.locator("#contact-error").is_visible()
        for _ in range(2):
            violations = Axe().run(page).response["violations"]
            assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.goto(f"/admin/contacts?lang={lang}", wait_until="load")
    finally:
        context.close()
