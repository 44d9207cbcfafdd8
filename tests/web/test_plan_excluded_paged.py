"""The subjects not on a list are every other subject of the registry: on a registry of thousands the list's
page showed them all at once (the tester saw 9,427 rows, 5.4 MB of HTML, 5.6 s at 10,000 subjects). They
are shown a page at a time, with their total and a pager of their own (kk and ru).

Long data: 250 subjects without evidence (low risk, not candidates) besides the six of tests.web.support."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest

from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog_files import load_catalogue
from tekseru.services.assessments import run_assessment
from tekseru.services.registry import import_subjects
from tests.catalogue import CATALOGUE
from tests.web.htmltree import parse
from tests.web.support import AS_OF
from tests.web.test_plans_pages import Site, check_structure, make_site

LOW = 250
PER_PAGE = 100


@pytest.fixture(scope="module")
def list_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str]]:
    folder = tmp_path_factory.mktemp("plan-excluded-paged")
    site = make_site(folder)
    db = site.app.state.tekseru.database()
    subjects = folder / "low-subjects.csv"
    subjects.write_text(
        "bin,name,region,address,groups\n"
        + "".join(
            f"{bin},Төмен тәуекел №{n},abai,Street {n},home_care\n"
            for n, bin in enumerate(demo_bins(LOW, prefix="1902700"))
        ),
        encoding="utf-8",
    )
    catalogue = load_catalogue()
    import_subjects(db, subjects, catalogue.edition_at(AS_OF), today=date.today(), regions=catalogue.regions)
    run_assessment(db, as_of=AS_OF, catalogue=CATALOGUE)
    drafted = site.api("planner", "POST", "/plans", json={"half_year": "2024-H2"})
    yield site, f"/plans/{drafted['id']}"
    site.app.state.tekseru.close()


def _excluded(site: Site, path: str) -> tuple[int, int, object]:
    response = site.client("planner").client.get(path)
    assert response.status_code == 200, response.text[-800:]
    root = parse(response.text)
    table = root.find("table", class_="excluded")
    total = int(re.search(r"\((\d+)\)", table.find("caption").text).group(1))  # type: ignore[union-attr]
    return total, len(table.find("tbody").find_all("tr")), root


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_subjects_not_on_the_list_are_paged(list_path: tuple[Site, str], lang: str) -> None:
    site, path = list_path
    total, shown, root = _excluded(site, f"{path}?lang={lang}")
    assert total > LOW and shown == PER_PAGE
    hrefs = [a.attrs["href"] for nav in root.find_all("nav", class_="pager") for a in nav.find_all("a")]  # type: ignore[attr-defined]
    links = [href for href in hrefs if "excluded_page=2" in href]
    assert links and links[0].endswith("#excluded"), links
    last = -(-total // PER_PAGE)
    _, on_last, last_root = _excluded(site, f"{path}?excluded_page={last}&lang={lang}")
    assert on_last == total - PER_PAGE * (last - 1)
    caption = last_root.find("table", class_="excluded").find("caption").text  # type: ignore[attr-defined]
    assert f"{last}" in caption and ("беттің" in caption if lang == "kk" else "страница" in caption)
    # A page past the end shows the last one; the rows on the list keep their own pager.
    assert _excluded(site, f"{path}?excluded_page={last + 9}&lang={lang}")[1] == on_last


def test_a_page_of_the_excluded_is_well_formed(list_path: tuple[Site, str]) -> None:
    site, path = list_path
    check_structure(site.client("planner").client, f"{path}?excluded_page=2&region=abai")
