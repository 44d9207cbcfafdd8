"""Whatever a person typed or a file carried prints: NUL bytes and other control characters, text that reads
like a spreadsheet formula, and 1 MB fields, in the forms (PDF and DOCX) and the list (PDF and XLSX), in
Kazakh and Russian. A control character prints as U+FFFD (DOCX is XML, which cannot hold one: the DOCX
of a form whose comment held a NUL byte failed); a formula is printed as the text it is, never run."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from tekseru.catalog import CatalogueEdition
from tekseru.documents import rendering
from tekseru.documents.checklist_form import (
    AnnexEntry,
    Compliance,
    DocumentIdentity,
    FormHeader,
    ItemAnswer,
    Requirement,
    build_checklist_form,
)
from tekseru.documents.rendering import PlanDocument
from tekseru.planning import HalfYear, form_plan
from tests.planning.plan_factories import RULES, score

HOSTILE = '=HYPERLINK("http://example.invalid","x")\x00 bell\x07 тексеру'
SHOWN = '=HYPERLINK("http://example.invalid","x")\ufffd bell\ufffd тексеру'
MEGABYTE = 1_000_000


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_form_with_control_characters_and_formulas_prints(edition: CatalogueEdition, language: str) -> None:
    items = edition.checklist(3).items
    answers = {
        item.number: ItemAnswer(Requirement.REQUIRED, Compliance.NON_COMPLIANT, HOSTILE) for item in items
    }
    header = FormHeader(subject_name=HOSTILE, subject_address="\r\n".join(["a", "b"]), officials=(HOSTILE,))
    annex = (AnnexEntry("1", "photo\x00.jpg", 10, "0" * 64),)
    form = build_checklist_form(
        edition,
        3,
        language,
        header=header,
        answers=answers,
        identity=DocumentIdentity("x", date(2024, 3, 20)),
        attachments=annex,
    )
    assert "\x00" not in form.canonical_json() and "\\u0000" not in form.canonical_json()
    assert form.rows[0].comment == SHOWN and form.signature_blocks[0].names == (SHOWN,)
    pdf = rendering.render("checklist", "pdf", form)
    text = pdf_text(pdf)
    assert "\x00" not in text and "HYPERLINK" in text and "photo\ufffd.jpg" in text.replace("\n", "")
    docx = Document(BytesIO(rendering.render("checklist", "docx", form)))
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    written = "\n".join([*(paragraph.text for paragraph in docx.paragraphs), *cells])
    assert SHOWN in written and "\x00" not in written


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_list_with_control_characters_formulas_and_a_1_mb_field_prints(
    edition: CatalogueEdition, language: str
) -> None:
    every = tuple(sorted(edition.criteria))
    scores = [score(f"s{n}", 99 - n, group="stationary_care", reasons=every) for n in range(4)]
    huge = ("Ұлы Дала даңғылы, улица " * (MEGABYTE // 20))[:MEGABYTE]
    scores[0] = replace(scores[0], name=HOSTILE, address=huge)
    scores[1] = replace(scores[1], name="@cmd|' /C calc'!A0", address="+1-1")
    plan = form_plan(HalfYear(2027, 1), scores, [], RULES, {"Astana": 4})
    document = PlanDocument(
        plan,
        language=language,
        state_body="Еңбек және әлеуметтік қорғау комитеті",
        approval=("Ә. Нұрғали", date(2026, 12, 20)),
        group_names={},
        reason_texts={number: f"criterion {number}" for number in every},
        number=12,
        status="approved",
    )
    pdf = rendering.render("plan", "pdf", document)
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) > 100  # the 1 MB address runs on, page after page
    first = " ".join(page.extract_text() or "" for page in reader.pages[:2])
    assert "HYPERLINK" in first and "\x00" not in first and "\x07" not in first
    workbook = load_workbook(BytesIO(rendering.render("plan", "xlsx", document)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    texts = [cell for cell in cells if isinstance(cell.value, str)]
    assert any(cell.value == SHOWN for cell in texts)
    risky = [cell for cell in texts if cell.value.startswith(("=", "+", "@"))]
    assert risky and all(cell.data_type == "s" for cell in risky), "text, never a formula"
