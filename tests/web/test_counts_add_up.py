"""Numbers that add up: the dashboard counts subjects and the assessment's page counts scores (one per
subject and group); both say so, and every count on the dashboard links to the registry filtered to
exactly the subjects it counts (kk and ru, on the shared seeded site)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest

from tekseru.web.charts import VALUE_WIDTH, WIDTH
from tests.web.conftest import SignedIn
from tests.web.htmltree import parse

NOTES = {
    "kk": ("субъект бір рет", "әр тобы үшін бір балл"),
    "ru": ("каждый один раз", "одному баллу на каждую группу"),
}


def _registry_total(signed: SignedIn, href: str) -> int:
    page = parse(signed.client.get(href.replace("&amp;", "&")).text)
    return int(re.findall(r"\d+", page.find("p", id="result-count").text)[0])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_dashboard_count_links_to_the_subjects_it_counts(
    signed_in: Callable[[str], SignedIn], seeded: uuid.UUID, lang: str
) -> None:
    planner = signed_in("planner")
    root = parse(planner.client.get(f"/?lang={lang}").text)
    assert NOTES[lang][0] in root.find("p", id="count-note").text
    links = [
        a
        for table in root.find_all("table", class_="figures")[:2]
        for a in table.find("tbody").find_all("a")
        if a.text.strip().isdigit()
    ]
    assert len(links) >= 6  # the classes, the total, and each region's classes and total
    for link in links:
        assert _registry_total(planner, link.attrs["href"]) == int(link.text), link.attrs["href"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_assessment_says_it_counts_scores_not_subjects(
    signed_in: Callable[[str], SignedIn], seeded: uuid.UUID, lang: str
) -> None:
    count = parse(signed_in("planner").client.get(f"/assessments/{seeded}?lang={lang}").text).find(
        "p", id="result-count"
    )
    assert NOTES[lang][1] in count.text and count.find("a").attrs["href"] == "/registry"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_subject_card_draws_its_score_over_time_beside_the_table(
    signed_in: Callable[[str], SignedIn], seeded: uuid.UUID, lang: str
) -> None:
    """One bar per assessment and group on the fixed scale 0-100, its score written as in the table."""
    from tests.web.support import OWN_BIN

    root = parse(signed_in("planner").client.get(f"/registry/{OWN_BIN}?lang={lang}").text)
    chart = root.find("svg", class_="chart")
    assert chart.attrs["role"] == "img" and chart.find("title").text
    table_scores = [
        tr.find_all("td")[1].text.strip()
        for tr in root.find("table", class_="history").find("tbody").find_all("tr")
    ]
    bars = [rect for rect in chart.find_all("rect")]
    assert len(bars) == len(table_scores) >= 1
    texts = [text.text for text in chart.find_all("text")]
    assert all(score in texts for score in table_scores)
    widths = [float(rect.attrs["width"]) for rect in bars]
    scale = (WIDTH - VALUE_WIDTH) / 100  # the chart's width less the value's room, over the scale's 100
    numbers = [
        float(score.replace("\u00a0", "").replace(" ", "").replace(",", ".")) for score in table_scores
    ]
    assert all(abs(width - max(n * scale, 1.0)) < 0.1 for width, n in zip(widths, numbers, strict=True))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_each_most_violated_criterion_links_to_the_subjects_it_counts(
    signed_in: Callable[[str], SignedIn], seeded: uuid.UUID, lang: str
) -> None:
    """A criterion's count opens the registry filtered to the subjects in whose score it was counted: as
    many as the count, the filter said in words, and its export holding the same subjects."""
    planner = signed_in("planner")
    root = parse(planner.client.get(f"/?lang={lang}").text)
    criteria = root.find_all("table", class_="figures")[2]
    rows = criteria.find("tbody").find_all("tr")
    assert rows
    for row in rows:
        number = row.find("th").text.strip()
        link = row.find_all("td")[-1].find("a")
        assert link is not None and link.attrs["aria-label"], number
        href = link.attrs["href"].replace("&amp;", "&")
        assert href == f"/registry?criterion={number}"
        count = int(link.text.replace("\u00a0", "").replace(" ", ""))
        assert _registry_total(planner, href) == count, href
        page = parse(planner.client.get(f"{href}&lang={lang}").text)
        said = page.find("p", id="criterion-filter")
        assert said is not None and number in said.text
        assert said.find("input").attrs == {"type": "hidden", "name": "criterion", "value": number}
        exported = planner.client.get(f"/exports/registry?criterion={number}&format=json").json()
        assert len(exported) == count
    first = rows[0].find("th").text.strip()
    answer = planner.client.get(f"/api/v1/subjects?criterion={first}&per_page=1").json()
    assert answer["total"] == int(rows[0].find_all("td")[-1].text.replace("\u00a0", "").replace(" ", ""))
