"""The plans pages: the lists, drafting one with the form (and a capacity file), a list with its sections,
approving and publishing (planners and admins only; an approved list shows no control that changes it),
the comparison with the previous list, the printed lists; the WCAG structure of every page, axe and 390 px.

The module works on its own database (`site`), so that the plans it forms touch no other test. Its helpers
(`Site`, `make_site`, `serving`, `browser_page`, `structure_problems`) serve the inspections and end-to-end
tests too.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.settings import Settings
from tests.databases import migrated_sqlite_file
from tests.web import test_layout as layout
from tests.web.conftest import BrowserPage, Network, SignedIn, browser_session_cookie, sign_in
from tests.web.htmltree import Element, parse
from tests.web.live_app import serving as serving
from tests.web.support import (
    BINS,
    LANGUAGES,
    OTHER_BIN,
    OWN_BIN,
    USERS,
    seed,
    two_edition_app,
    with_lang,
)

HALF_YEAR = "2024-H2"


# Helpers shared with the inspections and end-to-end tests -------------------------------------------------


@dataclass
class Site:
    """An app on its own database, seeded with tests.web.support.seed (a user per role, six subjects)."""

    app: FastAPI
    folder: Path

    def client(self, role: str | None = None) -> SignedIn:
        client = TestClient(self.app)
        return SignedIn(client, "" if role is None else sign_in(client, USERS[role].username))

    def api(self, role: str, method: str, path: str, **options: Any) -> Any:
        """An API call as `role`; the JSON answer, after checking it succeeded."""
        signed = self.client(role)
        response = signed.client.request(
            method, f"/api/v1{path}", headers={"X-CSRF-Token": signed.csrf}, **options
        )
        assert response.status_code < 300, response.text
        return response.json() if response.content else None


def make_site(folder: Path, seeded: bool = True) -> Site:
    if not (folder / "tekseru.sqlite3").exists():  # a new database, migrated already
        shutil.copyfile(migrated_sqlite_file(), folder / "tekseru.sqlite3")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "tekseru.sqlite3")
    app = two_edition_app(settings)
    if seeded:
        seed(app.state.tekseru.database(), folder)
    return Site(app, folder)


@contextmanager
def browser_page(
    browser: Any, base_url: str, width: int, height: int, username: str | None
) -> Iterator[BrowserPage]:
    """A new browser context of this size, signed in as `username`, that blocks every other site."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=base_url, service_workers="block"
    )
    network = Network(origin=base_url)
    context.route("**/*", network.route)
    if username is not None:
        context.add_cookies([browser_session_cookie(base_url, username)])
    page = context.new_page()
    page.on("console", network.console)
    page.set_default_timeout(15_000)
    try:
        yield BrowserPage(page, network, base_url)
    finally:
        context.close()


STRUCTURE = (
    layout.test_language_title_and_one_h1,
    layout.test_headings_do_not_skip_levels,
    layout.test_skip_link_first_then_landmarks,
    layout.test_unofficial_notice_only_outside_kazakh,
    layout.test_tables_have_captions_and_scoped_headers,
    layout.test_form_fields_are_labelled,
    layout.test_ids_are_unique,
    layout.test_everything_is_served_by_the_app,
    layout.test_every_form_that_changes_something_carries_the_csrf_token,
)


def check_structure(client: TestClient, path: str) -> None:
    """Every WCAG structure check of test_layout.py, on the page in every language."""
    for lang in LANGUAGES:
        response = client.get(with_lang(path, lang))
        assert response.status_code == 200, (path, response.text[-800:])
        for check in STRUCTURE:
            check((lang, parse(response.text)))


def overflowing(page: BrowserPage, path: str) -> list[str]:
    """The elements wider than the window (none is allowed), after checking the page is 390 px wide."""
    page.open(path)
    wider: list[str] = page.page.evaluate(
        """() => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
              .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''))"""
    )
    assert page.page.evaluate("() => document.documentElement.scrollWidth") == 390, path
    return wider


def assert_no_blocking_violations(browser: Any, base_url: str, paths: Iterable[str], lang: str) -> None:
    """axe-core finds no serious or critical violation on any of the pages (signed in as the admin)."""
    from tests.web.test_accessibility import BLOCKING, scan

    with browser_page(browser, base_url, 1280, 900, USERS["admin"].username) as page:
        for path in paths:
            violations = scan(page, with_lang(path, lang))
            assert [v["id"] for v in violations if v["impact"] in BLOCKING] == [], path


def assert_nothing_overflows(browser: Any, base_url: str, paths: Iterable[str], lang: str) -> None:
    """No page is wider than a 390 px phone (signed in as a planner)."""
    with browser_page(browser, base_url, 390, 844, USERS["planner"].username) as page:
        for path in paths:
            assert overflowing(page, with_lang(path, lang)) == [], path


# The pages ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("plans-pages"))
    yield made
    made.app.state.tekseru.close()


@pytest.fixture(scope="module")
def paths(site: Site) -> dict[str, str]:
    """An approved list with a row beyond capacity, a draft compared with it, and a first list."""
    first = site.api("planner", "POST", "/plans", json={"half_year": "2025-H1"})["id"]
    approved = site.api("planner", "POST", "/plans", json={"half_year": HALF_YEAR, "capacity": {"astana": 1}})
    site.api("planner", "POST", f"/plans/{approved['id']}/approve")
    draft = site.api("planner", "POST", "/plans", json={"half_year": HALF_YEAR})["id"]
    return {
        "index": "/plans",
        "filtered": f"/plans?half_year={HALF_YEAR}&status=approved",
        "approved": f"/plans/{approved['id']}",
        "draft": f"/plans/{draft}",
        "region": f"/plans/{draft}?region=almaty_city",
        "diff": f"/plans/{draft}/diff",
        "first_diff": f"/plans/{first}/diff",
    }


def forms(root: Element) -> list[str]:
    return [f.attrs["action"] for f in root.find("main").find_all("form") if f.attrs.get("method") == "post"]


def test_the_pages_have_the_structure_of_every_page(site: Site, paths: dict[str, str]) -> None:
    admin = site.client("admin").client
    for path in paths.values():
        check_structure(admin, path)


def test_the_list_of_lists_and_its_filter(site: Site, paths: dict[str, str]) -> None:
    planner = site.client("planner").client
    root = parse(planner.get("/plans?lang=en").text)
    rows = root.find("table", class_="plans").find("tbody").find_all("tr")
    assert len(rows) == 3 and "List 3, second half of 2024" in rows[0].text and "Draft" in rows[0].text
    assert root.find("form", action="/plans").find("select", id="half_year")
    filtered = parse(planner.get(paths["filtered"] + "&lang=en").text).find("table", class_="plans")
    assert [tr.find("th").text for tr in filtered.find("tbody").find_all("tr")] == [
        "List 2, second half of 2024"
    ]
    assert "No list has been formed yet." in planner.get("/plans?half_year=2020-H1&lang=en").text


def test_only_planners_and_admins_see_the_draft_form(site: Site) -> None:
    for role, allowed in (("admin", True), ("planner", True), ("inspector", False), ("viewer", False)):
        root = parse(site.client(role).client.get("/plans").text)
        assert bool(forms(root)) is allowed, role


def test_drafting_with_the_form_and_a_capacity_file(site: Site) -> None:
    planner = site.client("planner")
    capacity = ("capacity.csv", "region,visits\nАстана,1\n".encode(), "text/csv")
    response = planner.client.post(
        "/plans",
        data={"half_year": "2025-H2", "as_of": "", "csrf_token": planner.csrf},
        files={"capacity": capacity},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].endswith("?done=drafted")
    root = parse(planner.client.get(response.headers["location"] + "&lang=en").text)
    assert root.find(role="status").text == "The draft list was formed."
    assert (
        root.find("h1").text.endswith("for second half of 2025")
        and "Astana city: visits: 1" in root.find("dl").text
    )
    tables = root.find_all("table", class_="plan-rows")
    assert [len(t.find("tbody").find_all("tr")) for t in tables] == [2, 1]  # one Astana row beyond capacity
    assert BINS[1] in tables[1].text


@pytest.mark.parametrize(
    ("fields", "file", "message"),
    [
        ({"half_year": "2025-H9"}, None, "2025-H9"),
        ({"half_year": "2025-H1", "as_of": "2019-01-01"}, None, "no finished risk assessment"),
        ({"half_year": "2025-H1"}, ("capacity.csv", b"region,visits\nMars,2\nastana,many\n"), "row 3"),
        ({"half_year": "2025-H1"}, ("capacity.pdf", b"%PDF-"), "must be .csv or .xlsx"),
        (
            {"half_year": "2025-H1"},
            ("capacity.csv", b"region,visits\n" + b" " * 2**20),
            "larger than 1024 KiB",
        ),
    ],
)
def test_a_draft_that_cannot_be_formed_shows_the_form_again(
    site: Site, fields: dict[str, str], file: tuple[str, bytes] | None, message: str
) -> None:
    planner = site.client("planner")
    files = None if file is None else {"capacity": (*file, "application/octet-stream")}
    response = planner.client.post(
        "/plans?lang=en", data={"as_of": "", **fields, "csrf_token": planner.csrf}, files=files
    )
    assert response.status_code == 400
    summary = parse(response.text).find(id="draft-error")
    assert summary.attrs["role"] == "alert" and message in summary.text


def test_a_list_shows_its_rows_beyond_capacity_and_exclusions(site: Site, paths: dict[str, str]) -> None:
    root = parse(site.client("viewer").client.get(paths["approved"] + "?lang=en").text)
    included, overflow = root.find_all("table", class_="plan-rows")
    # Rows are grouped by region and month (each group under its heading row): rank 1 is among them.
    rows = [tr for tr in included.find_all("tr") if tr.find_all("td")]
    first = next(tr for tr in rows if tr.find("th").text == "1")
    cells = [td.text for td in first.find_all("td")]
    assert {OWN_BIN, OTHER_BIN} & set(cells)
    assert "High" in first.text and any(month in first.text for month in ("July", "August", "September"))
    assert [tr.find("th").text for tr in overflow.find("tbody").find_all("tr")] == ["3"]
    assert "Medium" in overflow.text
    excluded = root.find("table", class_="excluded")
    assert len(excluded.find("tbody").find_all("tr")) == 3
    assert "The risk class is not a candidate for a visit" in excluded.text
    documents = [a.attrs["href"] for a in root.find("ul", class_="documents").find_all("a")]
    assert len(documents) == 4 and all(
        href.startswith(paths["approved"] + "/document?format=") for href in documents
    )


def test_a_region_shows_its_rows_only(site: Site, paths: dict[str, str]) -> None:
    root = parse(site.client("viewer").client.get(paths["region"] + "&lang=en").text)
    head, *rows = root.find_all("table", class_="plan-rows")[0].find("tbody").find_all("tr")
    assert "Almaty" in head.text and len(rows) == 1 and OTHER_BIN in rows[0].text
    assert root.find("select", id="region").find("option", value="almaty_city").attrs.get("selected") == ""


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_region_by_month_table_follows_the_region_filter_order(
    site: Site, paths: dict[str, str], lang: str
) -> None:
    # In ru "город Алматы" comes before "город Астана"; the catalogue (Kazakh) order has Astana first.
    root = parse(site.client("viewer").client.get(paths["draft"] + f"?lang={lang}").text)
    filter_order = [option.text for option in root.find("select", id="region").find_all("option")[1:]]
    shown = [tr.find("th").text for tr in root.find("table", id="groups").find("tbody").find_all("tr")]
    assert len(set(shown)) >= 2, shown
    assert shown == sorted(shown, key=filter_order.index)
    if lang == "ru":
        assert shown.index("город Алматы") < shown.index("город Астана")


def test_approve_and_publish_with_the_buttons(site: Site) -> None:
    planner = site.client("planner")
    plan_id = site.api("planner", "POST", "/plans", json={"half_year": "2026-H1"})["id"]
    page = parse(planner.client.get(f"/plans/{plan_id}").text)
    assert forms(page) == [f"/plans/{plan_id}/approve", f"/plans/{plan_id}/discard"]
    approved = planner.post_form(f"/plans/{plan_id}/approve", {})
    assert (approved.status_code, approved.headers["location"]) == (303, f"/plans/{plan_id}?done=approved")
    page = parse(planner.client.get(f"/plans/{plan_id}?lang=en").text)
    assert forms(page) == [f"/plans/{plan_id}/publish"] and "it cannot change" in page.find("main").text
    # Approved already (a second tab, a retried request): the list's page again, 409, with the reason in
    # the reader's language, not "the address is not valid".
    again = planner.client.post(
        f"/plans/{plan_id}/approve?lang=ru", data={"csrf_token": planner.csrf}, follow_redirects=False
    )
    shown = parse(again.text)
    assert again.status_code == 409 and shown.find("h1") is not None
    assert "Утверждён" in shown.find("main").text and "Адрес содержит" not in again.text
    assert planner.post_form(f"/plans/{plan_id}/publish", {}).status_code == 303
    page = parse(planner.client.get(f"/plans/{plan_id}?lang=en").text)
    assert forms(page) == [] and "Published" in page.find("dl").text
    gone = planner.post_form(f"/plans/{plan_id}/discard?lang=en", {})
    assert gone.status_code == 409 and "cannot change" in gone.text


def test_a_draft_can_be_discarded_with_its_button(site: Site) -> None:
    planner = site.client("planner")
    plan_id = site.api("planner", "POST", "/plans", json={"half_year": "2026-H1"})["id"]
    response = planner.post_form(f"/plans/{plan_id}/discard", {})
    assert (response.status_code, response.headers["location"]) == (303, "/plans")
    assert planner.client.get(f"/plans/{plan_id}").status_code == 404


@pytest.mark.parametrize("role", ["inspector", "viewer"])
def test_others_see_no_buttons_and_are_refused(site: Site, paths: dict[str, str], role: str) -> None:
    signed = site.client(role)
    assert forms(parse(signed.client.get(paths["draft"]).text)) == []
    plan_id = paths["draft"].rsplit("/", 1)[1]
    for action in ("approve", "publish", "discard"):
        assert signed.post_form(f"/plans/{plan_id}/{action}", {}).status_code == 403
    assert signed.post_form("/plans", {"half_year": HALF_YEAR}).status_code == 403


def test_a_button_needs_the_csrf_token(site: Site, paths: dict[str, str]) -> None:
    planner = site.client("planner")
    plan_id = paths["draft"].rsplit("/", 1)[1]
    assert planner.client.post(f"/plans/{plan_id}/approve", follow_redirects=False).status_code == 403


def test_what_changed_against_the_approved_list(site: Site, paths: dict[str, str]) -> None:
    root = parse(site.client("viewer").client.get(paths["diff"] + "?lang=en").text)
    added = root.find("table", class_="diff-added")
    assert BINS[1] in added.text and "Was beyond capacity" in added.text
    assert "No subject was removed." in root.text
    first = parse(site.client("viewer").client.get(paths["first_diff"] + "?lang=en").text)
    assert "it is the first" in first.find("main").text


def test_the_printed_list_from_its_page(site: Site, paths: dict[str, str]) -> None:
    viewer = site.client("viewer").client
    for format, magic in (("xlsx", b"PK"), ("pdf", b"%PDF-")):
        for lang in ("kk", "ru"):
            response = viewer.get(f"{paths['approved']}/document?format={format}&lang={lang}")
            assert response.status_code == 200 and response.content.startswith(magic)
            assert f"-{lang}.{format}" in response.headers["content-disposition"]


def test_a_list_that_does_not_exist(site: Site) -> None:
    assert site.client("viewer").client.get("/plans/999?lang=en").status_code == 404


def test_signed_out_the_pages_ask_to_sign_in(site: Site, paths: dict[str, str]) -> None:
    anonymous = TestClient(site.app)
    response = anonymous.get(paths["approved"], follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


# In the browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(site: Site) -> Iterator[str]:
    with serving(site.app) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_serious_or_critical_axe_violations(
    browser: Any, live: str, paths: dict[str, str], lang: str
) -> None:
    assert_no_blocking_violations(browser, live, paths.values(), lang)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_nothing_overflows_at_390_px(browser: Any, live: str, paths: dict[str, str], lang: str) -> None:
    assert_nothing_overflows(browser, live, paths.values(), lang)


def test_an_inspector_sees_approved_lists_and_only_the_rows_of_its_region(
    site: Site, paths: dict[str, str]
) -> None:
    inspector, planner = site.client("inspector").client, site.client("planner").client
    assert OTHER_BIN in planner.get(paths["approved"]).text
    page = inspector.get(paths["approved"])
    assert page.status_code == 200 and OWN_BIN in page.text and OTHER_BIN not in page.text
    assert inspector.get(paths["draft"]).status_code == 403
    assert inspector.get(paths["diff"]).status_code == 403
    links = {
        a.attrs.get("href") for a in parse(inspector.get(paths["index"]).text).find("main").find_all("a")
    }
    assert paths["approved"] in links and paths["draft"] not in links
