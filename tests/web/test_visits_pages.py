"""From the list to the visit in the browser's pages, in kk and ru: an approved list's row -> start the
inspection -> its number -> a planner assigns the inspector -> the inspector's My visits shows it -> it is
completed -> the list row shows it done and, once the other rows have a planner's reason, the list is
fulfilled; an unplanned inspection from the subject card; an inspector lands on My visits; axe and 390 px.

The module works on its own database (tests.web.test_plans_pages.make_site)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from tests.web.htmltree import parse
from tests.web.support import OTHER_BIN, OWN_BIN, PASSWORD, USERS, with_lang
from tests.web.test_plans_pages import (
    Site,
    assert_nothing_overflows,
    browser_page,
    check_structure,
    make_site,
    serving,
)

ITEMS = 20  # Appendix 3, the checklist of stationary care
# Per language: the half-year of its list, the year of its act (a subject is visited at most once a year:
# the lists are a year apart), and words its pages must say.
JOURNEYS = {
    "kk": ("2024-H2", "2024", {"done": "жүргізілді", "fulfilled": "Тізім орындалды"}),
    "ru": ("2026-H2", "2026", {"done": "Проведена", "fulfilled": "Список исполнен"}),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("visits-pages"))
    yield made
    made.app.state.tekseru.close()


def approved_list(site: Site, half_year: str) -> int:
    plan_id = int(site.api("planner", "POST", "/plans", json={"half_year": half_year})["id"])
    site.api("planner", "POST", f"/plans/{plan_id}/approve")
    return plan_id


def row_links(html: str, plan_id: int) -> dict[str, str]:
    """The row page of each BIN on the list's page."""
    found = {}
    for row in parse(html).find("main").find_all("tr"):
        for link in row.find_all("a"):
            href = link.attrs.get("href") or ""
            if re.fullmatch(rf"/plans/{plan_id}/rows/\d+", href):
                text = row.text
                bin = next(b for b in re.findall(r"\d{12}", text))
                found[bin] = href
    return found


def text_of(html: str, element_id: str) -> str:
    return parse(html).find(id=element_id).text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_from_an_approved_list_row_to_a_fulfilled_list(site: Site, lang: str) -> None:
    half_year, year, words = JOURNEYS[lang]
    plan_id = approved_list(site, half_year)
    planner, inspector = site.client("planner"), site.client("inspector")
    page = planner.client.get(with_lang(f"/plans/{plan_id}", lang)).text
    assert words["fulfilled"] not in text_of(page, "fulfilment")
    links = row_links(page, plan_id)
    assert set(links) >= {OWN_BIN, OTHER_BIN}

    # The inspector starts the inspection of its region's row; the number is on the inspection's page.
    row_page = inspector.client.get(with_lang(links[OWN_BIN], lang))
    assert row_page.status_code == 200 and parse(row_page.text).find_all(id="start-form")
    form = {"act_number": f"{lang}-1", "act_date": f"{year}-07-15", "inspectors": "Асқаров А."}
    started = inspector.post_form(links[OWN_BIN] + "/start", form)
    assert started.status_code == 303, started.text
    inspection_path = started.headers["location"].split("?")[0]
    inspection_id = int(inspection_path.rsplit("/", 1)[1])
    number = text_of(inspector.client.get(with_lang(inspection_path, lang)).text, "inspection-number")
    assert re.fullmatch(rf"71-{year}-\d{{4}}", number)
    again = inspector.post_form(links[OWN_BIN] + "/start", form)
    assert again.status_code == 400 and number in again.text  # one inspection per row
    assert (
        inspector.client.get(f"/inspections/{inspection_id}/document?format=pdf&lang={lang}").status_code
        == 200
    )

    # The planner assigns the inspector; the inspector's My visits shows the visit.
    assert planner.client.get(with_lang(f"/inspections/{inspection_id}/assign", lang)).status_code == 200
    assert inspector.client.get(f"/inspections/{inspection_id}/assign").status_code == 403
    assigned = planner.post_form(
        f"/inspections/{inspection_id}/assign", {"inspector": USERS["inspector"].username}
    )
    assert assigned.status_code == 303
    shown = planner.client.get(with_lang(inspection_path, lang)).text
    assert USERS["inspector"].username in text_of(shown, "assigned-inspectors")
    mine = inspector.client.get(with_lang("/visits", lang)).text
    assert number in text_of(mine, "draft-list") and number in parse(mine).find("main").text

    # Completed: the row shows it done, when and with what result.
    body = {
        "answers": [
            {"item": n, "answer": "non_compliant" if n == 1 else "compliant"} for n in range(1, ITEMS + 1)
        ]
    }
    site.api("inspector", "POST", f"/inspections/{inspection_id}/answers", json=body)
    site.api(
        "inspector", "POST", f"/inspections/{inspection_id}/complete", json={"inspected_on": f"{year}-07-20"}
    )
    page = planner.client.get(with_lang(f"/plans/{plan_id}", lang)).text
    rank = links[OWN_BIN].rsplit("/", 1)[1]
    cell = text_of(page, f"row-{rank}-visit")
    assert number in cell and words["done"] in cell and "20" in cell
    assert words["fulfilled"] not in text_of(page, "fulfilment")
    assert "draft-list" not in inspector.client.get(with_lang("/visits", lang)).text

    # The planner records why every other row will not be inspected: the list is fulfilled.
    for bin, link in links.items():
        if bin != OWN_BIN:
            recorded = planner.post_form(link + "/reason", {"reason": "closed"})
            assert recorded.status_code == 303, recorded.text
    refused = planner.post_form(links[OWN_BIN] + "/reason", {"reason": "closed"})
    assert refused.status_code == 400
    page = planner.client.get(with_lang(f"/plans/{plan_id}", lang)).text
    assert words["fulfilled"] in text_of(page, "fulfilment")
    fulfilment = site.api("planner", "GET", f"/plans/{plan_id}/fulfilment")
    assert fulfilment["fulfilled"] is True
    assert {row["bin"]: row["state"] for row in fulfilment["rows"]}[OWN_BIN] == "done"


def test_an_unplanned_inspection_from_the_subject_card(site: Site) -> None:
    inspector = site.client("inspector")
    card = inspector.client.get(with_lang(f"/registry/{OWN_BIN}", "ru")).text
    link = parse(card).find(id="start-unplanned")
    assert inspector.client.get(with_lang(link.attrs["href"], "kk")).status_code == 200
    form = {"bin": OWN_BIN, "kind": "unscheduled_inspection", "reason": "complaint", "act_number": "Ш-1"}
    made = inspector.post_form("/visits/new", form | {"act_date": "2024-02-01", "inspectors": "Асқаров А."})
    assert made.status_code == 303, made.text
    card = inspector.client.get(with_lang(f"/registry/{OWN_BIN}", "ru")).text
    assert "Внеплановая: Жалоба" in card and re.search(r"71-2024-\d{4}", card)
    bad = inspector.post_form("/visits/new?lang=ru", form | {"act_date": "", "inspectors": "A"})
    assert bad.status_code == 400 and "Укажите дату акта" in text_of(bad.text, "unplanned-error")


def test_an_inspector_lands_on_my_visits(site: Site) -> None:
    client = site.client().client
    page = client.get("/login")
    token = parse(page.text).find("input", name="csrf_token").attrs["value"]
    form = {"username": USERS["inspector"].username, "password": PASSWORD, "csrf_token": token, "next": "/"}
    answer = client.post("/login", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/visits"


def example_paths(site: Site) -> list[str]:
    plan_id = approved_list(site, "2028-H1")  # a year after the journeys' visits
    page = site.client("planner").client.get(f"/plans/{plan_id}").text
    row = row_links(page, plan_id)[OWN_BIN]
    started = site.client("inspector").post_form(
        row + "/start", {"act_number": "A-1", "act_date": "2028-01-10", "inspectors": "A"}
    )
    inspection = started.headers["location"].split("?")[0]
    site.client("planner").post_form(f"{inspection}/assign", {"inspector": USERS["inspector"].username})
    return [
        "/visits",
        row,
        f"{inspection}/assign",
        f"/visits/new?bin={OWN_BIN}",
        f"/plans/{plan_id}",
        inspection,
        f"/registry/{OWN_BIN}",
    ]


@pytest.fixture(scope="module")
def paths(site: Site) -> list[str]:
    return example_paths(site)


def test_the_pages_have_the_structure_of_every_page(site: Site, paths: list[str]) -> None:
    client = site.client("admin").client
    for path in paths:
        check_structure(client, path)


@pytest.fixture(scope="module")
def live(site: Site) -> Iterator[str]:
    with serving(site.app) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "width", "height"), [("kk", 390, 844), ("ru", 390, 844), ("kk", 1280, 900)])
def test_no_axe_violations_at_390_px_and_desktop_and_nothing_overflows(
    browser: Any, live: str, paths: list[str], lang: str, width: int, height: int
) -> None:
    """The new pages (My visits as the inspector it belongs to, the others as a planner), the changed
    subject card and the inspections list with its number search: no axe violation at all, of any impact;
    the checklist is scanned by tests/web/test_phone_checklist.py and tests/web/test_offline.py."""
    from tests.web.test_accessibility import scan

    mine, row, assign, unplanned, _, _, card = paths
    found = "/inspections?number=71-"
    for role, scanned in (("inspector", (mine, row, unplanned, card, found)), ("planner", (assign,))):
        with browser_page(browser, live, width, height, USERS[role].username) as page:
            for path in scanned:
                violations = scan(page, with_lang(path, lang))
                assert [(v["id"], v["impact"]) for v in violations] == [], path
    if width == 390:
        assert_nothing_overflows(browser, live, (mine, row, assign, unplanned, card, found), lang)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_in_the_browser_from_an_approved_list_row_to_a_printed_completed_form(
    browser: Any, tmp_path: Path, lang: str
) -> None:
    """The inspector's whole path on a 390 px screen, with the pages' own links, forms and buttons: the
    approved list -> its row -> start the inspection -> its number -> the checklist, one tap per item and a
    comment on the non-compliant one -> save and complete -> the completion date -> the printed form, which
    carries the number and the answers."""
    half_year, year, _ = JOURNEYS[lang]
    made = make_site(tmp_path)
    try:
        plan_id = approved_list(made, half_year)
        with (
            serving(made.app) as url,
            browser_page(browser, url, 390, 844, USERS["inspector"].username) as tab,
        ):
            page = tab.page
            tab.open(f"/plans/{plan_id}?lang={lang}")
            assert page.get_attribute("html", "lang") == lang
            row = row_links(page.content(), plan_id)[OWN_BIN]
            page.click(f"main a[href='{row}']")
            page.wait_for_url(f"**{row}*")
            page.fill("#act_number", f"{lang}-7")
            page.fill("#act_date", f"{year}-07-15")
            page.fill("#inspectors", "Асқаров А.")
            with page.expect_navigation():
                page.click("#start-form button[type=submit]")
            inspection_id = int(re.findall(r"/inspections/(\d+)", page.url)[0])
            number = (page.text_content("#inspection-number") or "").strip()
            assert re.fullmatch(rf"71-{year}-\d{{4}}", number)

            page.click(f"main a[href='/inspections/{inspection_id}/checklist']")
            page.wait_for_selector("#answer-1-compliant", state="attached")
            for n in range(1, ITEMS + 1):
                page.click(f"label[for=answer-{n}-{'non_compliant' if n == 1 else 'compliant'}]")
            page.fill("#comment-1", "өрт сөндіргіш жоқ / нет огнетушителя")
            with page.expect_navigation():
                page.click("#checklist-form button[name=then][value=complete]")
            assert page.url.split("?")[0].endswith(f"/inspections/{inspection_id}/complete")
            page.fill("#inspected_on", f"{year}-07-20")
            with page.expect_navigation():
                page.click("main form.stacked button[type=submit]")
            assert page.url.split("?")[0].endswith(f"/inspections/{inspection_id}")

            # The printed form in the page's language: the document link of the completed inspection.
            link = page.locator(f"ul.documents a[href*='format=docx'][hreflang={lang}]")
            printed = page.request.get(url + (link.get_attribute("href") or ""))
            assert printed.ok and printed.headers["content-type"].startswith(
                "application/vnd.openxmlformats-officedocument"
            )
            printed_docx = printed.body()
            pdf = page.locator(f"ul.documents a[href*='format=pdf'][hreflang={lang}]").get_attribute("href")
            assert page.request.get(url + (pdf or "")).body().startswith(b"%PDF")
        document = Document(io.BytesIO(printed_docx))
        text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
            cell.text for table in document.tables for row_ in table.rows for cell in row_.cells
        )
        assert number in text and "өрт сөндіргіш жоқ / нет огнетушителя" in text
        sheet = made.api("inspector", "GET", f"/inspections/{inspection_id}")
        assert sheet["inspection"]["status"] == "completed"
        answered = [item["answer"]["answer"] for item in sheet["items"]]
        assert answered == ["non_compliant"] + ["compliant"] * (ITEMS - 1)
    finally:
        made.app.state.tekseru.close()
