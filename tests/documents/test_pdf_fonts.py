"""The bundled fonts parsed once per process and cut once per group of letters (documents/pdf_fonts.py):
a document shows and extracts exactly what fpdf2 writes with its own font handling."""

from __future__ import annotations

import re
import zlib
from io import BytesIO

from fpdf import FPDF
from pypdf import PdfReader

from tekseru.documents import pdf_fonts
from tekseru.documents.fonts import FONT_FAMILY, font_path
from tekseru.documents.pdf_text import Style, TextPdf, add_fonts, text_line

KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
LINES = (
    f"Қазақ әріптері: {KAZAKH}",
    "«Мейірім» арнаулы әлеуметтік қызметтер орталығы № 7 — 2024 ж.",
    "Проверочный лист: соответствует / не соответствует; tekseru 12,5 %",
)
_FONT_FILE = re.compile(rb"/FontFile2 (\d+) 0 R")


def _document(lines: tuple[str, ...], *, shared: bool) -> bytes:
    pdf = TextPdf(unit="mm", format="A4")
    if shared:
        add_fonts(pdf, "".join(lines))
    else:  # fpdf2's own way: the font parsed for this document and subset by fontTools
        pdf.add_font(FONT_FAMILY, style="", fname=str(font_path()))
        pdf.add_font(FONT_FAMILY, style="B", fname=str(font_path(bold=True)))
    pdf.add_page()
    for number, line in enumerate(lines):
        pdf.set_y(20 + number * 10)
        text_line(pdf, line, Style(10, bold=number % 2 == 1), 15, 180)
    return bytes(pdf.output())


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_kazakh_russian_and_latin_extract_as_written() -> None:
    text = _text(_document(LINES, shared=True))
    for line in LINES:
        assert line in text
    assert set(KAZAKH) <= set(text)


def test_a_shared_font_extracts_as_fpdf2s_own() -> None:
    assert _text(_document(LINES, shared=True)) == _text(_document(LINES, shared=False))


def test_every_document_gets_its_own_glyph_map() -> None:
    first, second = _document(LINES[:1], shared=True), _document(LINES[2:], shared=True)
    assert "Мейірім" not in _text(first) and LINES[0] in _text(first)
    assert _text(second).strip() == LINES[2]


def test_documents_using_the_same_groups_of_letters_share_one_cut() -> None:
    """Two texts with different letters of the same groups embed the same font file, made once."""
    first = _document(("Абай даңғылы 150",), shared=True)
    cuts = len(pdf_fonts._CUTS)
    second = _document(("Тәуелсіздік көшесі 7",), shared=True)
    assert len(pdf_fonts._CUTS) == cuts

    def embedded(data: bytes) -> bytes:
        number = _FONT_FILE.search(data)
        assert number is not None
        start = data.index(b"\n%s 0 obj" % number.group(1))
        stream = data.index(b"stream\n", start) + len(b"stream\n")
        return zlib.decompressobj().decompress(data[stream:])

    assert embedded(first) == embedded(second)
    assert "Тәуелсіздік көшесі 7" in _text(second)


def test_letters_outside_the_cut_fonts_use_the_whole_fonts() -> None:
    lines = ("Ωμέγα ∑ ≠ ∞ and Қазақ",)
    assert _text(_document(lines, shared=True)).strip() == lines[0]


def test_fonts_added_by_fpdf2_itself_are_still_subset_by_fonttools() -> None:
    pdf = FPDF()
    pdf.add_font("plain", fname=str(font_path()))
    pdf.add_page()
    pdf.set_font("plain", size=12)
    pdf.cell(text="Әр сөз — plain")
    data = bytes(pdf.output())
    assert "Әр сөз — plain" in _text(data)
    assert len(data) < 40_000  # subset: the whole font is about 740 KB
