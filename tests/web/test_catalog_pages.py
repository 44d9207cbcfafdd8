"""The catalogue pages, read as HTML: titles, language, switcher, the unofficial notice, filters, links."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tekseru.catalog import Severity
from tekseru.catalog_files import load_catalogue
from tekseru.http.language import COOKIE_NAME
from tests.web.htmltree import Element, parse
from tests.web.support import PACKAGED

EDITION = load_catalogue().edition(PACKAGED)


def page(client: TestClient, path: str, status: int = 200) -> Element:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return parse(response.text)


def criteria_numbers(document: Element) -> list[int]:
    table = document.find("table", class_="criteria")
    return [int(row.find("th").text) for row in table.find("tbody").find_all("tr")]


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("kk", "Субъективті өлшемшарттар — tekseru"),
        ("ru", "Субъективные критерии — tekseru"),
        ("en", "Subjective criteria — tekseru"),
    ],
)
def test_criteria_page_in_each_language(client: TestClient, lang: str, title: str) -> None:
    document = page(client, f"/catalog/criteria?lang={lang}")
    assert document.find("html").attrs["lang"] == lang
    assert document.find("title").text == title
    assert document.find("h1").text == title.removesuffix(" — tekseru")
    assert EDITION.criterion(1).text.in_language(lang) in document.find("table").text
    assert criteria_numbers(document) == list(range(1, 91))


def test_kazakh_is_the_default_and_has_no_unofficial_notice(client: TestClient) -> None:
    document = page(client, "/catalog/criteria")
    assert document.find("html").attrs["lang"] == "kk"
    assert not document.find_all(id="unofficial-notice")
    assert EDITION.criterion(1).text.kk in document.text


@pytest.mark.parametrize(
    ("lang", "words"), [("ru", "Неофициальный перевод."), ("en", "Unofficial translation.")]
)
def test_russian_and_english_pages_say_the_translation_is_unofficial(
    client: TestClient, lang: str, words: str
) -> None:
    notice = page(client, f"/catalog/criteria/1?lang={lang}").find(id="unofficial-notice")
    assert notice.text.startswith(words)
    assert notice.find("strong").text == words


def test_the_chosen_language_is_remembered_in_a_cookie(client: TestClient) -> None:
    response = client.get("/catalog/groups?lang=ru")
    assert response.cookies[COOKIE_NAME] == "ru"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=31536000" in cookie
    assert "Secure" not in cookie  # plain http here; behind an https proxy the cookie is Secure
    document = page(client, "/catalog/checklists")
    assert document.find("html").attrs["lang"] == "ru"
    assert document.find("h1").text == "Проверочные листы"
    assert page(client, "/catalog/checklists?lang=en").find("html").attrs["lang"] == "en"
    assert page(client, "/").find("html").attrs["lang"] == "en"


def test_an_unknown_language_falls_back_to_the_remembered_one(client: TestClient) -> None:
    assert page(client, "/?lang=de").find("html").attrs["lang"] == "kk"
    client.get("/?lang=en")
    assert page(client, "/?lang=de").find("html").attrs["lang"] == "en"


def test_the_switcher_links_the_same_page_in_each_language(client: TestClient) -> None:
    switcher = page(client, "/catalog/criteria?severity=gross&lang=ru").find("nav", class_="languages")
    links = {a.attrs["lang"]: a for a in switcher.find_all("a")}
    assert {code: a.text for code, a in links.items()} == {"kk": "Қазақша", "ru": "Русский", "en": "English"}
    assert links["en"].attrs["href"] == "/catalog/criteria?severity=gross&lang=en"
    assert links["en"].attrs["hreflang"] == "en"
    assert links["ru"].attrs["aria-current"] == "true"
    assert "aria-current" not in links["kk"].attrs
    assert switcher.attrs["aria-label"] == "Язык"


@pytest.mark.parametrize("severity", list(Severity))
def test_criteria_filtered_by_severity(client: TestClient, severity: Severity) -> None:
    document = page(client, f"/catalog/criteria?severity={severity.value}&lang=en")
    expected = [c.number for c in EDITION.criteria_where(severity=severity)]
    assert criteria_numbers(document) == expected
    assert document.find(id="result-count").text == f"Showing {len(expected)} of 90 criteria."
    selected = [
        o.attrs["value"]
        for o in document.find("select", id="severity").find_all("option")
        if "selected" in o.attrs
    ]
    assert selected == [severity.value]


def test_criteria_filtered_by_source_and_severity(client: TestClient) -> None:
    document = page(client, "/catalog/criteria?severity=significant&source_group=3")
    expected = [c.number for c in EDITION.criteria_where(severity=Severity.SIGNIFICANT, source_group=3)]
    assert criteria_numbers(document) == expected


def test_a_filter_nothing_matches(client: TestClient) -> None:
    document = page(client, "/catalog/criteria?source_group=9&lang=en")
    assert not document.find_all("table")
    assert "No criteria match the filter." in document.find("main").text


def test_empty_and_unknown_filter_values_show_everything(client: TestClient) -> None:
    assert len(criteria_numbers(page(client, "/catalog/criteria?severity=&source_group="))) == 90
    assert len(criteria_numbers(page(client, "/catalog/criteria?severity=awful&source_group=x"))) == 90


def test_the_filter_is_a_labelled_get_form_enhanced_by_htmx(client: TestClient) -> None:
    form = page(client, "/catalog/criteria").find("form", class_="filters")
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/catalog/criteria"
    assert form.attrs["hx-get"] == "/catalog/criteria" and form.attrs["hx-target"] == "#results"
    assert form.find("legend").text
    for select in form.find_all("select"):
        assert form.find("label", for_=select.attrs["id"]).text


def test_a_criterion_page(client: TestClient) -> None:
    document = page(client, "/catalog/criteria/7?lang=en")
    assert document.find("h1").text == "Criterion 7"
    main = document.find("main")
    assert "Gross" in main.find("dl").text
    assert EDITION.criterion(7).text.en in main.text
    official = main.find("blockquote", lang="kk")
    assert official.text == EDITION.criterion(7).text.kk
    hrefs = [a.attrs["href"] for a in main.find_all("a")]
    assert "/catalog/checklists/3#item-5" in hrefs
    assert "/catalog/groups#group-stationary_care" in hrefs


def test_a_criterion_page_in_kazakh_does_not_repeat_the_text(client: TestClient) -> None:
    main = page(client, "/catalog/criteria/7").find("main")
    assert not main.find_all("blockquote", lang="kk")
    assert main.text.count(EDITION.criterion(7).text.kk) == 1


def test_a_criterion_no_checklist_item_corresponds_to(client: TestClient) -> None:
    main = page(client, "/catalog/criteria/80?lang=en").find("main")
    assert "No checklist item corresponds to this criterion." in main.text


def test_the_checklists_list(client: TestClient) -> None:
    table = page(client, "/catalog/checklists?lang=en").find("table")
    rows = table.find("tbody").find_all("tr")
    assert [row.find("th").text for row in rows] == [f"Appendix {n}" for n in range(2, 8)]
    assert rows[1].find("a").attrs["href"] == "/catalog/checklists/3"


def test_one_checklist_links_items_to_criteria_and_says_when_there_is_none(client: TestClient) -> None:
    document = page(client, "/catalog/checklists/7?lang=en")
    assert document.find("h1").text == "Checklist — Appendix 7"
    rows = document.find("table", class_="items").find("tbody").find_all("tr")
    assert len(rows) == len(EDITION.checklist(7).items)
    for row, item in zip(rows, EDITION.checklist(7).items, strict=True):
        assert row.attrs["id"] == f"item-{item.number}"
        links = [a.attrs["href"] for a in row.find_all("a")]
        if item.criterion is None:
            assert links == [] and "None in Appendix 1" in row.text
        else:
            assert links == [f"/catalog/criteria/{item.criterion}"]


def test_the_groups_page(client: TestClient) -> None:
    main = page(client, "/catalog/groups?lang=ru").find("main")
    sections = main.find_all("section", class_="group")
    assert [s.attrs["id"] for s in sections] == [f"group-{key}" for key in EDITION.groups]
    # our own explanation of the group, in the page's language (no English left on a Russian page)
    assert not [dd for dd in sections[0].find_all("dd") if dd.attrs.get("lang") == "en"]
    reasoning = EDITION.group("local_executive_body").reasoning
    assert " ".join(reasoning.ru.split()) in " ".join(sections[0].text.split())
    assert reasoning.ru.startswith("Пункты приложения 2") and reasoning.kk.startswith("2-қосымшаның")
    assert "Применимые критерии (4)" in sections[0].text


def test_the_editions_page(client: TestClient) -> None:
    rows = page(client, "/catalog/editions?lang=en").find("table").find("tbody").find_all("tr")
    assert [row.find("th").text for row in rows] == [PACKAGED, "2030-test"]
    assert "In force" in rows[0].text and "Not the edition in force" in rows[1].text
    hrefs = [a.attrs["href"] for a in rows[0].find_all("a")]
    assert hrefs == [f"/catalog/criteria?edition={PACKAGED}", f"/api/v1/catalog/editions/{PACKAGED}/export"]


def test_another_edition_is_marked_and_kept_in_the_links(client: TestClient) -> None:
    document = page(client, "/catalog/criteria?edition=2030-test&lang=en")
    assert criteria_numbers(document) == [1, 2, 3]
    assert "Not the edition in force" in document.find("p", class_="edition-line").text
    assert document.find("table").find("a").attrs["href"] == "/catalog/criteria/1?edition=2030-test"
    assert document.find("input", type="hidden").attrs == {
        "type": "hidden",
        "name": "edition",
        "value": "2030-test",
    }


def test_the_diff_page(client: TestClient) -> None:
    document = page(client, f"/catalog/diff?a={PACKAGED}&b=2030-test&lang=en")
    rows = document.find("table").find("tbody").find_all("tr")
    cells = {tuple(cell.text for cell in row.children if isinstance(cell, Element)) for row in rows}
    assert any(c[:3] == ("Criterion", "90", "Removed") for c in cells)
    assert any(c[:3] == ("Checklist item", "3.1", "Removed") for c in cells)
    assert document.find("h2").text == f"Changes from {PACKAGED} to 2030-test"


def test_the_diff_page_without_a_choice_shows_only_the_form(client: TestClient) -> None:
    document = page(client, "/catalog/diff?lang=en")
    assert not document.find_all("table")
    assert [s.attrs["name"] for s in document.find("form").find_all("select")] == ["a", "b"]


def test_the_diff_of_an_edition_with_itself(client: TestClient) -> None:
    main = page(client, f"/catalog/diff?a={PACKAGED}&b={PACKAGED}&lang=en").find("main")
    assert "The two editions do not differ." in main.text


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/catalog/criteria/999", f"критерия 999 нет в редакции {PACKAGED}"),
        (
            "/catalog/checklists/1",
            f"в приложении 1 редакции {PACKAGED} нет проверочного листа (есть: 2, 3, 4, 5, 6, 7)",
        ),
        ("/catalog/criteria?edition=1999", f"редакции 1999 нет (известны: {PACKAGED}, 2030-test)"),
        (f"/catalog/diff?a={PACKAGED}&b=1999", f"редакции 1999 нет (известны: {PACKAGED}, 2030-test)"),
    ],
)
def test_unknown_entries_answer_a_404_page(client: TestClient, path: str, detail: str) -> None:
    document = page(client, f"{path}{'&' if '?' in path else '?'}lang=ru", status=404)
    assert document.find("h1").text == "Страница не найдена"
    assert document.find("span", class_="detail").text == detail  # in the page's language
    assert document.find("html").attrs["lang"] == "ru"


def test_a_page_that_does_not_exist(client: TestClient) -> None:
    document = page(client, "/catalog/nothing?lang=en", status=404)
    assert document.find("title").text == "Page not found — tekseru"
    assert document.find("nav", class_="main-nav")


def test_a_malformed_address_answers_400(client: TestClient) -> None:
    document = page(client, "/catalog/criteria/seven?lang=en", status=400)
    assert document.find("h1").text == "The request is not valid"
