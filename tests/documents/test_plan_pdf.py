"""The list PDF prints whatever the list holds: rows citing every criterion, a row taller than a page, and
10,000 rows, in Kazakh and Russian; every page has the running title, "page X of Y" and a heading row."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tekseru.catalog import CatalogueEdition
from tekseru.catalog_files import load_catalogue
from tekseru.documents import rendering
from tekseru.documents.rendering import PlanDocument
from tekseru.i18n import list_words, messages
from tekseru.planning import HalfYear, Plan, form_plan
from tests.planning.plan_factories import RULES, score

HALF_YEAR = HalfYear(2027, 1)
RUNNING = {
    "kk": "Тізім № 12 · 2027 жылғы бірінші жартыжылдық · ",
    "ru": "Список № 12 · первое полугодие 2027 года · ",
}
PAGE = {"kk": re.compile(r"Бет (\d+) / (\d+)"), "ru": re.compile(r"Страница (\d+) из (\d+)")}

# The list's own words (`document.list.*` of documents.po) by their short key.
WORDS = {
    language: {key.removeprefix("document.list."): text for key, text in list_words(language).items()}
    for language in ("kk", "ru")
}


@pytest.fixture(scope="module")
def edition() -> CatalogueEdition:
    return load_catalogue().edition("2022-29983")


def texts(edition: CatalogueEdition, language: str) -> tuple[dict[str, str], dict[int, str]]:
    groups = {key: group.name.in_language(language) for key, group in edition.groups.items()}
    criteria = {
        number: " ".join(item.text.in_language(language).split()) for number, item in edition.criteria.items()
    }
    return groups, criteria


def render(
    plan: Plan, language: str, edition: CatalogueEdition, out: Path, status: str = "approved"
) -> PdfReader:
    groups, criteria = texts(edition, language)
    document = PlanDocument(
        plan,
        language=language,
        state_body="Еңбек және әлеуметтік қорғау комитеті",
        approval=None if status == "draft" else ("Ә. Нұрғали", date(2026, 12, 20)),
        group_names=groups,
        reason_texts=criteria,
        number=12,
        status=status,
    )
    out.write_bytes(rendering.render("plan", "pdf", document))
    return PdfReader(out)


def check_every_page(
    reader: PdfReader,
    language: str,
    headings: Mapping[int, str] | None = None,
    status: str = "approved",
) -> None:
    """The running title (number, half-year and status), "page i of n" and (for the pages in `headings`)
    the table's heading row."""
    total = len(reader.pages)
    running = RUNNING[language] + messages(language)[f"document.status.{status}"]
    for index in sorted(set(range(total)) if headings is None else set(headings)):
        text = " ".join(reader.pages[index].extract_text().split())
        assert running in text, index
        assert PAGE[language].findall(text) == [(str(index + 1), str(total))], index
        if headings is not None:
            assert headings[index] in text, index


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_rows_citing_every_criterion_and_a_row_taller_than_a_page(
    language: str, edition: CatalogueEdition, tmp_path: Path
) -> None:
    every = tuple(sorted(edition.criteria))
    words = [f"w{index:04d}" for index in range(1200)]
    scores = [score(f"s{index}", 99 - index, group="stationary_care", reasons=every) for index in range(30)]
    # A hostile row: a name of 1,000 characters and an address that alone fills more than two pages.
    scores[3] = replace(scores[3], name="Ә" * 1000, address=" ".join(words))
    plan = form_plan(HALF_YEAR, scores, [], RULES, {"Astana": 20})
    reader = render(plan, language, edition, tmp_path / "every.pdf", status="draft")
    check_every_page(reader, language, status="draft")
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    draft = WORDS[language]["approve"]
    assert draft in pages[0] and ("ЖОБА" if language == "kk" else "ПРОЕКТ") in pages[-1]
    heading = WORDS[language]["rank"]
    continued = [index for index, text in enumerate(pages) if "w0600" in text or "w1199" in text]
    assert continued and all(heading in pages[index] for index in continued)
    joined = " ".join(pages)
    # Every word of the long address, in order, though it runs over several pages.
    positions = [joined.index(word) for word in words]
    assert positions == sorted(positions)
    assert joined.count("Ә") >= 1000
    # Rows cite the numbers; the annex gives the text of every criterion once.
    first, last = every[0], every[-1]
    assert f"{first}–{last}" in joined or f"{first}, " in joined
    annex = joined[joined.index(WORDS[language]["annex"]) :]
    _, criteria = texts(edition, language)
    for number in every:
        assert criteria[number][:60] in annex, number


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_ten_thousand_rows(language: str, edition: CatalogueEdition, tmp_path: Path) -> None:
    scores = [
        # A group without a name in the texts is printed by its key: short rows, many to a page.
        score(f"s{index}", 31 + index % 69, group="care", reasons=(8, 1, 5, 7))
        for index in range(10_000)
    ]
    plan = form_plan(HALF_YEAR, scores, [], RULES, {"Astana": 9_000})
    reader = render(plan, language, edition, tmp_path / "long.pdf")
    total = len(reader.pages)
    assert total > 300
    rank, region = WORDS[language]["rank"], WORDS[language]["region"]
    sampled = {0: rank, 1: rank, total // 3: rank, total // 2: region, total - 2: region, total - 1: ""}
    check_every_page(reader, language, sampled)
    last_included = plan.included[-1]
    assert any(last_included.bin in reader.pages[index].extract_text() for index in range(total // 2, total))
