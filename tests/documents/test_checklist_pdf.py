"""Every checklist (Appendices 2 to 7) printed as a PDF in Kazakh and Russian, blank and filled, read back."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from tekseru.catalog import CatalogueEdition
from tekseru.documents.checklist_form import (
    ChecklistForm,
    Compliance,
    DocumentIdentity,
    FormHeader,
    ItemAnswer,
    Requirement,
    build_checklist_form,
)
from tekseru.documents.checklist_pdf import MARK, checklist_pdf_bytes
from tekseru.documents.rendering import FORMATS, render
from tekseru.documents.signatures.placement import content_boxes
from tekseru.documents.verification import qr_code_modules, seal_of
from tests.documents import checklist_cases as cases

# The mark of an unsealed form, in both languages of the country (the catalogue's `document.form.draft_mark`).
DRAFT_MARK = "ЖОБА / ПРОЕКТ"


def squash(text: str) -> str:
    """Text with all whitespace and soft hyphens removed: lines wrap differently in the table."""
    return re.sub(r"\s+", "", text).replace("\u00ad", "")


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return "\n".join(page_texts(data))


@pytest.fixture(scope="module")
def printed(
    edition: CatalogueEdition,
) -> dict[tuple[int, str, bool], tuple[ChecklistForm, bytes, str, list[str]]]:
    """(appendix, language, filled) -> the form, its PDF, its text and its pages' texts, rendered once."""
    result = {}
    for case, form in cases.every_form(edition):
        data = checklist_pdf_bytes(form)
        pages = page_texts(data)
        result[case] = (form, data, "\n".join(pages), pages)
    return result


@pytest.mark.parametrize(("appendix", "language", "filled"), cases.CASES)
def test_the_title_and_every_item_of_the_catalogue_are_printed(
    edition: CatalogueEdition, printed: dict, appendix: int, language: str, filled: bool
) -> None:
    text = printed[appendix, language, filled][2]
    checklist, squashed = edition.checklist(appendix), squash(text)
    assert squash(checklist.title.in_language(language)) in squashed
    for item in checklist.items:
        assert squash(item.text.in_language(language)) in squashed, f"item {item.number}"
    for f in edition.form.header_fields:
        assert squash(f.label.in_language(language)) in squashed
    for block in edition.form.signature_blocks:
        assert squash(block.label.in_language(language)) in squashed


@pytest.mark.parametrize("appendix", cases.APPENDICES)
def test_kazakh_letters_come_back_intact(edition: CatalogueEdition, printed: dict, appendix: int) -> None:
    text = printed[appendix, "kk", True][2]
    assert set(cases.KAZAKH_LETTERS) <= set(text)
    assert set(cases.KAZAKH_LETTERS.upper()) & set(text)
    assert "\ufffd" not in text


@pytest.mark.parametrize(("appendix", "language"), cases.APPENDIX_LANGUAGES)
def test_a_filled_form_shows_its_header_answers_and_code(printed: dict, appendix: int, language: str) -> None:
    form, _, text, _ = printed[appendix, language, True]
    squashed = squash(text)
    for value in cases.HEADER_VALUES:
        assert squash(value) in squashed
    assert "№47-ПК,15.03.2024" in squashed
    assert text.count(MARK) == sum(len(row.marked_columns) for row in form.rows)
    assert squash(f"{form.labels.comment}: {cases.COMMENT}") in squashed
    seal = seal_of(form)
    assert seal is not None and seal.code in text and seal.fingerprint in squashed
    assert squash(f"inspection 2024-{appendix:04d}") in squashed


@pytest.mark.parametrize(("appendix", "language"), cases.APPENDIX_LANGUAGES)
def test_a_blank_form_has_no_marks_no_values_and_no_code(printed: dict, appendix: int, language: str) -> None:
    text = printed[appendix, language, False][2]
    assert MARK not in text and "TK-" not in text
    assert squash(cases.HEADER.subject_name) not in squash(text)


@pytest.mark.parametrize("appendix", cases.APPENDICES)
def test_only_the_russian_form_says_it_is_an_unofficial_translation(
    edition: CatalogueEdition, printed: dict, appendix: int
) -> None:
    notice = edition.edition.unofficial_translation_notice
    for filled in (False, True):
        pages = printed[appendix, "ru", filled][3]
        assert all(squash(notice.ru) in squash(page) for page in pages)  # on every page
        assert squash(notice.ru) not in squash(printed[appendix, "kk", filled][2])


def test_the_metadata_carries_the_title_language_and_payload(printed: dict) -> None:
    form, data, _, _ = printed[3, "ru", True]
    reader = PdfReader(BytesIO(data))
    seal = seal_of(form)
    assert seal is not None
    assert reader.metadata is not None
    assert reader.metadata.title == form.title
    assert reader.metadata["/Keywords"] == seal.payload
    assert reader.metadata.creation_date is not None and reader.metadata.creation_date.date() == date(
        2024, 3, 20
    )
    assert reader.trailer["/Root"]["/Lang"] == "ru"


def test_the_bundled_font_is_embedded(printed: dict) -> None:
    data = printed[2, "kk", True][1]
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVuSans" in name for name in fonts)
    assert b"/FontFile2" in data


def test_the_same_form_gives_the_same_bytes(edition: CatalogueEdition, printed: dict) -> None:
    assert checklist_pdf_bytes(cases.filled_form(edition, 2, "kk")) == printed[2, "kk", True][1]


def test_the_documents_interface_renders_the_same_pdf(edition: CatalogueEdition, printed: dict) -> None:
    assert render("checklist", "pdf", cases.filled_form(edition, 2, "ru")) == printed[2, "ru", True][1]
    assert FORMATS["checklist"] == ("pdf", "docx")


def test_letters_beyond_kazakh_and_russian_print_with_the_whole_font(edition: CatalogueEdition) -> None:
    header = FormHeader(subject_name="Özgür Ğ. Çelik — Ελλάδα", subject_identifier="990740000683")
    text = pdf_text(checklist_pdf_bytes(build_checklist_form(edition, 2, "kk", header=header)))
    assert "Özgür Ğ. Çelik — Ελλάδα" in text


def test_a_row_longer_than_a_page_continues_on_the_next(edition: CatalogueEdition) -> None:
    comment = " ".join(f"сөз{n}" for n in range(1500))
    answers = {1: ItemAnswer(Requirement.REQUIRED, Compliance.NON_COMPLIANT, comment)}
    form = build_checklist_form(edition, 2, "kk", answers=answers)
    reader = PdfReader(BytesIO(checklist_pdf_bytes(form)))
    assert len(reader.pages) >= 3
    squashed = squash("".join(page.extract_text() for page in reader.pages))
    # what is printed between the parts of the row: its marks, the footer, the repeated heading
    between_pages = f"{MARK}|ЖОБА/ПРОЕКТ|tekseru2022-29983·Бет\\d+/\\d+|№Талаптартізбесі.*?келмейді"
    assert squash(comment) in re.sub(between_pages, "", squashed)
    assert squash(form.rows[1].text) in squashed


def test_a_word_longer_than_its_column_is_cut_not_lost(edition: CatalogueEdition) -> None:
    long_word = "Ә" * 120
    form = build_checklist_form(edition, 2, "kk", answers={2: ItemAnswer(comment=long_word)})
    assert long_word in squash(pdf_text(checklist_pdf_bytes(form)))


@pytest.mark.parametrize(("appendix", "language", "filled"), cases.CASES)
def test_every_page_of_an_unsealed_form_is_marked_as_a_draft(
    printed: dict, appendix: int, language: str, filled: bool
) -> None:
    form, _, _, pages = printed[(appendix, language, filled)]
    for page in pages:
        assert (DRAFT_MARK in page) is (form.identity is None), (appendix, language, filled)


@pytest.mark.parametrize(("appendix", "language"), cases.APPENDIX_LANGUAGES)
def test_the_officials_are_printed_on_their_signature_lines(
    printed: dict, appendix: int, language: str
) -> None:
    _, _, text, _ = printed[(appendix, language, True)]
    for name in cases.HEADER.officials:
        assert squash(name) in squash(text)
    _, _, blank, _ = printed[(appendix, language, False)]
    assert not any(squash(name) in squash(blank) for name in cases.HEADER.officials)


@pytest.mark.parametrize(("appendix", "language"), cases.APPENDIX_LANGUAGES)
def test_every_form_says_its_kind_of_subject(
    edition: CatalogueEdition, printed: dict, appendix: int, language: str
) -> None:
    kind = edition.checklist(appendix).subject_kind.in_language(language)
    for filled in (False, True):
        assert squash(kind) in squash(printed[(appendix, language, filled)][2])


@pytest.mark.parametrize("language", cases.LANGUAGES)
def test_checklist_2_fits_on_one_page_with_its_signatures(printed: dict, language: str) -> None:
    """Its signature blocks are on page 1 with the items; a sealed form, which gets signed, may have one
    page more for the stamps of the signatures when page 1 has no room left for them (test_stamp_placement),
    with nothing on it but its footer."""
    for filled in (False, True):
        form, _, _, pages = printed[(2, language, filled)]
        assert len(pages) <= 2 and (filled or len(pages) == 1), (language, filled)
        for block in form.signature_blocks:
            assert squash(block.label) in squash(pages[0])
        for page in pages[1:]:
            assert squash(form.labels.verification_code) in squash(page)
            assert not any(squash(row.text)[:30] in squash(page) for row in form.rows)
            assert not any(squash(block.label) in squash(page) for block in form.signature_blocks)


def test_long_names_of_officials_and_subject_are_printed_whole(edition: CatalogueEdition) -> None:
    official = " ".join(f"Ұзақбай{n}" for n in range(250))  # about 2,000 characters
    subject = " ".join(f"Ғұмыр{n}" for n in range(300))
    header = FormHeader(subject_name=subject, officials=(official, "Қ. Үсен"))
    form = build_checklist_form(
        edition, 2, "kk", header=header, identity=cases.filled_form(edition, 2, "kk").identity
    )
    pages = page_texts(checklist_pdf_bytes(form))
    squashed = squash("".join(pages))
    assert len(official) >= 2000 and len(pages) >= 2
    # the lines of the form printed between parts of the long texts: footers, page heads, captions
    between = r"Құжаттырастаукоды:TK-[0-9A-Z-]+·tekseru2022-29983·Бет\d+/\d+"
    assert squash(subject) in re.sub(between, "", squashed)
    assert squash(official) in re.sub(between, "", squashed)
    assert "Қ.Үсен" in squashed and squash(form.signature_blocks[1].label) in squashed
    assert all(re.search(r"Бет\d+/\d+", squash(page)) for page in pages)


_QR_PATH = re.compile(rb"q 0 g ((?:[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ re )+)F Q")


@pytest.mark.parametrize("language", cases.LANGUAGES)
def test_the_qr_code_is_drawn_module_for_module(printed: dict, language: str) -> None:
    """The QR code is one filled path of rectangles: put back on a grid of modules, it is the code of the
    form's seal, dark where the code is dark and nowhere else, 24 mm wide with its quiet zone."""
    form, data, _, _ = printed[4, language, True]
    seal = seal_of(form)
    assert seal is not None
    modules = qr_code_modules(seal)
    paths = [
        _QR_PATH.findall(page.get_contents().get_data())  # type: ignore[union-attr]
        for page in PdfReader(BytesIO(data)).pages
    ]
    found = [path for page in paths for path in page]
    assert len(found) == 1
    boxes = [[float(v) for v in box.split()] for box in re.findall(rb"(\S+ \S+ \S+ \S+) re", found[0])]
    side = len(modules)
    module = 24.0 / (side + 4) * 72 / 25.4
    left = min(x for x, _, _, _ in boxes) - 2 * module  # the finder patterns reach the edges
    top = max(y + h for _, y, _, h in boxes) + 2 * module
    drawn = [bytearray(side) for _ in range(side)]
    for x, y, width, height in boxes:
        assert abs(height - module) < 0.01
        row = round((top - y - height) / module) - 2
        first = round((x - left) / module) - 2
        for column in range(first, first + round(width / module)):
            drawn[row][column] = 1
    assert tuple(drawn) == modules
    page = PdfFileReader(BytesIO(data)).root["/Pages"]["/Kids"][paths.index([found[0]])].get_object()
    code = (left + 2 * module, top - (side + 2) * module, left + (side + 2) * module, top - 2 * module)
    assert any(
        all(abs(a - b) < 0.02 for a, b in zip(box, code, strict=True)) for box in content_boxes(page)
    ), "signing sees the QR code where it is drawn, to keep its stamps clear of it"


@pytest.mark.parametrize("outside", ["", " Ωμέγα"], ids=["prepared fonts", "whole fonts"])
def test_every_page_says_its_number_and_the_number_of_pages(edition: CatalogueEdition, outside: str) -> None:
    header = FormHeader(subject_name=f"«Мейірім» КММ{outside}", subject_identifier="990740000683")
    answers = {item.number: cases.answer(item.number) for item in edition.checklist(4).items}
    form = build_checklist_form(edition, 4, "kk", header=header, answers=answers)
    pages = page_texts(checklist_pdf_bytes(form))
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        footer = squash(text.splitlines()[-1])
        assert footer.endswith(f"{form.labels.page}{number}/{len(pages)}"), footer
        assert "{nb}" not in text


@pytest.mark.parametrize("language", cases.LANGUAGES)
def test_the_signatures_never_stand_on_a_page_without_the_table(
    edition: CatalogueEdition, language: str
) -> None:
    """Whatever the length of the last answer's comment, the page that begins the signatures also holds the
    end of the table's last row: when the signatures and the seal do not fit under it, the row goes over
    with them (tester's finding 10: a sealed checklist 2 printed its signatures alone on page 2)."""
    items = edition.checklist(2).items
    on_later_page = 0
    for words in range(0, 160, 8):
        answers = {item.number: cases.answer(item.number) for item in items}
        comment = " ".join(["сөз"] * words + [f"Соңы{words}"])
        answers[items[-1].number] = ItemAnswer(Requirement.REQUIRED, Compliance.NON_COMPLIANT, comment)
        identity = DocumentIdentity("inspection 2024-0002", date(2024, 3, 20))
        form = build_checklist_form(
            edition, 2, language, header=cases.HEADER, answers=answers, identity=identity
        )
        pages = [squash(page) for page in page_texts(checklist_pdf_bytes(form))]
        label = squash(form.signature_blocks[0].label)
        first = next(index for index, page in enumerate(pages) if label in page)
        assert f"Соңы{words}" in pages[first], (words, first)
        on_later_page += first > 0
    assert on_later_page > 0  # the comments were long enough to push the signatures over
