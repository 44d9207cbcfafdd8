"""The backtest page on a synthetic history: charts with tables of the same figures, the XLSX download, bad
input answered in the reader's words, who may see it; the WCAG structure, axe on the desktop and 390 px."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from tekseru.services.backtest import run_backtest
from tekseru.services.backtest_history import HistoryDesign, write_history
from tekseru.services.permissions import Actor
from tests.catalogue import CATALOGUE
from tests.web.htmltree import parse
from tests.web.support import PASSWORD, USERS, create_user
from tests.web.test_accessibility import AXE, BLOCKING
from tests.web.test_plans_pages import (
    Site,
    assert_no_blocking_violations,
    assert_nothing_overflows,
    browser_page,
    check_structure,
    make_site,
    serving,
)

DESIGN = HistoryDesign(half_years=3, subjects_per_region=15, visits_per_region=6)
PERIOD = "from=2024-H1&to=2025-H1&first_n=6"
PAGES = (f"/backtest?{PERIOD}", "/backtest?from=2030-H1&to=2030-H1")
REFUSED = "/backtest?from=2025-H5&to=2025-H1"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("backtest-pages"), seeded=False)
    db = made.app.state.tekseru.database()
    write_history(db, DESIGN, catalogue=CATALOGUE)
    for user in USERS.values():
        create_user(
            db,
            Actor.system("tests"),
            username=user.username,
            full_name=user.username,
            role=user.role,
            region=user.region,
            password=PASSWORD,
        )
    yield made
    made.app.state.tekseru.close()


def test_the_page_has_the_structure_of_every_page(site: Site) -> None:
    admin = site.client("admin").client
    check_structure(admin, f"/backtest?{PERIOD}")
    check_structure(admin, "/backtest?from=2030-H1&to=2030-H1")


def test_the_charts_show_the_figures_of_the_tables(site: Site) -> None:
    report = run_backtest(
        site.app.state.tekseru.database(),
        Actor.system(),
        start="2024-H1",
        end="2025-H1",
        first_n=6,
        catalogue=site.app.state.tekseru.catalogue,
    )
    root = parse(site.client("viewer").client.get(f"/backtest?{PERIOD}&lang=ru").text)
    charts = root.find_all("svg", class_="chart")
    assert len(charts) == 3 and all(chart.attrs["role"] == "img" for chart in charts)
    hit_rate = report.overall["tekseru"].hit_rate
    assert hit_rate is not None
    assert "Случайный" in charts[0].text and str(round(hit_rate * 100)) in charts[0].text
    tables = root.find_all("table", class_="figures")
    assert [table.find("caption").text for table in tables] == [
        "Сравнение порядков",
        "Доля нарушений по степени риска",
        "Доля нарушений по интервалам баллов",
        "Подъём по критериям",
    ]
    overall = [row for row in tables[0].find("tbody").find_all("tr") if row.find("th").text == "Итого"]
    assert len(overall) == 5  # the four orders and the list recorded for each half-year
    shown = f"{hit_rate * 100:.1f}".replace(".", ",")
    assert shown in overall[0].text
    links = [
        a.attrs["href"] for a in root.find_all("a") if a.attrs.get("href", "").startswith("/backtest.xlsx")
    ]
    assert links == ["/backtest.xlsx?from=2024-H1&to=2025-H1&first_n=6&lang=ru"]


def test_the_workbook_downloads_in_the_readers_language(site: Site) -> None:
    response = site.client("planner").client.get(f"/backtest.xlsx?{PERIOD}&lang=kk")
    assert response.status_code == 200
    assert (
        response.headers["content-disposition"] == 'attachment; filename="backtest-2024-H1-2025-H1-kk.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook[workbook.sheetnames[0]]["A1"].value == "Реттерді салыстыру"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("from=2025-H5&to=2025-H1&lang=kk", "2025-H5 жартыжылдық емес"),
        ("from=2025-H1&to=2024-H1&lang=ru", "сначала укажите более раннее полугодие"),
        ("from=2024-H1&to=2024-H2&first_n=many&lang=ru", "Число первых посещений должно быть не меньше 1"),
    ],
)
def test_bad_input_shows_the_form_again_with_the_reason(site: Site, query: str, words: str) -> None:
    response = site.client("viewer").client.get(f"/backtest?{query}")
    assert response.status_code == 400
    root = parse(response.text)
    assert words in root.find(role="alert").text
    assert root.find("form", action="/backtest") is not None


@pytest.mark.parametrize(
    ("lang", "first", "last"),
    [("kk", "2024 жылғы бірінші жартыжылдық", "2025 жылғы бірінші жартыжылдық"),
     ("ru", "первое полугодие 2024 года", "первое полугодие 2025 года")],
)  # fmt: skip
def test_the_half_years_are_chosen_by_their_names(site: Site, lang: str, first: str, last: str) -> None:
    """Each end of the period is a labelled select of half-years in words; its values stay "2024-H1", so the
    form's query and old links mean what they did."""
    root = parse(site.client("viewer").client.get(f"/backtest?{PERIOD}&lang={lang}").text)
    form = root.find("form", action="/backtest")
    for name, chosen, value in (("from", first, "2024-H1"), ("to", last, "2025-H1")):
        assert form.find_all("label", for_=name) and form.find_all("input", id=name) == []
        options = form.find("select", id=name, name=name).find_all("option")
        assert len(options) >= 12 and all(not option.text.strip().count("-H") for option in options)
        picked = [option for option in options if option.attrs.get("selected") == ""]
        assert [(o.attrs["value"], o.text.strip()) for o in picked] == [(value, chosen)]
    assert "2027-H1" not in root.text and "2027-H1" not in form.text


def test_no_visits_is_said_not_charted(site: Site) -> None:
    root = parse(site.client("admin").client.get("/backtest?from=2030-H1&to=2030-H1&lang=en").text)
    assert (
        "No visits were made in these half-years" in root.text and root.find_all("svg", class_="chart") == []
    )


def test_who_sees_the_page(site: Site) -> None:
    for role in ("admin", "planner", "viewer"):
        assert site.client(role).client.get(f"/backtest?{PERIOD}").status_code == 200, role
    inspector = site.client("inspector").client
    for lang, words in (("kk", "бүкіл тізілімді қамтиды"), ("ru", "охватывает весь реестр")):
        refused = inspector.get(f"/backtest?{PERIOD}&lang={lang}")
        assert refused.status_code == 403 and words in refused.text and "covers all" not in refused.text
        assert 'href="/backtest"' not in inspector.get(f"/?lang={lang}").text  # not in its navigation
    assert 'href="/backtest"' in site.client("planner").client.get("/?lang=kk").text
    anonymous = site.client().client.get("/backtest", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_axe_and_a_phone_wide_screen(site: Site, browser: object, lang: str) -> None:
    with serving(site.app) as base_url:
        assert_no_blocking_violations(browser, base_url, PAGES, lang)
        assert_nothing_overflows(browser, base_url, PAGES, lang)
        # The refused form answers 400, which the shared helpers take for a failure: checked here.
        for width in (1280, 390):
            with browser_page(browser, base_url, width, 900, USERS["planner"].username) as page:
                response = page.page.goto(f"{base_url}{REFUSED}&lang={lang}", wait_until="load")
                assert response is not None and response.status == 400
                violations = AXE.run(page.page).response["violations"]
                assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []
                assert page.page.evaluate("() => document.documentElement.scrollWidth") == width
