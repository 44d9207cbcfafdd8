"""The semi-annual list printed as XLSX and PDF, read back and checked in Kazakh and Russian."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tekseru.catalog_files import control_body
from tekseru.documents import rendering
from tekseru.documents.fonts import font_path
from tekseru.documents.rendering import PlanDocument, UnknownDocumentFormat
from tekseru.planning import (
    CandidateScore,
    HalfYear,
    Plan,
    PlanningRules,
    VisitHistory,
    form_plan,
)

KAZAKH_LETTERS = "әғқңөұүһі"
NAME = "«Шаһар әлеуметтік көмек ғұмыр үйі» КММ"
ADDRESS = "Ақсу қ., Ұлы Дала даңғылы, 12 (ӘҒҚҢӨҰҮҺІ)"
GROUPS = {
    "kk": {
        "stationary": "Стационарлық жағдайда қызмет көрсететін субъектілер",
        "home_care": "Үйде қызмет көрсету",
    },
    "ru": {
        "stationary": "Субъекты, оказывающие услуги в стационарных условиях",
        "home_care": "Надомное обслуживание",
    },
}
REASONS = {
    "kk": {12: "Жеке бағдарлама орындалмаған"},
    "ru": {12: "Не исполнена индивидуальная программа"},
}
# The Abai region's department, by its name in the catalogue (paragraph 2 of the act names the Committee).
STATE_BODY = {language: control_body("abai").name.in_language(language) for language in ("kk", "ru")}
APPROVAL = ("Департамент басшысы Ә. Қ. Нұрғали", date(2026, 12, 20))


def candidate(subject: str, bin: str, value: float, risk_class: str, **kw: Any) -> CandidateScore:
    fields: dict[str, Any] = {
        "subject_id": subject,
        "bin": bin,
        "name": NAME if subject == "s1" else f"Субъект {subject}",
        "region": "Абай облысы",
        "address": ADDRESS,
        "group": "stationary",
        "objective_high_risk": True,
        "score": value,
        "risk_class": risk_class,
    }
    return CandidateScore(**{**fields, **kw})


@pytest.fixture(scope="module")
def plan() -> Plan:
    scores = [
        candidate("s1", "020540001234", 85.5, "high", significant_count=4, main_reasons=(12, 47)),
        candidate("s1", "020540001234", 40, "medium", group="home_care"),
        candidate("s2", "030340005678", 55, "medium"),
        candidate("s3", "040440009012", 20, "low"),
        candidate("s4", "050540003456", 90, "high"),
    ]
    histories = [VisitHistory("s4", date(2026, 5, 14), True, None)]
    rules = PlanningRules(visit_frequency_limit_months=12, candidate_classes=frozenset({"high", "medium"}))
    return form_plan(HalfYear.parse("2027-H1"), scores, histories, rules, {"Абай облысы": 1})


def render(
    kind: str, plan: Plan, language: str, out: Path, approval: tuple[str, date] | None = APPROVAL
) -> Path:
    document = PlanDocument(
        plan,
        language=language,
        state_body=STATE_BODY[language],
        approval=approval,
        group_names=GROUPS[language],
        reason_texts=REASONS[language],
    )
    path = out / f"plan-{language}.{kind}"
    path.write_bytes(rendering.render("plan", kind, document))
    return path


def sheet_rows(path: Path, sheet: int = 0) -> list[list[Any]]:
    """The non-empty cells of each row of a sheet (the list, beyond capacity, exclusions, annex)."""
    worksheet = load_workbook(path).worksheets[sheet]
    return [[cell for cell in row if cell is not None] for row in worksheet.iter_rows(values_only=True)]


def find_row(rows: list[list[Any]], first: Any) -> list[Any]:
    return next(row for row in rows if row and row[0] == first)


# XLSX


def test_xlsx_in_kazakh(plan: Plan, tmp_path: Path) -> None:
    path = render("xlsx", plan, "kk", tmp_path)
    assert load_workbook(path).sheetnames == ["Тізім", "Мүмкіндіктен тыс", "Енгізілмегендер", "1-қосымша"]
    rows = sheet_rows(path)
    assert rows[:4] == [["БЕКІТЕМІН"], [APPROVAL[0]], ["______________ (қолы)"], ["20.12.2026"]]
    assert rows[4] == ["Бару арқылы профилактикалық бақылау жүргізудің жартыжылдық тізімі"]
    assert rows[5] == [f"Мемлекеттік орган: {STATE_BODY['kk']}"]
    assert rows[6] == ["Кезең: 2027 жылғы бірінші жартыжылдық"]
    assert rows[7] == ["Мәртебесі: бекітілген"]
    assert rows[8] == ["Бекітілді: Департамент басшысы Ә. Қ. Нұрғали, 20.12.2026"]
    assert ["Тізімге енгізілген бақылау субъектілері"] in rows
    header = find_row(rows, "Р/с №")
    assert header[1:4] == ["Өңір", "Бақылау субъектісінің атауы", "БСН"] and header[-1] == "Жоспарланған айы"
    assert find_row(rows, 1) == [
        1,
        "Абай облысы",
        NAME,
        "020540001234",
        ADDRESS,
        f"{GROUPS['kk']['stationary']}\n{GROUPS['kk']['home_care']}",
        85.5,
        "жоғары",
        "12, 47",
        "қаңтар",
    ]
    annex = sheet_rows(path, 3)
    assert annex[0] == ["1-қосымша. Тізімде аталған өлшемшарттар"]
    assert annex[1:] == [["Өлшемшарт №", "Өлшемшарт"], [12, "Жеке бағдарлама орындалмаған"], [47]]
    assert all(letter in NAME + ADDRESS for letter in KAZAKH_LETTERS + KAZAKH_LETTERS.upper())


def test_xlsx_overflow_and_exclusions(plan: Plan, tmp_path: Path) -> None:
    path = render("xlsx", plan, "kk", tmp_path)
    overflow = sheet_rows(path, 1)
    assert overflow[0] == ["Өңір мүмкіндігінен тыс субъектілер (резерв, бару жоспарланбаған)"]
    assert overflow[2][:4] == [2, "Абай облысы", "Субъект s2", "030340005678"]
    excluded = sheet_rows(path, 2)
    assert excluded[0] == ["Тізімге енгізілмеген субъектілер және себептері"]
    reasons = [row[-1] for row in excluded[2:]]
    assert reasons == [
        "Тәуекел дәрежесі бару арқылы профилактикалық бақылауға жатпайды (төмен)",
        "Соңғы бару кезеңділік шегінің ішінде (14.05.2026)",
        "Сол субъектінің басқа тобы бойынша тізімде (№ 1)",
    ]


def test_xlsx_in_russian_says_the_translation_is_unofficial(plan: Plan, tmp_path: Path) -> None:
    path = render("xlsx", plan, "ru", tmp_path, approval=None)
    rows = sheet_rows(path)
    assert rows[0] == ["УТВЕРЖДАЮ"] and ["(должность, фамилия, инициалы)"] in rows[:5]
    title = rows.index(["Полугодовой список проведения профилактического контроля с посещением"])
    assert rows[title + 2 : title + 5] == [
        ["Период: первое полугодие 2027 года"],
        ["Статус: проект"],
        ["Не утверждён (проект)"],
    ]
    assert "неофициальным" in rows[title + 5][0]
    first = find_row(rows, 1)
    assert first[2] == NAME and first[7] == "высокая" and first[-1] == "январь"
    assert sheet_rows(path, 2)[0] == ["Субъекты, не включённые в список, и причины"]


def test_an_empty_section_says_so(tmp_path: Path) -> None:
    empty = form_plan(HalfYear(2027, 2), [], [], PlanningRules(12, frozenset({"high"})))
    path = render("xlsx", empty, "ru", tmp_path)
    assert all(sheet_rows(path, sheet)[-1] == ["Нет"] for sheet in range(4))


# PDF


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """The text with line breaks inside table cells joined, to find phrases that wrapped."""
    return re.sub(r"\s+", " ", text)


def test_pdf_in_kazakh_keeps_every_kazakh_letter(plan: Plan, tmp_path: Path) -> None:
    path = render("pdf", plan, "kk", tmp_path)
    text = pdf_text(path)
    for letter in KAZAKH_LETTERS + KAZAKH_LETTERS.upper():
        assert letter in text, letter
    joined = flat(text)
    for phrase in (
        "Бару арқылы профилактикалық бақылау жүргізудің жартыжылдық тізімі",
        "Кезең: 2027 жылғы бірінші жартыжылдық",
        "Бекітілді: Департамент басшысы Ә. Қ. Нұрғали, 20.12.2026",
        "020540001234",
        "85,5",
        "қаңтар",
        "Жеке бағдарлама орындалмаған",
        # The subjects left off are counted by reason on paper (each is in the workbook): one each here.
        "Тізімге енгізілмеген субъектілер, себептері бойынша саны",
        "Соңғы бару кезеңділік шегінің ішінде 1",
    ):
        assert phrase in joined, phrase
    assert NAME in joined and ADDRESS in joined
    assert "(14.05.2026)" not in joined


def test_pdf_in_russian(plan: Plan, tmp_path: Path) -> None:
    joined = flat(pdf_text(render("pdf", plan, "ru", tmp_path)))
    for phrase in (
        "Полугодовой список проведения профилактического контроля с посещением",
        "первое полугодие 2027 года",
        "является неофициальным",
        "январь",
        "высокая",
        "Субъекты, не включённые в список, по причинам",
        "Включён в список по другой группе того же субъекта 1",
    ):
        assert phrase in joined, phrase


def test_pdf_is_landscape_a4_with_the_bundled_font_embedded(plan: Plan, tmp_path: Path) -> None:
    reader = PdfReader(render("pdf", plan, "kk", tmp_path))
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)
    fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    assert any("DejaVuSans" in name for name in names)
    assert reader.metadata is not None and reader.metadata.title == (
        "Бару арқылы профилактикалық бақылау жүргізудің жартыжылдық тізімі"
    )


def test_a_long_list_runs_over_pages(tmp_path: Path) -> None:
    scores = [
        CandidateScore(
            f"s{i}", f"{i:012d}", f"Субъект {i}", "Астана", "Астана қ.", "stationary", True, 50, "medium"
        )
        for i in range(120)
    ]
    long_plan = form_plan(HalfYear(2027, 1), scores, [], PlanningRules(12, frozenset({"medium"})))
    reader = PdfReader(render("pdf", long_plan, "kk", tmp_path))
    assert len(reader.pages) > 2
    assert "Субъект 119" in pdf_text(tmp_path / "plan-kk.pdf")


def test_unknown_language_is_refused(plan: Plan) -> None:
    with pytest.raises(ValueError, match="kk or ru"):
        rendering.render("plan", "pdf", PlanDocument(plan, "en", "", None, {}, {}))


def test_a_format_a_document_does_not_have_is_refused(plan: Plan) -> None:
    with pytest.raises(UnknownDocumentFormat, match="a plan is printed as xlsx or pdf, not 'docx'"):
        rendering.render("plan", "docx", PlanDocument(plan, "kk", "", None, {}, {}))


# Fonts


def test_bundled_fonts_and_their_licence() -> None:
    regular, bold = font_path(), font_path(bold=True)
    assert regular.name == "DejaVuSans.ttf" and bold.name == "DejaVuSans-Bold.ttf"
    assert regular.stat().st_size > 100_000 and bold.stat().st_size > 100_000
    licence = (regular.parent / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream Vera Fonts Copyright" in licence and "Arev Fonts Copyright" in licence
