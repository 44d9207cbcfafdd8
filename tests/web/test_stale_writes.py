"""Two users on one checklist, one list and one violation, each with a client of its own, on SQLite and
PostgreSQL: a page or an API call made with what was read earlier never reverts what the other user
stored since. Only the items a user changed are written; a stale change answers 409, the API with a
problem detail and the page with the stored and the submitted values side by side, in the reader's
language (journeys in kk and ru); at 390 px in chromium the conflict page fits a phone and axe finds no
serious violation on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tekseru.settings import Settings
from tekseru.store import Database
from tests.databases import database, database_url, postgres_server
from tests.web.conftest import SignedIn
from tests.web.htmltree import Element, parse
from tests.web.support import USERS, seed, two_edition_app
from tests.web.test_accessibility import AXE, BLOCKING
from tests.web.test_inspections_pages import complete, record
from tests.web.test_plans_pages import Site, browser_page, make_site, serving

__all__ = ["database", "database_url", "postgres_server"]

API = "/api/v1"
ANSWER = {
    "kk": {"compliant": "Талапқа сәйкес келеді", "non_compliant": "Талапқа сәйкес келмейді"},
    "ru": {"compliant": "Соответствует требованиям", "non_compliant": "Не соответствует требованиям"},
}
CONFLICT = {
    "kk": ("тексеру парағы: басқа пайдаланушы өзгертті", "Қазір сақталған", "Сіздің мәніңіз", "3-тармақ"),
    "ru": ("изменён другим пользователем", "Сохранено сейчас", "Ваше значение", "Пункт 3"),
}


@pytest.fixture
def site(database_url: str, database: Database, tmp_path: Path) -> Iterator[Site]:
    """The app on a database of its own (a SQLite file, or a PostgreSQL schema), seeded (`database`: one
    migrated already, see tests/databases.py)."""
    settings = Settings(attachments_dir=str(tmp_path / "files"), database_url=database_url)
    app = two_edition_app(settings)
    seed(app.state.tekseru.database(), tmp_path)
    yield Site(app, tmp_path)
    app.state.tekseru.close()


def form_fields(form: Element) -> dict[str, str]:
    """What a browser would send of the form as it is: hidden and text inputs, checked radios, textareas."""
    fields: dict[str, str] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name or name == "csrf_token":
            continue
        if element.tag == "textarea":
            fields[name] = element.text
        elif element.tag == "input" and (element.attrs.get("type") != "radio" or "checked" in element.attrs):
            fields[name] = element.attrs.get("value", "")
    return fields


def load_form(client: SignedIn, path: str) -> dict[str, str]:
    response = client.client.get(path)
    assert response.status_code == 200, response.text[-300:]
    return form_fields(parse(response.text).find("form", class_="checklist"))


def answers_now(site: Site, inspection_id: int) -> dict[int, tuple[str | None, str, str | None]]:
    sheet = site.api("admin", "GET", f"/inspections/{inspection_id}")
    return {
        item["number"]: (
            (item["answer"] or {}).get("answer"),
            (item["answer"] or {}).get("comment", ""),
            (item["answer"] or {}).get("answered_by"),
        )
        for item in sheet["items"]
    }


# The API ---------------------------------------------------------------------------------------------------


def test_two_api_clients_answer_one_checklist(site: Site) -> None:
    inspection_id = record(site, "inspector")
    first, second = site.client("inspector"), site.client("planner")
    path = f"{API}/inspections/{inspection_id}/answers"

    def send(who: SignedIn, answers: list[dict[str, Any]], lang: str = "kk") -> Any:
        headers = {"X-CSRF-Token": who.csrf}
        return who.client.post(f"{path}?lang={lang}", json={"answers": answers}, headers=headers)

    read = [
        item["version"] for item in first.client.get(f"{API}/inspections/{inspection_id}").json()["items"]
    ]
    assert set(read) == {0}
    done = send(first, [{"item": 1, "answer": "compliant", "version": 0}, {"item": 2, "answer": "required"}])
    assert done.json()["versions"] == [{"item": 1, "version": 1}, {"item": 2, "version": 1}]
    stale = send(second, [{"item": 1, "answer": "non_compliant", "comment": "no log", "version": 0}], "ru")
    assert stale.status_code == 409, stale.text
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.headers["content-language"] == "ru"
    problem = stale.json()
    assert (problem["status"], problem["title"]) == (409, "Изменено другим пользователем")
    assert "Ничего не сохранено" in problem["detail"]
    (conflict,) = problem["conflicts"]
    assert (conflict["kind"], conflict["key"], conflict["your_version"], conflict["stored_version"]) == (
        "item",
        1,
        0,
        1,
    )
    assert conflict["stored"] == {"answer": "compliant", "comment": ""}
    assert conflict["yours"] == {"answer": "non_compliant", "comment": "no log"}
    assert conflict["changed_by"] == "t-inspector"
    assert conflict["changed_at"].endswith(("Z", "+00:00")), conflict["changed_at"]
    assert send(second, [{"item": 3, "answer": "not_required", "version": 0}]).status_code == 200
    assert answers_now(site, inspection_id)[1] == ("compliant", "", "t-inspector")  # not reverted
    fresh = send(second, [{"item": 1, "answer": "non_compliant", "version": 1}])
    assert fresh.json()["versions"] == [{"item": 1, "version": 2}]


def test_a_follow_up_and_a_list_take_the_version_read(site: Site) -> None:
    inspection_id = record(site, "planner")
    complete(site, inspection_id, {5: "non_compliant"})
    first, second = site.client("planner"), site.client("admin")
    violation = f"{API}/inspections/{inspection_id}/violations/5"

    def patch(who: SignedIn, body: dict[str, Any]) -> Any:
        return who.client.patch(f"{violation}?lang=kk", json=body, headers={"X-CSRF-Token": who.csrf})

    assert patch(first, {"note": "акт жіберілді", "version": 1}).json()["version"] == 2
    stale = patch(second, {"deadline": "2024-09-01", "version": 1})
    assert stale.status_code == 409 and stale.json()["title"] == "Басқа пайдаланушы өзгертті"
    russian = second.client.patch(
        violation,
        json={"deadline": "2024-09-01", "version": 1},
        headers={"X-CSRF-Token": second.csrf, "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"},
    )
    assert russian.json()["title"] == "Изменено другим пользователем"
    assert stale.json()["conflicts"][0]["stored"]["note"] == "акт жіберілді"
    sheet = site.api("admin", "GET", f"/inspections/{inspection_id}")
    assert sheet["violations"][0]["deadline"] is None and sheet["violations"][0]["version"] == 2

    plan_id = site.api("planner", "POST", "/plans", json={"half_year": "2025-H1"})["id"]
    read = first.client.get(f"{API}/plans/{plan_id}")
    assert read.headers["etag"] == 'W/"1"' and read.json()["version"] == 1
    approved = second.client.post(
        f"{API}/plans/{plan_id}/approve", headers={"X-CSRF-Token": second.csrf, "If-Match": '"1"'}
    )
    assert approved.status_code == 200 and approved.json()["version"] == 2
    discard = first.client.delete(
        f"{API}/plans/{plan_id}?lang=ru",
        headers={"X-CSRF-Token": first.csrf, "If-Match": read.headers["etag"]},
    )
    assert discard.status_code == 409 and discard.json()["conflicts"][0]["stored"] == {"status": "approved"}
    assert site.api("admin", "GET", f"/plans/{plan_id}")["status"] == "approved"
    bad = first.client.post(
        f"{API}/plans/{plan_id}/publish", headers={"X-CSRF-Token": first.csrf, "If-Match": "soon"}
    )
    assert bad.status_code == 422


# The pages: a journey in kk and ru -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_checklist_page_loaded_an_hour_ago_reverts_nothing(site: Site, lang: str) -> None:
    inspection_id = record(site, "inspector")
    path = f"/inspections/{inspection_id}/checklist?lang={lang}"
    mine, colleague = site.client("inspector"), site.client("planner")
    stale_page = load_form(mine, path)  # loaded an hour ago and left open on the phone
    theirs = load_form(colleague, path)
    theirs |= {"answer-3": "non_compliant", "comment-3": "журнал жоқ"}
    assert colleague.post_form(path, theirs).status_code == 303

    # Only what this user changed is written: item 3 keeps the colleague's answer.
    saved = mine.post_form(path, stale_page | {"answer-5": "compliant"})
    assert saved.status_code == 303
    now = answers_now(site, inspection_id)
    assert now[3] == ("non_compliant", "журнал жоқ", "t-planner")
    assert now[5] == ("compliant", "", "t-inspector")

    # Changing item 3 too is a conflict: nothing is stored, both values are shown side by side.
    sent = stale_page | {"answer-3": "compliant", "comment-3": "тексерілді", "answer-7": "required"}
    conflict = mine.post_form(path, sent)
    assert conflict.status_code == 409
    page = parse(conflict.text)
    title, stored, yours, item = CONFLICT[lang]
    assert page.find("html").attrs["lang"] == lang and title in page.find("h1").text
    card = page.find("fieldset", id="item-3")
    assert card.find("legend").text.startswith(item)
    header = [cell.text for cell in card.find("thead").find_all("th")]
    assert header == [stored, yours]
    values = [cell.find("strong").text for cell in card.find("tbody").find_all("td")]
    assert values == [ANSWER[lang]["non_compliant"], ANSWER[lang]["compliant"]]
    assert "журнал жоқ" in card.text and "тексерілді" in card.text and "t-planner" in card.text
    assert answers_now(site, inspection_id)[7] == (None, "", None)  # the whole write was refused

    # Either value can be taken; the other change (item 7) is saved with the choice.
    take = "stored" if lang == "kk" else "mine"
    choice = form_fields(page.find("form", class_="checklist")) | {"take-3": take}
    assert mine.post_form(path, choice).status_code == 303
    now = answers_now(site, inspection_id)
    expected = (
        ("non_compliant", "журнал жоқ", "t-planner")
        if take == "stored"
        else ("compliant", "тексерілді", "t-inspector")
    )
    assert now[3] == expected and now[7] == ("required", "", "t-inspector")


def test_a_stale_follow_up_and_list_page_answer_409_side_by_side(site: Site) -> None:
    inspection_id = record(site, "planner")
    complete(site, inspection_id, {5: "non_compliant"})
    planner = site.client("planner")
    page = f"/inspections/{inspection_id}?lang=ru"
    form = parse(planner.client.get(page).text).find("form", id="violation-5")
    loaded = form_fields(form)
    assert loaded["version"] == "1"
    site.api("admin", "PATCH", f"/inspections/{inspection_id}/violations/5", json={"note": "позвонили"})
    stale = planner.post_form(
        f"/inspections/{inspection_id}/violations/5?lang=ru", loaded | {"note": "отправлено письмо"}
    )
    assert stale.status_code == 409
    notice = parse(stale.text).find(id="conflict")
    assert "Ничего не сохранено" in notice.text and "t-admin" in notice.text
    cells = [td.text for td in notice.find("tbody").find_all("td")]
    assert "позвонили" in cells and "отправлено письмо" in cells
    assert site.api("admin", "GET", f"/inspections/{inspection_id}")["violations"][0]["note"] == "позвонили"

    plan_id = site.api("planner", "POST", "/plans", json={"half_year": "2025-H1"})["id"]
    plan_page = parse(planner.client.get(f"/plans/{plan_id}?lang=kk").text)
    version = plan_page.find("form", action=f"/plans/{plan_id}/discard").find("input", name="version")
    site.api("admin", "POST", f"/plans/{plan_id}/approve")
    refused = planner.post_form(f"/plans/{plan_id}/discard?lang=kk", {"version": version.attrs["value"]})
    assert refused.status_code == 409
    assert "Ештеңе жасалған жоқ" in parse(refused.text).find(id="conflict").text
    assert site.api("admin", "GET", f"/plans/{plan_id}")["status"] == "approved"


# In chromium at 390 px -------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_conflict_page_fits_a_phone(browser: Any, tmp_path: Path, lang: str) -> None:
    made = make_site(tmp_path)
    try:
        inspection_id = record(made, "inspector")
        with (
            serving(made.app) as live,
            browser_page(browser, live, 390, 844, USERS["inspector"].username) as tab,
        ):
            tab.open(f"/inspections/{inspection_id}/checklist?lang={lang}")
            made.api(
                "planner",
                "POST",
                f"/inspections/{inspection_id}/answers",
                json={
                    "answers": [{"item": 3, "answer": "non_compliant", "comment": "журнал жоқ / нет журнала"}]
                },
            )
            tab.page.check("#answer-3-compliant")
            # a long value without a space (a pasted link, say) wraps inside its column, not off the screen
            tab.page.fill("#comment-3", "тексерілді/проверено/" + "ы" * 1500)
            with tab.page.expect_navigation():
                tab.page.click("form.checklist button[type=submit]")
            assert CONFLICT[lang][0] in tab.page.text_content("h1")
            width = tab.page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390
            tab.page.screenshot(path=str(tmp_path / f"conflict-{lang}.png"), full_page=True)
            violations = AXE.run(tab.page).response["violations"]
            assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []
            tab.page.check("#take-3-mine")
            with tab.page.expect_navigation():
                tab.page.click("form.checklist button[type=submit]")
            assert tab.page.url.endswith("?done=saved")
        assert answers_now(made, inspection_id)[3][0] == "compliant"
    finally:
        made.app.state.tekseru.close()
