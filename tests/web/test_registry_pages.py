"""The registry pages, the subject card, adding evidence by its form, and the dashboard's figures."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.i18n import format_date, format_decimal, translate
from tekseru.services.catalog import CatalogService
from tekseru.services.permissions import Actor
from tekseru.services.registry_queries import SubjectRow, SubjectSearch, search
from tekseru.web.pages.registry_rows import row_words, subject_rows
from tests.web.conftest import SignedIn
from tests.web.htmltree import Element, parse
from tests.web.support import BINS, OTHER_BIN, OTHER_REGION, OWN_BIN, OWN_REGION


def rows(root: Element) -> list[str]:
    """The BINs listed, of the seeded subjects only (the end-to-end browser test adds others)."""
    table = root.find_all("table", class_="subjects")
    return [th.text for th in table[0].find("tbody").find_all("th") if th.text in BINS] if table else []


def test_the_registry_finds_by_name_and_filters(signed_in: Callable[[str], SignedIn]) -> None:
    planner = signed_in("planner").client
    assert rows(parse(planner.get("/registry?q=мейірім").text)) == [OWN_BIN]
    for typed in ("МЕЙИРИМ", "Meyirim", "ме"):  # Russian and Latin keyboards, a two-letter fragment
        assert OWN_BIN in rows(parse(planner.get(f"/registry?q={typed}").text)), typed
    assert sorted(rows(parse(planner.get(f"/registry?region={OTHER_REGION}").text))) == sorted(
        [BINS[3], BINS[4]]
    )
    root = parse(planner.get("/registry?risk_class=high&lang=en").text)
    assert sorted(rows(root)) == sorted([OWN_BIN, OTHER_BIN])
    assert "subjects found." in root.find(id="result-count").text
    assert root.find("select", id="risk_class").find("option", value="high").attrs.get("selected") == ""
    assert "No subject matches" in planner.get("/registry?q=zzzz&lang=en").text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_control_characters_typed_in_the_search_are_not_shown_back(
    signed_in: Callable[[str], SignedIn], lang: str
) -> None:
    """A NUL or a right-to-left override pasted into the search box: the search leaves them out, and the
    page shows back what remains (a NUL in HTML is a parse error; the override would reorder the page)."""
    planner = signed_in("planner").client
    answer = planner.get(f"/registry?q=%00%E2%80%AEмейірім%00&lang={lang}")
    assert answer.status_code == 200
    assert "\x00" not in answer.text and "\u202e" not in answer.text
    root = parse(answer.text)
    assert root.find("input", id="q").attrs["value"] == "мейірім"
    assert rows(root) == [OWN_BIN]


def test_the_registry_pages_through_the_results(signed_in: Callable[[str], SignedIn]) -> None:
    planner = signed_in("planner").client
    first = parse(planner.get("/registry?per_page=4&lang=en").text)
    pager = first.find("nav", class_="pager")
    assert "Page 1 of 2" in pager.text and not pager.find_all("a", rel="prev")
    next_link = pager.find("a", rel="next").attrs["href"]
    assert next_link == "/registry?per_page=4&page=2"
    second = parse(planner.get(next_link + "&lang=en").text)
    assert len(rows(first)) == 4 and len(rows(second)) == 2 and not set(rows(first)) & set(rows(second))
    assert (
        second.find("nav", class_="pager").find("a", rel="prev").attrs["href"]
        == "/registry?per_page=4&page=1"
    )


def test_an_inspector_sees_its_region_only(signed_in: Callable[[str], SignedIn]) -> None:
    inspector = signed_in("inspector").client
    root = parse(inspector.get("/registry?lang=en").text)
    assert sorted(rows(root)) == sorted(BINS[:3])
    assert (
        not root.find_all("select", id="region")
        and "Region: Astana city" in root.find("form", class_="filters").text
    )
    assert inspector.get(f"/registry?region={OTHER_REGION}").status_code == 403
    assert inspector.get(f"/registry/{OTHER_BIN}").status_code == 403
    assert inspector.get(f"/registry/{OTHER_BIN}/checklists/3").status_code == 403
    denied = parse(inspector.get(f"/registry/{OTHER_BIN}?lang=en").text)
    assert denied.find("h1").text == "Not allowed"


def test_the_subject_card(signed_in: Callable[[str], SignedIn], seeded: uuid.UUID) -> None:
    viewer = signed_in("viewer").client
    root = parse(viewer.get(f"/registry/{OWN_BIN}?lang=en").text)
    assert root.find("h1").text == "«Мейірім» орталығы"
    facts = root.find("dl", class_="facts").text
    assert OWN_BIN in facts and "Astana city" in facts and "High" in facts and "score 100.00" in facts
    assert [h.text for h in root.find_all("h2")] == [
        "Risk score",
        "Score history",
        "Evidence",
        "Inspections",
        "Documents",
    ]
    assert root.find("ul", class_="explanation").find_all("li")
    assert f"/assessments/{seeded}" in root.find("table", class_="history").find("a").attrs["href"]
    assert root.find("table", class_="evidence").find("tbody").find_all("tr")
    assert "No inspection" in root.text
    assert not root.find_all("form", class_="stacked")  # a viewer adds no evidence
    links = [a.attrs["href"] for a in root.find("ul", class_="documents").find_all("a")]
    assert f"/registry/{OWN_BIN}/checklists/3?format=pdf&lang=kk" in links and len(links) == 4


def test_a_subject_not_in_the_registry(signed_in: Callable[[str], SignedIn]) -> None:
    response = signed_in("viewer").client.get("/registry/990140000384?lang=en")
    assert response.status_code == 404 and "990140000384" in response.text


def test_the_prefilled_checklist(signed_in: Callable[[str], SignedIn]) -> None:
    viewer = signed_in("viewer").client
    pdf = viewer.get(f"/registry/{OWN_BIN}/checklists/3?format=pdf&lang=ru")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == f'attachment; filename="checklist-3-{OWN_BIN}-ru.pdf"'
    docx = viewer.get(f"/registry/{OWN_BIN}/checklists/3?format=docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert viewer.get(f"/registry/{OWN_BIN}/checklists/3?format=exe").status_code == 400


@pytest.mark.parametrize(("lang", "word"), [("kk", "қосымша"), ("ru", "приложение")])
def test_a_checklist_of_none_of_the_subjects_groups_is_refused_in_the_readers_language(
    signed_in: Callable[[str], SignedIn], lang: str, word: str
) -> None:
    """Appendix 2 is not a checklist of the subject's group (stationary care: Appendix 3): a page saying
    which to choose, not a server error."""
    response = signed_in("viewer").client.get(f"/registry/{OWN_BIN}/checklists/2?lang={lang}")
    assert response.status_code == 422
    assert word in response.text.lower() and "Traceback" not in response.text


def test_adding_evidence_with_the_form(signed_in: Callable[[str], SignedIn], app: object) -> None:
    inspector = signed_in("inspector")
    page = parse(inspector.client.get(f"/registry/{BINS[2]}?lang=en").text)
    form = page.find("form", class_="stacked")
    assert form.attrs["action"] == f"/registry/{BINS[2]}/evidence"
    data = {"criterion": "3", "observed_on": "2024-05-20", "reference": "Act 5/2024", "confirmed": "yes"}
    assert inspector.client.post(form.attrs["action"], data=data, follow_redirects=False).status_code == 403
    response = inspector.post_form(form.attrs["action"], data)
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/registry/{BINS[2]}?added=1#evidence",
    )
    card = parse(inspector.client.get(f"/registry/{BINS[2]}?added=1&lang=en").text)
    assert card.find("p", class_="success").attrs["role"] == "status"
    assert "Act 5/2024" in card.find("table", class_="evidence").text
    admin = signed_in("admin").client
    audit = admin.get(
        "/api/v1/audit", params={"action": "evidence.add", "key": BINS[2], "actor": "t-inspector"}
    ).json()
    assert audit["total"] >= 1


@pytest.mark.parametrize(
    ("data", "language", "message"),
    [
        ({"criterion": "", "observed_on": "2024-05-20", "reference": "x"}, "en", "Choose a criterion."),
        ({"criterion": "", "observed_on": "2024-05-20", "reference": "x"}, "kk", "Өлшемшартты таңдаңыз."),
        ({"criterion": "3", "observed_on": "20.05.2024", "reference": "x"}, "en", "date observed: give the"),
        (
            {"criterion": "3", "observed_on": "20.05.2024", "reference": "x"},
            "ru",
            "дата выявления: укажите дату в виде гггг-мм-дд.",
        ),
        (
            {"criterion": "3", "observed_on": "20.05.2024", "reference": "x"},
            "kk",
            "анықталған күні: күнді жжжж-аа-кк түрінде көрсетіңіз.",
        ),
        ({"criterion": "3", "observed_on": "2999-05-20", "reference": "x"}, "en", "is in the future"),
    ],
)
def test_invalid_evidence_shows_the_form_again(
    signed_in: Callable[[str], SignedIn], data: dict[str, str], language: str, message: str
) -> None:
    planner = signed_in("planner")
    response = planner.post_form(f"/registry/{OWN_BIN}/evidence?lang={language}", data)
    assert response.status_code == 400
    root = parse(response.text)
    assert message in root.find(id="evidence-error").text
    assert root.find("input", id="observed_on").attrs["value"] == data["observed_on"]


def test_the_dashboard_shows_the_figures_with_charts_and_tables(signed_in: Callable[[str], SignedIn]) -> None:
    root = parse(signed_in("planner").client.get("/?lang=en").text)
    charts = root.find_all("svg", class_="chart")
    assert len(charts) == 4
    for chart in charts:
        assert chart.attrs["role"] == "img"
        title_id, desc_id = chart.attrs["aria-labelledby"].split()
        assert chart.find("title", id=title_id).text and chart.find("desc", id=desc_id).text
    tables = root.find_all("table", class_="figures")
    assert [t.find("caption").text for t in tables] == [
        "Subjects by risk class in the latest assessment",
        "Subjects by region and risk class in the latest assessment",
        "Criteria counted as violated, by number of subjects",
        "Subjects by risk class in the latest assessments",
    ]
    by_class = {tr.find("th").text: int(tr.find("td").text) for tr in tables[0].find("tbody").find_all("tr")}
    assert list(by_class) == ["High", "Medium", "Low", "Not assessed", "Total"]
    assert (
        by_class["High"] >= 2
        and by_class["Medium"] >= 1
        and by_class["Total"] == sum(list(by_class.values())[:4])
    )
    regions = [tr.find("th").text for tr in tables[1].find("tbody").find_all("tr")]
    assert regions == ["Astana city", "Almaty city", "Shymkent city"]  # the official order


def test_an_inspectors_dashboard_counts_its_region_only(signed_in: Callable[[str], SignedIn]) -> None:
    root = parse(signed_in("inspector").client.get("/?lang=en").text)
    assert "Figures of your region: Astana city." in root.text
    table = root.find_all("table", class_="figures")[1]
    assert [tr.find("th").text for tr in table.find("tbody").find_all("tr")] == ["Astana city"]


def test_signed_out_the_dashboard_shows_the_act_only(client: TestClient) -> None:
    root = parse(client.get("/?lang=en").text)
    assert not root.find_all("svg") and "Sign in to see the registry" in root.text
    assert OWN_REGION not in root.text


def test_the_registry_sorts_by_any_column_with_the_sort_in_the_url(
    signed_in: Callable[[str], SignedIn],
) -> None:
    planner = signed_in("planner").client
    root = parse(planner.get("/registry?sort=score&lang=en").text)
    by_score = rows(root)
    assert by_score[:2] == sorted([OWN_BIN, OTHER_BIN], key=by_score.index) and set(by_score[:2]) == {
        OWN_BIN,
        OTHER_BIN,
    }  # the two high ones first
    header = {th.attrs.get("aria-sort"): th for th in root.find("table", class_="subjects").find_all("th")}
    assert "descending" in header and "?sort=-score" in header["descending"].find("a").attrs["href"]
    assert "Sorted by score." in root.find("caption").text
    assert set(rows(parse(planner.get("/registry?sort=-score&lang=en").text))[-2:]) == set(by_score[:2])
    by_name = rows(parse(planner.get("/registry?sort=name&lang=en").text))
    assert sorted(by_name) == sorted(by_score) and by_name != by_score
    # The sort is kept by the pager and the filter form, and an unknown one is the registry order.
    paged = parse(planner.get("/registry?sort=region&per_page=2&lang=en").text)
    assert "sort=region" in paged.find("nav", class_="pager").find("a", rel="next").attrs["href"]
    assert paged.find("input", name="sort").attrs["value"] == "region"
    assert rows(parse(planner.get("/registry?sort=evil&lang=en").text)) == rows(
        parse(planner.get("/registry").text)
    )


def test_the_tie_break_is_shown_and_explained(signed_in: Callable[[str], SignedIn]) -> None:
    planner = signed_in("planner").client
    root = parse(planner.get("/registry?sort=score&lang=ru").text)
    assert "как в полугодовом списке" in root.find(id="order-note").text
    cells = root.find("table", class_="subjects").find("tbody").find_all("td", class_="ties")
    assert cells and all(" / " in cell.text or cell.text == "—" for cell in cells)


def test_a_runs_results_sort_by_any_column(signed_in: Callable[[str], SignedIn], seeded: uuid.UUID) -> None:
    planner = signed_in("planner").client

    def names(sort: str) -> list[str]:
        root = parse(planner.get(f"/assessments/{seeded}?sort={sort}&per_page=200&lang=en").text)
        body = root.find("table", class_="results").find("tbody")
        return [tr.find_all("td")[0].text.split("\n")[0].strip() for tr in body.find_all("tr")]

    default, by_score = names(""), names("score")
    assert default == by_score  # the results are read highest score first unless told otherwise
    assert names("-score") != by_score and sorted(names("-score")) == sorted(by_score)
    root = parse(planner.get(f"/assessments/{seeded}?sort=region&per_page=2&lang=en").text)
    assert root.find("th", aria_sort="ascending").find("a").text.startswith("Region")
    assert "sort=region" in root.find("nav", class_="pager").find("a", rel="next").attrs["href"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_each_row_shows_the_subjects_words_in_the_pages_language(
    signed_in: Callable[[str], SignedIn], app: FastAPI, catalog_service: CatalogService, lang: str
) -> None:
    """The rows (made in Python, not by the template's filters) say what the registry holds: the region
    and groups by name, the class, the score with the language's decimal sign, the tie-break, the visit."""
    planner = signed_in("planner")
    root = parse(planner.client.get(f"/registry?per_page=200&lang={lang}").text)
    database = app.state.tekseru.database()
    page = search(database, Actor.system("test"), SubjectSearch(), per_page=200)
    by_bin = {row.bin: row for row in page.rows}
    groups = {item.key: item.name.in_language(lang) for item in catalog_service.groups()}
    shown = root.find("table", class_="subjects").find("tbody").find_all("tr")
    assert len(shown) == len(page.rows)
    assessed = unassessed = 0
    for tr in shown:
        row = by_bin[tr.find("th").text]
        assert tr.find("th").find("a").attrs["href"] == f"/registry/{row.bin}"
        region, group, badge, score, ties, visit = (td.text.strip() for td in tr.find_all("td")[1:])
        assert region == catalog_service.catalogue.regions.name_of(row.region, lang)
        assert group == ", ".join(groups.get(key, key) for key in row.groups)
        assert badge == translate(lang, f"risk.{row.risk_class or 'none'}")
        if row.score is None:
            unassessed += 1
            assert (score, ties) == ("—", "—")
        else:
            assessed += 1
            assert score == format_decimal(row.score, lang)
            counts = {
                "gross": row.gross_count,
                "significant": row.significant_count,
                "minor": row.minor_count,
            }
            assert ties == translate(lang, "registry.tie_break_counts", **counts)
        expected_visit = format_date(row.last_visit_on, lang) if row.last_visit_on else None
        assert visit == (expected_visit or translate(lang, "registry.never_visited"))
    assert assessed


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_row_not_assessed_and_visited_shows_dashes_and_the_date(
    catalog_service: CatalogService, lang: str
) -> None:
    catalogue, edition = catalog_service.catalogue, catalog_service.edition()
    row = SubjectRow(1, "123456789012", "A & B <i>", "astana", "", ("no_such_group",), None, None)
    visited = replace(row, last_visit_on=date(2024, 3, 5), region="no_such_region")
    words = row_words(catalogue, edition.id, lang)
    html = subject_rows([row, visited], words, lang, "/tekseru/registry/")
    shown, seen = parse(f"<table><tbody>{html}</tbody></table>").find_all("tr")
    assert shown.find("th").find("a").attrs["href"] == "/tekseru/registry/123456789012"
    assert "A & B <i>" in shown.find("td").text and "<i>" not in html  # the name escaped
    region, groups, badge, score, ties, visit = (td.text.strip() for td in shown.find_all("td")[1:])
    assert (region, groups) == (catalogue.regions.name_of("astana", lang), "no_such_group")
    assert (score, ties) == ("—", "—") and not shown.find_all("span", class_="ties")
    assert badge == translate(lang, "risk.none") and shown.find("span", class_="risk-none")
    assert visit == translate(lang, "registry.never_visited")
    assert (
        [td.text.strip() for td in seen.find_all("td")][-1]
        == "05.03.2024"
        == format_date(date(2024, 3, 5), lang)
    )
    assert seen.find_all("td")[1].text.strip() == "no_such_region"  # a key the catalogue does not have
