"""Every checklist printed as an editable DOCX in Kazakh and Russian, blank and filled, read back."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from tekseru.catalog import CatalogueEdition
from tekseru.documents.checklist_docx import FONT, MARK, checklist_docx_bytes
from tekseru.documents.checklist_form import ChecklistForm, build_checklist_form
from tekseru.documents.rendering import render
from tekseru.documents.verification import seal_of
from tests.documents import checklist_cases as cases

# The mark of an unsealed form, in both languages of the country (the catalogue's `document.form.draft_mark`).
DRAFT_MARK = "ЖОБА / ПРОЕКТ"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body_text(document: DocxDocument) -> str:
    """The text of the body in document order, tables cell by cell."""
    parts: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            parts.append(Paragraph(child, document).text)
        elif child.tag == qn("w:tbl"):
            parts.extend(cell.text for row in Table(child, document).rows for cell in row.cells)
    return "\n".join(parts)


def footer_text(document: DocxDocument) -> str:
    return "\n".join(p.text for p in document.sections[0].footer.paragraphs)


@pytest.fixture(scope="module")
def printed(
    edition: CatalogueEdition,
) -> dict[tuple[int, str, bool], tuple[ChecklistForm, bytes, DocxDocument]]:
    """(appendix, language, filled) -> the form, its DOCX and the DOCX read back, rendered once."""
    result = {}
    for case, form in cases.every_form(edition):
        data = checklist_docx_bytes(form)
        result[case] = (form, data, Document(BytesIO(data)))
    return result


@pytest.mark.parametrize(("appendix", "language", "filled"), cases.CASES)
def test_the_title_and_every_item_are_there_in_order(
    edition: CatalogueEdition, printed: dict, appendix: int, language: str, filled: bool
) -> None:
    document = printed[appendix, language, filled][2]
    text, checklist = squash(body_text(document)), edition.checklist(appendix)
    positions = [text.index(squash(checklist.title.in_language(language)))]
    positions += [text.index(squash(f.label.in_language(language))) for f in edition.form.header_fields]
    positions += [text.index(squash(item.text.in_language(language))) for item in checklist.items]
    positions += [text.index(squash(b.label.in_language(language))) for b in edition.form.signature_blocks]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("appendix", "language", "filled"), cases.CASES)
def test_the_requirements_are_a_word_table_with_a_repeating_heading(
    edition: CatalogueEdition, printed: dict, appendix: int, language: str, filled: bool
) -> None:
    form, _, document = printed[appendix, language, filled]
    table = document.tables[0]
    assert len(table.columns) == 6 and len(table.rows) == len(edition.checklist(appendix).items) + 1
    assert [cell.text for cell in table.rows[0].cells] == [
        form.number_heading,
        form.requirements_heading,
        *(c.label for c in form.answer_columns),
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for row, table_row in zip(form.rows, table.rows[1:], strict=True):
        cells = table_row.cells
        assert cells[0].text == str(row.number) and cells[1].paragraphs[0].text == row.text
        marked = {c.key for c, cell in zip(form.answer_columns, cells[2:], strict=True) if cell.text == MARK}
        assert marked == row.marked_columns


@pytest.mark.parametrize(("appendix", "language"), cases.APPENDIX_LANGUAGES)
def test_a_filled_form_shows_its_header_comments_and_code(
    printed: dict, appendix: int, language: str
) -> None:
    form, _, document = printed[appendix, language, True]
    text = body_text(document)
    for value in cases.HEADER_VALUES:
        assert value in text
    assert "№ 47-ПК, 15.03.2024" in text
    assert f"{form.labels.comment}: {cases.COMMENT}" in text
    seal = seal_of(form)
    assert seal is not None
    assert seal.code in text and seal.fingerprint in text and seal.code in footer_text(document)
    assert document.core_properties.keywords == seal.payload
    assert document.core_properties.identifier == seal.code
    assert len(document.inline_shapes) == 1  # the QR code


@pytest.mark.parametrize("appendix", cases.APPENDICES)
def test_kazakh_letters_come_back_intact(printed: dict, appendix: int) -> None:
    assert set(cases.KAZAKH_LETTERS) <= set(body_text(printed[appendix, "kk", True][2]))


@pytest.mark.parametrize(("appendix", "language"), cases.APPENDIX_LANGUAGES)
def test_a_blank_form_has_no_marks_no_values_and_no_code(printed: dict, appendix: int, language: str) -> None:
    document = printed[appendix, language, False][2]
    text = body_text(document)
    assert MARK not in text and "TK-" not in text and cases.HEADER.subject_name not in text
    assert document.core_properties.keywords == "" and len(document.inline_shapes) == 0


@pytest.mark.parametrize("appendix", cases.APPENDICES)
def test_only_the_russian_form_says_it_is_an_unofficial_translation(
    edition: CatalogueEdition, printed: dict, appendix: int
) -> None:
    notice = edition.edition.unofficial_translation_notice
    for filled in (False, True):
        assert notice.ru in footer_text(printed[appendix, "ru", filled][2])
        assert notice.ru not in footer_text(printed[appendix, "kk", filled][2])


def test_the_core_properties_describe_the_form(printed: dict) -> None:
    form, _, document = printed[5, "ru", True]
    properties = document.core_properties
    assert properties.title == form.title and properties.language == "ru"
    assert properties.created is not None and properties.created.date() == date(2024, 3, 20)


def test_the_page_size_is_a4_portrait(printed: dict) -> None:
    section = printed[2, "kk", False][2].sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_documents_interface_renders_the_docx(edition: CatalogueEdition) -> None:
    data = render("checklist", "docx", cases.filled_form(edition, 2, "kk"))
    assert "TK-" in body_text(Document(BytesIO(data)))


def header_text(document: DocxDocument) -> str:
    return "\n".join(p.text for p in document.sections[0].header.paragraphs)


@pytest.mark.parametrize(("appendix", "language", "filled"), cases.CASES)
def test_the_header_of_every_page_marks_an_unsealed_form_as_a_draft(
    printed: dict, appendix: int, language: str, filled: bool
) -> None:
    form, _, document = printed[appendix, language, filled]
    assert (DRAFT_MARK in header_text(document)) is (form.identity is None)


@pytest.mark.parametrize(("appendix", "language"), cases.APPENDIX_LANGUAGES)
def test_the_officials_and_the_kind_of_subject_are_printed(
    edition: CatalogueEdition, printed: dict, appendix: int, language: str
) -> None:
    text = body_text(printed[appendix, language, True][2])
    assert all(name in text for name in cases.HEADER.officials)
    assert edition.checklist(appendix).subject_kind.in_language(language) in text


def test_every_style_and_the_document_defaults_name_a_font_with_the_kazakh_letters(printed: dict) -> None:
    styles = printed[3, "kk", True][2].styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert defaults is not None
    assert {defaults.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "eastAsia", "cs")} == {FONT}
    assert not any("Theme" in name for name in defaults.attrib)
    normal = printed[3, "kk", True][2].styles["Normal"]
    assert normal.font.name == FONT


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_prints_the_docx_in_dejavu_with_every_kazakh_letter(
    edition: CatalogueEdition, tmp_path: Path
) -> None:
    """What a user who opens the DOCX in LibreOffice sees: no letter taken from a fallback font."""
    sealed = cases.filled_form(edition, 3, "kk")
    draft = build_checklist_form(edition, 2, "kk", header=cases.HEADER)
    for name, form in (("sealed", sealed), ("draft", draft)):
        cases.write_form(form, tmp_path / f"{name}.docx")
    profile = (tmp_path / "profile").as_uri()  # a profile of its own: parallel runs do not clash
    files = [str(tmp_path / "sealed.docx"), str(tmp_path / "draft.docx")]
    convert = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*convert, "--outdir", str(tmp_path), *files],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name, form in (("sealed", sealed), ("draft", draft)):
        reader = PdfReader(tmp_path / f"{name}.pdf")
        fonts = {
            str(font["/BaseFont"]).split("+")[-1]
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert fonts <= {"DejaVuSans", "DejaVuSans-Bold"} and fonts, (name, fonts)
        pages = [page.extract_text() for page in reader.pages]
        text = squash("".join(pages))
        assert set(cases.KAZAKH_LETTERS) <= set(text)
        assert all(squash(row.text)[:40] in text for row in form.rows)
        assert all((DRAFT_MARK in page) is (name == "draft") for page in pages)
        assert all(squash(official) in text for official in cases.HEADER.officials)
    assert len(PdfReader(tmp_path / "draft.pdf").pages) == 1  # checklist 2 with its signatures on one page


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_keeps_each_word_of_the_russian_headings_whole(
    edition: CatalogueEdition, tmp_path: Path
) -> None:
    """The answer columns' headings in ru ("Соответствует требованиям") print without a word broken in
    the middle ("Соответствуе / т"), as LibreOffice lays them out."""
    form = build_checklist_form(edition, 3, "ru", header=cases.HEADER)
    cases.write_form(form, tmp_path / "ru.docx")
    profile = (tmp_path / "profile").as_uri()
    convert = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*convert, "--outdir", str(tmp_path), str(tmp_path / "ru.docx")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    lines = PdfReader(tmp_path / "ru.pdf").pages[0].extract_text().splitlines()
    words = {word for column in form.answer_columns for word in column.label.split()}
    assert "Соответствует" in words
    printed = {word for line in lines for word in line.split()}
    assert words <= printed, sorted(words - printed)  # every word of a heading on one line, whole
