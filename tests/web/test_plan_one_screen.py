"""A list of hundreds of rows on one screen: its rows grouped by region and month with counts, a count links
to the rows it counts, the rows are paged; in the browser (kk and ru) the page passes axe and at 390 px
nothing overflows and no class badge or month is squeezed to a letter a line.

Long data: 650 high-risk subjects in four regions besides the six of tests.web.support, on the module's own
database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog_files import load_catalogue, load_regions
from tekseru.services.assessments import run_assessment
from tekseru.services.registry import import_evidence, import_subjects
from tests.catalogue import CATALOGUE
from tests.web.htmltree import parse
from tests.web.support import AS_OF, USERS
from tests.web.test_accessibility import BLOCKING, scan
from tests.web.test_plans_pages import Site, browser_page, check_structure, make_site, overflowing, serving

LONG = 650
LONG_REGIONS = ("abai", "karaganda", "east_kazakhstan", "almaty_city")
PER_PAGE = 100

# Months and class badges of more than three letters taller than a line per two letters (the words, not
# their cells: a cell is as tall as its row, whose subject's name may take several lines).
LETTER_A_LINE = """() => [...document.querySelectorAll(
        'table.plan-rows .badge, table.plan-rows span.month, table.plan-groups span.month')]
    .filter(e => e.offsetParent !== null && e.textContent.trim().length > 3)
    .filter(e => { const line = parseFloat(getComputedStyle(e).lineHeight) || 20;
                   const letters = e.textContent.trim().length;
                   return e.getBoundingClientRect().height > line * Math.max(3, letters / 2); })
    .map(e => e.tagName.toLowerCase() + ':' + e.textContent.trim())"""


@pytest.fixture(scope="module")
def long_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("plan-one-screen")
    site = make_site(folder)
    db = site.app.state.tekseru.database()
    edition = load_catalogue().edition_at(AS_OF)
    gross = min(
        n
        for n in edition.group("stationary_care").applicable_criteria
        if edition.criterion(n).severity.value == "gross" and edition.criterion(n).source_group < 4
    )
    bins = list(demo_bins(LONG, prefix="1902600"))
    subjects, evidence = folder / "long-subjects.csv", folder / "long-evidence.csv"
    subjects.write_text(
        "bin,name,region,address,groups\n"
        + "".join(
            f"{bin},Қамқорлық орталығы №{n},{LONG_REGIONS[n % 4]},Street {n},stationary_care\n"
            for n, bin in enumerate(bins)
        ),
        encoding="utf-8",
    )
    evidence.write_text(
        "bin,criterion,source_group,observed_on,reference,confirmed\n"
        + "".join(f"{bin},{gross},,2024-03-01,Act {n},\n" for n, bin in enumerate(bins)),
        encoding="utf-8",
    )
    import_subjects(db, subjects, edition, regions=load_regions(), today=date.today())
    import_evidence(db, evidence, edition, entered_by="tests", today=date.today())
    run_assessment(db, as_of=AS_OF, catalogue=CATALOGUE)
    yield site
    site.app.state.tekseru.close()


@pytest.fixture(scope="module")
def list_path(long_site: Site) -> str:
    drafted = long_site.api("planner", "POST", "/plans", json={"half_year": "2024-H2"})
    return f"/plans/{drafted['id']}"


def _page(site: Site, path: str) -> Any:
    response = site.client("planner").client.get(path)
    assert response.status_code == 200, response.text[-800:]
    return parse(response.text)


def _row_count(root: Any) -> int:
    return len(root.find("table", class_="plan-rows").find_all("tr")) - 1 - _group_heads(root)


def _group_heads(root: Any) -> int:
    return len(
        [
            tr
            for tr in root.find("table", class_="plan-rows").find_all("tr")
            if "group-head" in tr.attrs.get("class", "")
        ]
    )


def _total(caption: str) -> int:
    return int(re.findall(r"\d+", caption)[-1])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_hundreds_of_rows_are_grouped_with_counts_and_paged(
    long_site: Site, list_path: str, lang: str
) -> None:
    root = _page(long_site, f"{list_path}?lang={lang}")
    total = _total(root.find("table", class_="plan-rows").find("caption").text)
    assert total >= 600
    assert _row_count(root) == PER_PAGE
    groups = root.find("table", class_="plan-groups")
    counts = [int(a.text) for a in groups.find("tbody").find_all("a")]
    assert sum(counts) == total and len(counts) >= len(LONG_REGIONS)
    assert _total(groups.find("caption").text) == total
    assert root.find("nav", class_="pager") is not None
    last = -(-total // PER_PAGE)
    end = _page(long_site, f"{list_path}?page={last}&lang={lang}")
    assert _row_count(end) == total - PER_PAGE * (last - 1)
    # A page past the end shows the last page, not an empty table.
    assert _row_count(_page(long_site, f"{list_path}?page={last + 5}&lang={lang}")) == _row_count(end)


def test_every_count_links_to_the_rows_it_counts(long_site: Site, list_path: str) -> None:
    root = _page(long_site, f"{list_path}?lang=ru")
    links = root.find("table", class_="plan-groups").find("tbody").find_all("a")
    for link in links:
        target = _page(long_site, link.attrs["href"].replace("&amp;", "&"))
        shown = _total(target.find("table", class_="plan-rows").find("caption").text)
        assert shown == int(link.text), link.attrs["href"]
        heads = target.find("table", class_="plan-rows").find_all("tr")
        assert _group_heads(target) == 1, heads[1].text


def test_a_region_and_month_filter_page_is_well_formed(long_site: Site, list_path: str) -> None:
    check_structure(long_site.client("planner").client, list_path)
    check_structure(long_site.client("planner").client, f"{list_path}?region=abai&month=7&page=2")


def test_a_bad_month_or_page_is_refused_without_a_traceback(long_site: Site, list_path: str) -> None:
    client = long_site.client("planner").client
    for query in ("month=13", "month=x", "page=0", "page=-1"):
        response = client.get(f"{list_path}?{query}&lang=ru")
        assert response.status_code in (400, 422), query
        assert "Traceback" not in response.text


@pytest.fixture(scope="module")
def long_live(long_site: Site) -> Iterator[str]:
    with serving(long_site.app) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_at_390_px_the_long_list_fits_and_no_word_breaks_letter_by_letter(
    browser: Any, long_live: str, list_path: str, lang: str
) -> None:
    with browser_page(browser, long_live, 390, 844, USERS["planner"].username) as page:
        for path in (f"{list_path}?lang={lang}", f"{list_path}?region=east_kazakhstan&lang={lang}"):
            assert overflowing(page, path) == [], path
            assert page.page.evaluate(LETTER_A_LINE) == [], path


@pytest.mark.browser
def test_the_letter_a_line_check_finds_a_squeezed_month(browser: Any, long_live: str, list_path: str) -> None:
    with browser_page(browser, long_live, 390, 844, USERS["planner"].username) as page:
        page.open(f"{list_path}?lang=kk")
        page.page.evaluate(
            """() => document.querySelectorAll('table.plan-rows span.month').forEach(
                word => { word.style.display = 'inline-block'; word.style.maxWidth = '1ch';
                          word.style.whiteSpace = 'normal'; word.style.wordBreak = 'break-all'; })"""
        )
        assert page.page.evaluate(LETTER_A_LINE) != []


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_long_list_passes_axe(browser: Any, long_live: str, list_path: str, lang: str) -> None:
    with browser_page(browser, long_live, 1280, 900, USERS["admin"].username) as page:
        violations = scan(page, f"{list_path}?lang={lang}")
        assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_at_390_px_the_dashboard_cuts_off_no_long_region_name(
    browser: Any, long_live: str, lang: str
) -> None:
    """With subjects in regions of long names (East Kazakhstan, Karaganda), the dashboard's charts."""
    from tests.web.test_dashboard_phone import CUT_OFF

    with browser_page(browser, long_live, 390, 844, USERS["planner"].username) as page:
        assert overflowing(page, f"/?lang={lang}") == []
        assert page.page.evaluate(CUT_OFF) == []


def _shown_rows(root: Any) -> list[tuple[int, str]]:
    """(rank, name) of each row of the page's table of the list."""
    rows = []
    for tr in root.find("table", class_="plan-rows").find_all("tr"):
        ranks, cells = tr.find_all("th", scope="row"), tr.find_all("td")
        if ranks and cells:
            rows.append((int(ranks[0].text), cells[0].find("a").text.strip()))
    return rows


def test_a_heading_sorts_the_rows_within_their_group_and_the_export_follows(
    long_site: Site, list_path: str
) -> None:
    plan_id = list_path.rsplit("/", 1)[1]
    root = _page(long_site, f"{list_path}?region=abai&month=7&sort=-name&lang=ru")
    heading = root.find("table", class_="plan-rows").find("th", aria_sort="descending")
    assert "sort=name" in heading.find("a").attrs["href"].replace("&amp;", "&")
    shown = _shown_rows(root)
    assert len(shown) > 2
    names = [name.casefold() for _, name in shown]
    assert names == sorted(names, reverse=True)
    for pager in root.find_all("nav", class_="pager"):
        assert all("sort=-name" in a.attrs["href"] for a in pager.find_all("a"))
    links = root.find("p", id="export-links").find_all("a")
    assert all("month=7" in a.attrs["href"] and "sort=-name" in a.attrs["href"] for a in links)
    exported = long_site.client("planner").client.get(
        f"/api/v1/exports/lists/{plan_id}",
        params={"region": "abai", "month": 7, "sort": "-name", "format": "json"},
    )
    assert exported.status_code == 200, exported.text
    assert [(row["rank"], row["name"]) for row in exported.json()][: len(shown)] == shown
    ranked = _shown_rows(_page(long_site, f"{list_path}?region=abai&month=7&lang=ru"))
    assert [rank for rank, _ in ranked] == sorted(rank for rank, _ in ranked)  # no sort: by rank
