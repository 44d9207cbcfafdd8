"""The inspections pages: the list (an inspector's region only), recording one with the form, the checklist
as cards (answers, comments, previous answers, open violations), attaching files, completing after the
confirmation, the read-only completed inspection, revisions and follow-up; the WCAG structure of every page,
axe, 390 px, and completing a checklist with the keyboard alone.

The module works on its own database (tests.web.test_plans_pages.make_site)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tekseru.services import inspections
from tekseru.services.permissions import Actor
from tekseru.store.workflow import origins_of
from tests.web.htmltree import Element, parse
from tests.web.support import BINS, LANGUAGES, OTHER_BIN, OWN_BIN, USERS, with_lang
from tests.web.test_plans_pages import (
    Site,
    assert_no_blocking_violations,
    assert_nothing_overflows,
    browser_page,
    check_structure,
    make_site,
    serving,
)

ITEMS = 20  # Appendix 3, the checklist of stationary care
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)
_acts = itertools.count(1)


def record(site: Site, role: str = "planner", bin: str = OWN_BIN, act_date: str = "2024-07-01") -> int:
    header = {
        "bin": bin,
        "kind": "preventive_control",
        "act_number": f"{next(_acts)}-ПК",
        "act_date": act_date,
    }
    return int(site.api(role, "POST", "/inspections", json={**header, "inspectors": ["Асқаров А."]})["id"])


def answer_all(site: Site, inspection_id: int, overrides: dict[int, str] | None = None) -> None:
    given = {n: "compliant" for n in range(1, ITEMS + 1)} | (overrides or {})
    body = {"answers": [{"item": n, "answer": a} for n, a in given.items()]}
    site.api("planner", "POST", f"/inspections/{inspection_id}/answers", json=body)


def complete(site: Site, inspection_id: int, overrides: dict[int, str] | None = None) -> None:
    answer_all(site, inspection_id, overrides)
    site.api("planner", "POST", f"/inspections/{inspection_id}/complete", json={"inspected_on": "2024-07-05"})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("inspections-pages"))
    yield made
    made.app.state.tekseru.close()


@pytest.fixture(scope="module")
def ids(site: Site) -> dict[str, int]:
    """A draft; a completed inspection with a violation, files and a follow-up; a later draft of the same
    subject (previous answers, open violation); a completed inspection corrected by a draft revision."""
    draft = record(site, "inspector")
    done = record(site)
    site.api(
        "planner",
        "POST",
        f"/inspections/{done}/attachments",
        files={"file": ("photo.png", PNG)},
        data={"item": "5"},
    )
    site.api("planner", "POST", f"/inspections/{done}/attachments", files={"file": ("act.txt", b"act")})
    complete(site, done, {5: "non_compliant", 9: "non_compliant"})
    site.api("planner", "PATCH", f"/inspections/{done}/violations/5", json={"deadline": "2024-08-01"})
    later = record(site, act_date="2024-09-01")
    corrected = record(site, bin=BINS[2])
    complete(site, corrected)
    revision = site.api("planner", "POST", f"/inspections/{corrected}/revisions", json={"reason": "typo"})[
        "id"
    ]
    return {"draft": draft, "done": done, "later": later, "corrected": corrected, "revision": revision}


@pytest.fixture(scope="module")
def paths(ids: dict[str, int]) -> dict[str, str]:
    one = "/inspections/{}".format
    return {
        "index": "/inspections",
        "filtered": "/inspections?status=completed&all=yes",
        "new": "/inspections/new",
        "new_subject": f"/inspections/new?bin={BINS[3]}",
        "draft": one(ids["draft"]),
        "draft_checklist": one(ids["draft"]) + "/checklist",
        "draft_complete": one(ids["draft"]) + "/complete",
        "done": one(ids["done"]),
        "done_checklist": one(ids["done"]) + "/checklist",
        "done_complete": one(ids["done"]) + "/complete",
        "later_checklist": one(ids["later"]) + "/checklist",
        "corrected": one(ids["corrected"]),
        "revision": one(ids["revision"]),
    }


def main(site: Site, role: str, path: str) -> Element:
    response = site.client(role).client.get(with_lang(path, "en"))
    assert response.status_code == 200, response.text[-500:]
    return parse(response.text).find("main")


def post_forms(root: Element) -> list[str]:
    return [form.attrs["action"] for form in root.find_all("form") if form.attrs.get("method") == "post"]


def test_the_pages_have_the_structure_of_every_page(site: Site, paths: dict[str, str]) -> None:
    admin = site.client("admin").client
    for path in paths.values():
        check_structure(admin, path)


def number_of(site: Site, inspection_id: int) -> str:
    """The inspection's printed number (region-year-sequence), as the store keeps it."""
    with site.app.state.tekseru.database().transaction() as session:
        return origins_of(session, [inspection_id])[inspection_id].number


def test_an_inspector_lists_its_region_only(site: Site, ids: dict[str, int]) -> None:
    other = record(site, bin=OTHER_BIN)
    mine = main(site, "inspector", "/inspections")
    listed = [th.text for th in mine.find("table").find("tbody").find_all("th")]
    assert number_of(site, ids["draft"]) in listed and number_of(site, other) not in listed
    everyone = [th.text for th in main(site, "viewer", "/inspections").find("tbody").find_all("th")]
    assert number_of(site, other) in everyone
    assert "No inspection matches." in main(site, "viewer", "/inspections?bin=190150000000").text
    completed = main(site, "viewer", "/inspections?status=completed").find("tbody").text
    assert "Draft" not in completed and "Completed" in completed


def test_the_list_shows_inspection_numbers_and_finds_one_by_its_number(site: Site) -> None:
    first, second = record(site), record(site)
    one, two = number_of(site, first), number_of(site, second)
    region, year, sequence = one.split("-")
    assert (region, len(year), len(sequence)) == ("71", 4, 4) and one != two
    rows = main(site, "viewer", "/inspections").find("tbody").find_all("th")
    link = next(th for th in rows if th.text == one).find("a")
    assert link.attrs["href"] == f"/inspections/{first}"
    # The whole number, a part of it, in any case; the filter stays in the form and in the export links.
    for wanted in (one, one.lower(), f"{year}-{sequence}", f" {sequence} "):
        found = main(site, "viewer", f"/inspections?number={wanted}")
        listed = [th.text for th in found.find("tbody").find_all("th")]
        assert one in listed and two not in listed, wanted
        assert found.find("input", id="number").attrs["value"] == wanted.strip()
        assert f"number={wanted.strip()}" in found.find("p", id="export-links").find("a").attrs["href"]
    for lang, said in (("kk", "Тексеру нөмірі"), ("ru", "Номер проверки"), ("en", "Inspection number")):
        page = parse(site.client("viewer").client.get(f"/inspections?lang={lang}").text)
        assert page.find("label", **{"for": "number"}).text == said
    assert "No inspection matches." in main(site, "viewer", "/inspections?number=NOWHERE-1999").text
    csv = site.client("viewer").client.get(f"/exports/inspections?format=csv&number={one}&lang=ru").text
    assert csv.count("\n") == 2 and f"\n{first};" in csv  # the header and the one inspection, for Excel
    api = site.client("viewer").client.get("/api/v1/inspections", params={"number": f"{year}-{sequence}"})
    assert [(found["id"], found["number"]) for found in api.json()] == [(first, one)]
    everyone = site.client("viewer").client.get("/api/v1/inspections").json()
    assert {found["number"] for found in everyone} >= {one, two}


def test_only_writers_are_offered_a_new_inspection(site: Site) -> None:
    assert main(site, "inspector", "/inspections").find_all("a", href="/inspections/new")
    assert not main(site, "viewer", "/inspections").find_all("a", href="/inspections/new")
    assert site.client("viewer").client.get("/inspections/new").status_code == 403


def test_recording_an_inspection_with_the_form(site: Site) -> None:
    found = main(site, "inspector", f"/inspections/new?bin={OWN_BIN}")
    assert "«Мейірім» орталығы" in found.find("dl").text and "Checklist: Appendix 3" in found.text
    inspector = site.client("inspector")
    fields = {"bin": OWN_BIN, "kind": "unscheduled_inspection", "appendix": "3", "act_number": "7-T"}
    fields |= {"act_date": "2024-07-02", "inspectors": "Асқаров А.\n\nПетрова Е.\n", "planned_on": ""}
    response = inspector.post_form("/inspections", fields)
    assert response.status_code == 303 and response.headers["location"].endswith("/checklist?done=created")
    page = main(site, "inspector", response.headers["location"].removesuffix("/checklist?done=created"))
    assert "Unscheduled inspection" in page.text and "Асқаров А., Петрова Е." in page.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"inspectors": ""}, "name at least one inspector"),
        ({"act_date": ""}, "Give the date of the act"),
        ({"act_date": "01.07.2024"}, "yyyy-mm-dd"),
        ({"act_number": ""}, "1 to 64 characters"),
    ],
)
def test_a_header_that_cannot_be_recorded_shows_the_form_again(
    site: Site, fields: dict[str, str], message: str
) -> None:
    inspector = site.client("inspector")
    base = {"bin": OWN_BIN, "kind": "preventive_control", "act_number": "1", "act_date": "2024-07-02"}
    response = inspector.post_form("/inspections?lang=en", {**base, "inspectors": "A", **fields})
    assert response.status_code == 400
    root = parse(response.text)
    assert message in root.find(id="inspection-error").text and root.find("select", id="kind")


@pytest.mark.parametrize(
    ("language", "message"),
    [("kk", "актінің күні: күнді жжжж-аа-кк түрінде көрсетіңіз."), ("ru", "дата акта: укажите дату в виде")],
)
def test_a_wrong_date_is_refused_in_the_reader_s_language(site: Site, language: str, message: str) -> None:
    inspector = site.client("inspector")
    fields = {"bin": OWN_BIN, "kind": "preventive_control", "act_number": "1", "act_date": "01.07.2024"}
    response = inspector.post_form(f"/inspections?lang={language}", {**fields, "inspectors": "A"})
    assert response.status_code == 400
    said = parse(response.text).find(id="inspection-error").text
    assert message in said and "act_date" not in said


def test_finding_a_subject_that_is_not_there_or_not_ones_own(site: Site) -> None:
    response = site.client("inspector").client.get("/inspections/new?bin=190150000000&lang=en")
    assert response.status_code == 400 and "No subject with this BIN" in response.text
    assert site.client("inspector").client.get(f"/inspections/new?bin={OTHER_BIN}").status_code == 403


def test_the_checklist_is_one_card_per_item(site: Site, paths: dict[str, str]) -> None:
    form = main(site, "inspector", paths["draft_checklist"]).find("form", class_="checklist")
    cards = form.find_all("fieldset", class_="item-card")
    assert len(cards) == ITEMS
    fifth = cards[4]
    assert fifth.find("legend").text.startswith("Item 5.") and "Criterion 7" in fifth.text
    radios = fifth.find_all("input", type="radio")
    # One tap per item; "not applicable" is stored as the act's "not required".
    assert [r.attrs["value"] for r in radios] == ["compliant", "non_compliant", "not_required"]
    assert {r.attrs["name"] for r in radios} == {"answer-5"}
    assert [label.text for label in fifth.find_all("label")][:3] == [
        "Compliant",
        "Non-compliant",
        "Not applicable",
    ]
    assert fifth.find("textarea", id="comment-5").attrs["name"] == "comment-5"
    assert fifth.find("input", id="deadline-5").attrs["type"] == "date"
    camera = fifth.find("input", id="photo-5")
    assert (camera.attrs["accept"], camera.attrs["capture"]) == ("image/*", "environment")
    buttons = [button.text for button in form.find_all("button")]
    assert buttons == ["Save the answers", "Save and complete the inspection"]


def test_a_later_inspection_shows_the_previous_answers_and_open_violations(
    site: Site, paths: dict[str, str], ids: dict[str, int]
) -> None:
    cards = main(site, "inspector", paths["later_checklist"]).find_all("fieldset", class_="item-card")
    assert "Previous inspection: Not compliant with the requirements" in cards[4].text
    assert "Overdue" in cards[4].text and f"violation found by inspection No. {ids['done']}" in cards[4].text
    assert "deadline 01.08.2024" in cards[4].text
    assert "Previous inspection: Compliant" in cards[0].text and "violation" not in cards[0].text


def test_saving_answers_with_the_form(site: Site) -> None:
    inspection_id = record(site, "inspector")
    inspector = site.client("inspector")
    path = f"/inspections/{inspection_id}/checklist"
    saved = inspector.post_form(
        path, {"answer-1": "compliant", "answer-2": "non_compliant", "comment-2": "no log"}
    )
    assert (saved.status_code, saved.headers["location"]) == (303, f"{path}?done=saved")
    cards = main(site, "inspector", path).find_all("fieldset", class_="item-card")
    assert cards[0].find("input", id="answer-1-compliant").attrs.get("checked") == ""
    assert cards[1].find("input", id="answer-2-non_compliant").attrs.get("checked") == ""
    assert cards[1].find("textarea").text == "no log"
    stray = inspector.post_form(f"{path}?lang=en", {"answer-1": "not_required", "comment-3": "lost?"})
    assert stray.status_code == 400 and "Items 3: choose an answer to keep the comment" in stray.text
    for lang, said in (("kk", "3 тармақтар: түсініктемені сақтау үшін"), ("ru", "Пункты 3: выберите ответ")):
        refused = inspector.post_form(f"{path}?lang={lang}", {"answer-1": "not_required", "comment-3": "?"})
        assert refused.status_code == 400 and said in refused.text
    again = parse(stray.text).find_all("fieldset", class_="item-card")
    assert (
        again[0].find("input", id="answer-1-not_required").attrs.get("checked") == ""
    )  # what was sent stays
    assert again[2].find("textarea").text == "lost?"
    # Items still unanswered: back to the checklist, each flagged on the item itself.
    then = inspector.post_form(path, {"answer-3": "compliant", "then": "complete"})
    assert then.headers["location"] == f"{path}?check=yes#item-4"
    checked = main(site, "inspector", f"{path}?check=yes")
    assert checked.find(id="flag-4").text == "Not answered: choose one of the three answers."
    assert checked.find(id="item-4").attrs["aria-describedby"] == "flag-4"
    assert not checked.find_all(id="flag-3") and "Item 4" in checked.find(id="incomplete").text
    answer_all(site, inspection_id)
    then = inspector.post_form(path, {"then": "complete"})
    assert then.headers["location"] == f"/inspections/{inspection_id}/complete"


def test_a_non_compliant_item_keeps_its_deadline_and_a_wrong_date_is_refused_in_russian(site: Site) -> None:
    inspection_id = record(site, "inspector")
    inspector = site.client("inspector")
    path = f"/inspections/{inspection_id}/checklist"
    given = {"answer-2": "non_compliant", "comment-2": "нет журнала", "deadline-2": "2024-09-01"}
    given |= {"answer-3": "compliant", "deadline-3": "2024-09-01"}  # not a violation: no deadline kept
    assert inspector.post_form(path, given).status_code == 303
    items = site.api("inspector", "GET", f"/inspections/{inspection_id}")["items"]
    assert items[1]["answer"]["answer"] == "non_compliant" and items[2]["answer"]["answer"] == "compliant"
    cards = main(site, "inspector", path).find_all("fieldset", class_="item-card")
    assert cards[1].find("input", id="deadline-2").attrs["value"] == "2024-09-01"
    assert cards[2].find("input", id="deadline-3").attrs["value"] == ""
    wrong = inspector.post_form(f"{path}?lang=ru", {"answer-4": "non_compliant", "deadline-4": "31.02.2024"})
    assert wrong.status_code == 400 and "Пункты 4: укажите срок в виде гггг-мм-дд" in wrong.text
    assert items[3]["answer"] is None


def test_the_confirmation_says_what_is_missing_then_completes(site: Site) -> None:
    inspection_id = record(site, "inspector")
    answer_all(site, inspection_id, {4: "required"})
    site.api(
        "planner",
        "POST",
        f"/inspections/{inspection_id}/answers",
        json={"answers": [{"item": 4, "answer": "required"}]},
    )
    page = main(site, "inspector", f"/inspections/{inspection_id}/complete")
    assert "required but not marked compliant or non-compliant: 4" in page.find(id="incomplete").text
    link = page.find(id="incomplete").find("a").attrs["href"]
    assert link == f"/inspections/{inspection_id}/checklist?check=yes#item-4"
    assert post_forms(page) == []
    answer_all(site, inspection_id, {5: "non_compliant"})
    page = main(site, "inspector", f"/inspections/{inspection_id}/complete")
    assert (
        post_forms(page) == [f"/inspections/{inspection_id}/complete"] and "Item 5 (Criterion 7)" in page.text
    )
    inspector = site.client("inspector")
    early = inspector.post_form(
        f"/inspections/{inspection_id}/complete?lang=en", {"inspected_on": "2024-06-01"}
    )
    assert early.status_code == 400 and "between the act's date and today" in parse(early.text).text
    done = inspector.post_form(f"/inspections/{inspection_id}/complete", {"inspected_on": "2024-07-03"})
    assert (done.status_code, done.headers["location"]) == (
        303,
        f"/inspections/{inspection_id}?done=completed",
    )
    assert "already" in main(site, "inspector", f"/inspections/{inspection_id}/complete").text


def test_a_completed_inspection_is_read_only(site: Site, paths: dict[str, str], ids: dict[str, int]) -> None:
    checklist = main(site, "inspector", paths["done_checklist"])
    assert post_forms(checklist) == [] and not checklist.find_all("input", type="radio")
    assert "Answer: Not compliant with the requirements" in checklist.find(id="item-5").text
    page = main(site, "inspector", paths["done"])
    one = paths["done"]
    assert post_forms(page) == [f"{one}/violations/5", f"{one}/violations/9", f"{one}/revise"]
    assert "cannot change" in page.text and not page.find_all("input", type="file")
    refused = site.client("inspector").post_form(f"{one}/checklist?lang=en", {"answer-1": "not_required"})
    assert refused.status_code == 400 and "cannot change" in refused.text


def test_violations_and_their_follow_up(site: Site, paths: dict[str, str]) -> None:
    table = main(site, "viewer", paths["done"]).find("table", class_="violations")
    rows = table.find("tbody").find_all("tr")
    assert [row.find("th").text.split()[0] for row in rows] == ["5", "9"]
    assert "Overdue" in rows[0].text and "01.08.2024" in rows[0].text and "Open" in rows[1].text
    inspector = site.client("inspector")
    one = paths["done"]
    followed = inspector.post_form(
        f"{one}/violations/9", {"status": "eliminated", "eliminated_on": "2024-07-10", "note": "fixed"}
    )
    assert followed.headers["location"] == f"{one}?done=followed#violation-9"
    rows = main(site, "viewer", one).find("table", class_="violations").find("tbody").find_all("tr")
    assert "Eliminated" in rows[1].text and "10.07.2024" in rows[1].text and "fixed" in rows[1].text
    wrong = inspector.post_form(f"{one}/violations/9?lang=en", {"deadline": "2024-01-01"})
    assert wrong.status_code == 400 and "before the inspection" in wrong.text


def test_attaching_files_with_the_form(site: Site, paths: dict[str, str]) -> None:
    inspector = site.client("inspector")
    one = paths["draft"]
    added = inspector.post_form(
        f"{one}/attachments", {"item": "2"}, files={"file": ("scan.png", PNG, "image/png")}
    )
    assert added.headers["location"] == f"{one}?done=attached#attachments"
    hint = main(site, "inspector", one).find(id="file-hint").text
    assert ".pdf, .jpg" in hint and "up to 20 MiB each, at most 200 per inspection" in hint
    files = main(site, "inspector", one).find("ul", class_="documents")
    link = files.find("a")
    assert "Item 2: " in files.text and link.text == "scan.png"
    assert inspector.client.get(link.attrs["href"]).content == PNG
    refused = inspector.post_form(
        f"{one}/attachments?lang=en", {"item": ""}, files={"file": ("a.exe", b"MZ")}
    )
    assert (
        refused.status_code == 400 and "not accepted" in parse(refused.text).find(id="inspection-error").text
    )
    empty = inspector.post_form(f"{one}/attachments?lang=en", {"item": ""})
    assert empty.status_code == 400 and "Choose a file to attach." in empty.text


def test_revisions_are_listed_and_the_corrected_one_points_to_its_correction(
    site: Site, paths: dict[str, str], ids: dict[str, int]
) -> None:
    corrected = main(site, "viewer", paths["corrected"])
    pending = next(p for p in corrected.find_all("p", class_="notice") if "being drafted" in p.text)
    assert (
        "being drafted" in pending.text
        and pending.find("a").attrs["href"] == f"/inspections/{ids['revision']}"
    )
    assert post_forms(corrected) == []  # one correction at a time
    revision = main(site, "viewer", paths["revision"])
    assert "2: typo" in revision.find("dl").text
    assert [li.text.split(" — ")[0] for li in revision.find("ol", class_="revisions").find_all("li")] == [
        f"Revision 1 (No. {ids['corrected']})",
        f"Revision 2 (No. {ids['revision']})",
    ]


def test_starting_a_correction_with_the_form(site: Site) -> None:
    inspection_id = record(site)
    complete(site, inspection_id)
    planner = site.client("planner")
    empty = planner.post_form(f"/inspections/{inspection_id}/revise?lang=en", {"reason": " "})
    assert empty.status_code == 400 and "give a reason" in empty.text
    revised = planner.post_form(f"/inspections/{inspection_id}/revise", {"reason": "wrong act"})
    assert revised.status_code == 303 and revised.headers["location"].endswith("/checklist?done=revised")
    page = main(site, "planner", revised.headers["location"])
    assert len(page.find_all("input", type="radio", checked="")) == ITEMS  # the answers are carried over


def test_an_inspector_of_another_region_is_refused(site: Site) -> None:
    other = record(site, bin=OTHER_BIN)
    inspector = site.client("inspector")
    for path in ("", "/checklist", "/complete", "/document"):
        assert inspector.client.get(f"/inspections/{other}{path}").status_code == 403, path
    assert (
        inspector.post_form(f"/inspections/{other}/checklist", {"answer-1": "compliant"}).status_code == 403
    )
    assert inspector.post_form(f"/inspections/{other}/complete", {}).status_code == 403


def test_a_viewer_reads_and_changes_nothing(site: Site, paths: dict[str, str]) -> None:
    for name in ("draft", "draft_checklist", "draft_complete", "done"):
        assert post_forms(main(site, "viewer", paths[name])) == [], name
    assert (
        site.client("viewer").post_form(paths["draft_checklist"], {"answer-1": "compliant"}).status_code
        == 403
    )


def test_the_printed_form_from_the_page(site: Site, paths: dict[str, str]) -> None:
    links = [a.attrs["href"] for a in main(site, "viewer", paths["done"]).find_all("a")]
    printed = [href for href in links if "/document?" in href]
    assert len(printed) == 4
    for href, magic in zip(printed, (b"%PDF-", b"%PDF-", b"PK", b"PK"), strict=True):
        assert site.client("viewer").client.get(href).content.startswith(magic)


def test_an_inspection_that_does_not_exist(site: Site) -> None:
    assert site.client("viewer").client.get("/inspections/999999?lang=en").status_code == 404


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


@pytest.mark.browser
def test_the_checklist_cards_fit_a_phone(browser: Any, live: str, paths: dict[str, str]) -> None:
    with browser_page(browser, live, 390, 844, USERS["inspector"].username) as page:
        page.open(paths["draft_checklist"])
        boxes = page.page.eval_on_selector_all(
            "fieldset.item-card",
            "cards => cards.map(c => [c.getBoundingClientRect().left, c.getBoundingClientRect().right])",
        )
        assert len(boxes) == ITEMS and all(left >= 0 and right <= 390 for left, right in boxes)
        radio = page.page.eval_on_selector("#answer-1-compliant", "e => [e.offsetWidth, e.offsetHeight]")
        assert radio[0] >= 24 and radio[1] >= 24  # large enough to tap


def focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.id"))


def tab_until(page: Any, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} not reached with Tab; focus is on #{focused_id(page)}")


@pytest.mark.browser
def test_a_checklist_is_completed_with_the_keyboard_alone(browser: Any, live: str, site: Site) -> None:
    inspection_id = record(site, "inspector")
    with browser_page(browser, live, 390, 844, USERS["inspector"].username) as browser_tab:
        page = browser_tab.page
        browser_tab.open(f"/inspections/{inspection_id}/checklist?lang=en")
        for number in range(1, ITEMS + 1):
            tab_until(page, f"answer-{number}-compliant")  # Tab enters the item's answers at the first one
            if number == 5:
                page.keyboard.press("ArrowRight")  # one key: Non-compliant
            elif number == 7:
                page.keyboard.press("ArrowLeft")  # from the first, round to the last: Not applicable
            else:
                page.keyboard.press("Space")  # one key: Compliant
            page.keyboard.press("Tab")
            assert focused_id(page) == f"comment-{number}"
            if number == 5:  # non-compliant asks for a comment and offers the deadline
                page.keyboard.type("no fire drill log")
                page.keyboard.press("Tab")
                assert focused_id(page) == "deadline-5"
                page.keyboard.type("08012024")  # month, day, year in the browser's English date field
                assert page.evaluate("() => document.activeElement.value") == "2024-08-01"
        for _ in range(8):  # past the last item's photos to the buttons
            if (
                page.evaluate("() => document.activeElement.textContent")
                == "Save and complete the inspection"
            ):
                break
            page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent") == "Save and complete the inspection"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/inspections/{inspection_id}/complete")
        tab_until(page, "inspected_on")  # the day of the visit is today unless changed
        for _ in range(4):  # past the day, month and year of the date field
            if page.evaluate("() => document.activeElement.tagName") == "BUTTON":
                break
            page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent") == "Complete the inspection"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/inspections/{inspection_id}?done=completed")
        assert page.text_content("[role=status]") == "The inspection was completed."
    sheet = site.api("inspector", "GET", f"/inspections/{inspection_id}")
    assert sheet["inspection"]["status"] == "completed"
    assert [(v["item"], v["deadline"]) for v in sheet["violations"]] == [(5, "2024-08-01")]
    assert sheet["items"][4]["answer"]["comment"] == "no fire drill log"
    assert sheet["items"][6]["answer"]["answer"] == "not_required"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_inspection_and_its_checklist_are_titled_by_its_number(site: Site, lang: str) -> None:
    """The number an inspection goes by (REGION-YEAR-NNNN, printed on its forms), not the database's id."""
    inspection_id = record(site, "inspector")
    db = site.app.state.tekseru.database()
    stored = inspections.get_inspection(db, Actor.system("test"), inspection_id)
    (number,) = inspections.inspection_numbers(db, Actor.system("test"), [stored]).values()
    for path in (f"/inspections/{inspection_id}", f"/inspections/{inspection_id}/checklist"):
        page = parse(site.client("inspector").client.get(f"{path}?lang={lang}").text)
        assert number in page.find("h1").text, page.find("h1").text
    back = parse(
        site.client("inspector").client.get(f"/inspections/{inspection_id}/checklist?lang={lang}").text
    )
    assert number in back.find("p", class_="facts-line").text
