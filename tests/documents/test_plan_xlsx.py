"""The list XLSX prints legibly: its print settings, and LibreOffice's PDF of it, where every page has the
table's heading row and text of about 8 points, in Kazakh and Russian."""

from __future__ import annotations

import math
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tekseru.catalog_files import load_catalogue
from tekseru.documents.plan_xlsx import COLUMN_WIDTHS, render_plan_xlsx
from tekseru.i18n import list_words
from tekseru.planning import HalfYear, Plan, form_plan
from tests.planning.plan_factories import RULES, score

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
LANGUAGES = ("kk", "ru")
# The widest sheet may shrink to fit A4 landscape, but its 10-point text must print at 7 points or more.
SMALLEST_PRINTED_SIZE = 7.0

# The list's own words (`document.list.*` of documents.po) by their short key.
WORDS = {
    language: {key.removeprefix("document.list."): text for key, text in list_words(language).items()}
    for language in ("kk", "ru")
}


def long_plan(rows: int = 150) -> Plan:
    every = tuple(sorted(load_catalogue().edition("2022-29983").criteria))
    scores = [
        score(f"s{index}", 31 + index % 69, group="stationary_care", reasons=every[: 1 + index % len(every)])
        for index in range(rows)
    ]
    scores[0] = replace(
        scores[0],
        score=99.5,
        risk_class="high",
        name="«Шаһар әлеуметтік көмек ғұмыр үйі» " * 12,
        address="Ұлы Дала, 1 " * 20,
    )
    return form_plan(HalfYear(2027, 1), scores, [], RULES, {"Astana": rows - 20})


def render(plan: Plan, language: str, out: Path) -> Path:
    edition = load_catalogue().edition("2022-29983")
    return render_plan_xlsx(
        plan,
        language=language,
        state_body="Еңбек және әлеуметтік қорғау комитеті",
        approval=None,
        group_names={key: group.name.in_language(language) for key, group in edition.groups.items()},
        reason_texts={number: item.text.in_language(language) for number, item in edition.criteria.items()},
        out=out,
        number=4,
        status="draft",
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sheet_is_set_up_for_printing(language: str, tmp_path: Path) -> None:
    workbook = load_workbook(render(long_plan(40), language, tmp_path / "list.xlsx"))
    assert len(workbook.worksheets) == 4
    for sheet, key in zip(workbook.worksheets, ("included", "overflow", "excluded", "annex"), strict=True):
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
            "landscape",
            9,
            1,
            0,
        )
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        heading = int(sheet.print_title_rows.split(":")[0].lstrip("$"))
        assert sheet.print_title_rows.replace("$", "") == f"{heading}:{heading}"
        assert sheet.freeze_panes == f"A{heading + 1}"
        assert sheet.auto_filter.ref.startswith(f"A{heading}:")
        assert sheet.cell(heading, 1).value == (
            WORDS[language]["criterion_number"]
            if key == "annex"
            else WORDS[language]["region" if key == "excluded" else "rank"]
        )
        assert sum(COLUMN_WIDTHS[key]) <= 200
        assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
        assert sheet.oddHeader.left.text.startswith(WORDS[language]["number"].format(number=4))
        assert sheet.oddHeader.right.text == ("ЖОБА" if language == "kk" else "ПРОЕКТ")
        for row in sheet.iter_rows(min_row=heading):
            lines = max(str(cell.value or "").count("\n") + 1 for cell in row)
            height = sheet.row_dimensions[row[0].row].height
            assert height is not None and height >= lines * 12.75, (key, row[0].row)
    # The row of a long name is as high as the name wrapped in its column (28 characters wide).
    included = workbook.worksheets[0]
    long_name = next(row for row in included.iter_rows() if str(row[2].value).startswith("«Шаһар"))
    height = included.row_dimensions[long_name[0].row].height
    assert height is not None and height >= len(str(long_name[2].value)) / 28 * 12.75


def convert_to_pdf(files: list[Path], folder: Path) -> list[Path]:
    """LibreOffice's PDF of each file, with a profile of its own so that parallel runs do not clash."""
    profile = folder / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [folder / f"{file.stem}.pdf" for file in files]


def printed_sizes(page: object) -> Counter[float]:
    """How many characters the page prints at each size (in points, after any scaling)."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        sizes[round(size * scale, 1)] += len(text.strip())

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return sizes


@pytest.mark.skipif(not Path(SOFFICE).exists(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_prints_the_heading_and_legible_text_on_every_page(tmp_path: Path) -> None:
    plan = long_plan()
    files = [render(plan, language, tmp_path / f"list-{language}.xlsx") for language in LANGUAGES]
    for language, pdf in zip(LANGUAGES, convert_to_pdf(files, tmp_path), strict=True):
        words = WORDS[language]
        reader = PdfReader(pdf)
        assert len(reader.pages) > 4
        headings = (words["rank"], words["region"], words["criterion_number"])
        for number, page in enumerate(reader.pages, start=1):
            text = " ".join(page.extract_text().split())
            assert any(heading in text for heading in headings), (language, number)
            assert f"{words['number'].format(number=4)} · " in text, (language, number)
            sizes = printed_sizes(page)
            body, _ = sizes.most_common(1)[0]
            assert body >= SMALLEST_PRINTED_SIZE, (language, number, sizes)
        first = " ".join(reader.pages[0].extract_text().split())
        assert words["approve"] in first and "Еңбек және әлеуметтік қорғау комитеті" in first
        everything = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        assert f"{plan.included[-1].bin}" in everything and f"{plan.overflow[-1].bin}" in everything
