"""The public register on the web and in the API, without signing in: the index by half-year and region,
a page per published list at a stable address, its CSV and JSON; in Kazakh and Russian; no IIN and no
natural person's name or address anywhere (demo-like data with hostile names); drafts are not there. The
administrators' outbox page and API. In Debian's chromium: axe at 390 px in kk and ru, the language switch.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.settings import Settings
from tekseru.web.app import create_app
from tekseru.web.pages import public as public_pages
from tests.catalogue import CATALOGUE
from tests.mail_server import HOST
from tests.mail_server import MailServer as LoopbackServer
from tests.public_data import EMAILS, HOSTILE_NAME, PERSONAL, add_hostile_registry, drafted, published
from tests.services.plan_data import BINS, SYSTEM
from tests.web.conftest import BrowserPage, _browser_page
from tests.web.htmltree import parse
from tests.web.live_app import serving
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user
from tests.web.test_accessibility import BLOCKING, overflowing, scan


@dataclass(frozen=True)
class Register:
    app: FastAPI
    published: int
    draft: int


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Register:
    folder = tmp_path_factory.mktemp("public")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "db.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=CATALOGUE)
    db = app.state.tekseru.database()
    add_hostile_registry(db)
    plan_id = published(db)
    draft = drafted(db, "2027-H2")
    create_user(
        db,
        SYSTEM,
        username="root",
        full_name="Root",
        role="admin",
        password=PASSWORD,
        passwords=CHEAP_PASSWORDS,
    )
    return Register(app, plan_id, draft)


@pytest.fixture
def anonymous(register: Register) -> Iterator[TestClient]:
    with TestClient(register.app) as client:
        yield client


def _no_personal_data(text: str) -> None:
    for personal in PERSONAL:
        assert personal not in text, personal


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", ("Жарияланған тізімдер тізілімі", "Жеке кәсіпкер")),
        ("ru", ("Реестр опубликованных", "Индивидуальный")),
    ],
)
def test_the_register_is_read_without_signing_in(
    anonymous: TestClient, register: Register, lang: str, words: tuple[str, str]
) -> None:
    index = anonymous.get(f"/public/lists?lang={lang}")
    assert index.status_code == 200 and words[0] in index.text
    assert f'href="/public/lists/{register.published}?lang={lang}"' in index.text
    assert f"/public/lists/{register.draft}" not in index.text
    assert 'hreflang="ru"' in index.text and 'hreflang="kk"' in index.text  # the language switch

    page = anonymous.get(f"/public/lists/{register.published}?lang={lang}")
    assert page.status_code == 200 and words[1] in page.text
    assert BINS[0] in page.text and BINS[5] in page.text
    assert "&lt;b&gt;КММ&lt;/b&gt;" in page.text and "<b>КММ</b>" not in page.text
    _no_personal_data(page.text)
    assert f"/public/lists/{register.published}.csv?lang={lang}" in page.text

    shymkent = anonymous.get(f"/public/lists/{register.published}?region=shymkent&lang={lang}")
    assert BINS[5] in shymkent.text and BINS[0] not in shymkent.text


def test_the_region_filters_are_in_the_readers_alphabetical_order(
    anonymous: TestClient, register: Register
) -> None:
    """Russian readers find their region alphabetically by its Russian name (it was the order of the Kazakh
    names); Kazakh readers keep the order they had, named in Kazakh."""
    official = [CATALOGUE.regions.name_of(region.key, "kk") for region in CATALOGUE.regions]
    for path in ("/public/lists", f"/public/lists/{register.published}"):
        shown = {}
        for lang in ("ru", "kk"):
            page = parse(anonymous.get(f"{path}?lang={lang}").text)
            shown[lang] = [option.text for option in page.find(id="filter-region").find_all("option")[1:]]
        assert len(shown["ru"]) >= 3 and shown["ru"] == sorted(shown["ru"], key=str.casefold), shown["ru"]
        assert shown["kk"] and set(shown["kk"]) <= set(official), shown["kk"]


def test_a_long_list_is_read_a_page_at_a_time_and_the_files_hold_every_row(
    anonymous: TestClient, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list of 10,000 rows was one page of megabytes; the page now shows ROWS_PER_PAGE rows with a pager
    (here 2 a page), the count of all rows in the caption, and the CSV keeps every row."""
    monkeypatch.setattr(public_pages, "ROWS_PER_PAGE", 2)
    every = anonymous.get(f"/public/lists/{register.published}.json?lang=ru").json()["rows"]
    assert len(every) > 2
    seen: list[str] = []
    for page in range(1, -(-len(every) // 2) + 1):
        answer = anonymous.get(f"/public/lists/{register.published}?lang=ru&page={page}")
        tree = parse(answer.text)
        rows = tree.find("table", class_="public-rows").find("tbody").find_all("tr")
        assert 1 <= len(rows) <= 2
        seen += [row.find_all("td")[0].text for row in rows]
        assert (
            f"({len(every)}" in tree.find(id="public-rows-caption").text
            or str(len(every)) in tree.find(id="public-rows-caption").text
        )
        assert tree.find("nav", class_="pager") is not None
    assert seen == [str(row["number"]) for row in every]
    beyond = anonymous.get(f"/public/lists/{register.published}?lang=ru&page=999")
    assert beyond.status_code == 200  # the last page, not an empty one or an error
    csv_rows = anonymous.get(f"/public/lists/{register.published}.csv?lang=ru").text.strip().splitlines()
    assert len(csv_rows) == len(every) + 1


def test_the_files_are_open_data_without_personal_data(anonymous: TestClient, register: Register) -> None:
    for lang in ("kk", "ru"):
        response = anonymous.get(f"/public/lists/{register.published}.csv?lang={lang}")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert (
            f'filename="public-list-{register.published}-{lang}.csv"'
            in response.headers["content-disposition"]
        )
        text = response.content.decode("utf-8-sig")
        _no_personal_data(text)
        assert text.splitlines()[0].count(";") == 6  # for Excel in kk and ru, as every page's CSV
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4"]
        assert {len(row) for row in rows} == {7}
        assert any(row[2].startswith("'=HYPERLINK") for row in rows)

        data = anonymous.get(f"/public/lists/{register.published}.json?lang={lang}")
        assert data.headers["content-type"] == "application/json"
        _no_personal_data(data.text)
        api = anonymous.get(f"/api/v1/public/lists/{register.published}?lang={lang}")
        assert api.status_code == 200 and api.json() == data.json()
        _no_personal_data(api.text)
    first = api.json()["rows"][0]
    assert first["name"].startswith('=HYPERLINK("http://evil.example";"************")')
    assert HOSTILE_NAME.endswith(first["name"][-12:])
    [summary] = anonymous.get("/api/v1/public/lists").json()
    assert summary == {
        "id": register.published,
        "half_year": "2027-H1",
        "published_on": summary["published_on"],
        "rows_by_region": {"almaty_city": 1, "astana": 2, "shymkent": 1},
        "total": 4,
    }
    assert anonymous.get("/api/v1/public/lists?region=abai").json() == []


def test_a_list_that_is_not_published_is_not_found(anonymous: TestClient, register: Register) -> None:
    for path in (
        f"/public/lists/{register.draft}",
        f"/public/lists/{register.draft}.csv",
        f"/public/lists/{register.draft}.json",
        f"/api/v1/public/lists/{register.draft}",
        "/public/lists/99999",
    ):
        assert anonymous.get(path + "?lang=ru").status_code == 404, path
    too_large = "/public/lists/" + "9" * 20
    for path in ("/public/lists?half_year=2027-H3", too_large, "/public/lists/0.csv"):
        assert anonymous.get(path).status_code == 400, path


def test_administrators_see_the_outbox(anonymous: TestClient, register: Register) -> None:
    assert anonymous.get("/api/v1/outbox").status_code == 401
    assert anonymous.get("/admin/outbox", follow_redirects=False).status_code == 303
    response = anonymous.post("/api/v1/auth/login", json={"username": "root", "password": PASSWORD})
    assert response.status_code == 200
    state = anonymous.get("/api/v1/outbox").json()
    assert state["counts"] == {"pending": 2, "sending": 0, "sent": 0, "failed": 0}
    assert {message["kind"] for message in state["messages"]} == {"list_published"}
    page = anonymous.get("/admin/outbox?lang=ru")
    assert (
        page.status_code == 200 and "Очередь уведомлений" in page.text and "Список опубликован" in page.text
    )


# In the browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def public_server(register: Register) -> Iterator[str]:
    with serving(register.app) as url:
        yield url


@pytest.fixture
def phone(browser: Any, public_server: str) -> Iterator[BrowserPage]:
    yield from _browser_page(browser, public_server, 390, 844)


@pytest.mark.browser
def test_the_public_pages_pass_axe_at_390_px_in_kk_and_ru(phone: BrowserPage, register: Register) -> None:
    for lang in ("kk", "ru"):
        for path in (f"/public/lists?lang={lang}", f"/public/lists/{register.published}?lang={lang}"):
            blocking = [v["id"] for v in scan(phone, path) if v["impact"] in BLOCKING]
            assert blocking == [], path
            assert overflowing(phone, path) == ([], [390, 390]), path
            _no_personal_data(phone.page.content())
        # each row reads as a card: a BIN on one line, words whole, every value named by its column
        phone.open(f"/public/lists/{register.published}?lang={lang}")
        lines = phone.page.evaluate(
            """() => [...document.querySelectorAll('table.public-rows td.identifier')].map(cell => {
                const style = getComputedStyle(cell);
                const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
                return Math.round(cell.getBoundingClientRect().height / line);
            })"""
        )
        assert lines and all(count <= 1 for count in lines), lines
        label = phone.page.evaluate(
            "() => getComputedStyle(document.querySelector('table.public-rows td.identifier'), '::before')"
            ".content"
        )
        assert {"kk": "БСН", "ru": "БИН"}[lang] in label


@pytest.mark.browser
def test_the_language_switch_works_without_signing_in(phone: BrowserPage, register: Register) -> None:
    phone.open(f"/public/lists/{register.published}")
    page = phone.page
    assert page.get_attribute("html", "lang") == "kk"
    page.click('a[hreflang="ru"]')
    page.wait_for_load_state("load")
    assert page.get_attribute("html", "lang") == "ru"
    assert "Индивидуальный предприниматель" in page.content()
    page.click("text=Все списки")  # the cookie keeps the language across pages
    page.wait_for_load_state("load")
    assert page.get_attribute("html", "lang") == "ru" and page.url.endswith("/public/lists?lang=ru")


def test_the_web_server_sends_the_outbox_when_a_mail_server_is_set(tmp_path: Path) -> None:
    mail = LoopbackServer()
    mail.start()
    try:
        settings = Settings(
            attachments_dir=str(tmp_path / "files"), smtp_host=HOST, smtp_port=mail.port, smtp_security="none"
        ).with_database_path(tmp_path / "db.sqlite3")
        app = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=CATALOGUE)
        db = app.state.tekseru.database()
        add_hostile_registry(db)
        published(db)
        with TestClient(app):  # its lifespan starts the outbox thread, and stops it at the end
            deadline = time.monotonic() + 10
            while len(mail.received.messages) < len(EMAILS) and time.monotonic() < deadline:
                time.sleep(0.05)
        assert sorted(str(message["To"]) for message in mail.received.messages) == sorted(EMAILS.values())
    finally:
        mail.stop()


@pytest.mark.browser
def test_the_outbox_page_passes_axe_at_390_px(phone: BrowserPage, public_server: str) -> None:
    with httpx.Client(base_url=public_server) as http:
        response = http.post("/api/v1/auth/login", json={"username": "root", "password": PASSWORD})
        assert response.status_code == 200
        cookie = http.cookies["tekseru_session"]
    phone.page.context.add_cookies([{"name": "tekseru_session", "value": cookie, "url": public_server}])
    for lang in ("kk", "ru"):
        path = f"/admin/outbox?lang={lang}"
        assert [v["id"] for v in scan(phone, path) if v["impact"] in BLOCKING] == [], path
        assert overflowing(phone, path) == ([], [390, 390]), path
        assert "kamkor@example.kz" in phone.page.content()
