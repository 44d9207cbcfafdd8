"""The cut fonts embedded from objects prepared once per process (documents/pdf_prepared_fonts.py): every
text of the catalogue prints with them, a document shows and extracts what fpdf2 writes with its own font
handling, and a letter outside them still prints (with the whole fonts)."""

from __future__ import annotations

import re
import zlib
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader

from tekseru.catalog_files import load_catalogue
from tekseru.documents import pdf_prepared_fonts
from tekseru.documents.checklist_form import DocumentIdentity, build_checklist_form
from tekseru.documents.checklist_pdf import checklist_pdf_bytes
from tekseru.documents.fonts import FONT_FAMILY, font_path
from tekseru.documents.pdf_prepared_fonts import PreparedFontsOutput, prepared_letters
from tekseru.documents.pdf_text import _BASE_CHARS, Style, TextPdf, _font_files, add_fonts, text_line
from tests.documents import checklist_cases as cases

KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
LINES = (
    f"Қазақ әріптері: {KAZAKH}",
    "«Мейірім» арнаулы әлеуметтік қызметтер орталығы № 7 — 2024 ж. (бас маман) \\ 5 %",
    "Проверочный лист: соответствует / не соответствует; tekseru 12,5 % ✓",
)
_STREAM = re.compile(rb"/(FontFile2|ToUnicode|CIDToGIDMap) (\d+) 0 R")


def _document(lines: tuple[str, ...], *, prepared: bool = True, producer: bool = True) -> bytes:
    pdf = TextPdf(unit="mm", format="A4")
    if prepared:
        add_fonts(pdf, "".join(lines))
    else:  # fpdf2's own way: the font parsed for this document and subset by fontTools
        pdf.add_font(FONT_FAMILY, style="", fname=str(font_path()))
        pdf.add_font(FONT_FAMILY, style="B", fname=str(font_path(bold=True)))
    pdf.add_page()
    for number, line in enumerate(lines):
        pdf.set_y(20 + number * 10)
        text_line(pdf, line, Style(10, bold=number % 2 == 1), 15, 180)
    return bytes(pdf.output(output_producer_class=PreparedFontsOutput) if producer else pdf.output())


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _streams(data: bytes) -> dict[bytes, list[bytes]]:
    """The decompressed font files, ToUnicode maps and CIDToGIDMaps of a document, by kind."""
    found: dict[bytes, list[bytes]] = {}
    for match in _STREAM.finditer(data):
        start = data.index(b"\n%s 0 obj" % match.group(2))
        stream = data.index(b"stream\n", start) + len(b"stream\n")
        found.setdefault(match.group(1), []).append(zlib.decompressobj().decompress(data[stream:]))
    return found


def test_every_text_of_the_catalogue_keeps_to_the_prepared_letters() -> None:
    """Every checklist of every edition, blank and filled, in Kazakh and Russian: the letters its text uses
    are in both prepared fonts, so no form of the catalogue falls back to the whole fonts."""
    regular, bold = (prepared_letters(path) for path in _font_files(True))
    assert set(_BASE_CHARS) <= regular and set(_BASE_CHARS) <= bold
    for edition in load_catalogue().editions:
        for appendix in edition.checklists:
            for language in cases.LANGUAGES:
                blank = build_checklist_form(edition, appendix, language)
                filled = cases.filled_form(edition, appendix, language)
                for form in (blank, filled):
                    outside = set(form.canonical_json()) - _BASE_CHARS
                    assert not outside, (edition.id, appendix, language, sorted(outside))


def test_every_prepared_letter_extracts_as_written() -> None:
    """All the letters of the fonts, the ones whose codes are escaped in a PDF string among them."""
    letters = "".join(sorted(_BASE_CHARS - {" ", "\u00a0"}))
    lines = tuple(letters[start : start + 60] for start in range(0, len(letters), 60))
    text = _text(_document(lines))
    for line in lines:
        assert line in text
    assert "\\(" not in text and set(KAZAKH) <= set(text)


def test_a_prepared_font_extracts_as_fpdf2s_own() -> None:
    assert _text(_document(LINES)) == _text(_document(LINES, prepared=False))


def test_fpdf2s_own_writer_writes_a_prepared_font_the_same() -> None:
    """Without `PreparedFontsOutput`, fpdf2 subsets the prepared fonts itself: the text is the same."""
    assert _text(_document(LINES, producer=False)) == _text(_document(LINES))


def test_every_document_embeds_the_same_prepared_objects() -> None:
    first, second = _streams(_document(LINES[:1])), _streams(_document(LINES[2:]))
    assert sorted(first) == [b"CIDToGIDMap", b"FontFile2", b"ToUnicode"]
    assert all(len(streams) == 2 for streams in first.values())  # regular and bold
    assert first == second
    assert _text(_document(LINES[2:])).strip() == LINES[2]


def test_the_glyph_map_points_at_the_glyphs_of_the_embedded_font() -> None:
    """Each code of the prepared map shows, in the CIDToGIDMap, the glyph of its letter in the font file."""
    for path in _font_files(True):
        prepared = pdf_prepared_fonts._prepared(path)
        cid_to_gid = zlib.decompress(prepared.cid_to_gid)
        embedded = TTFont(path)
        cmap = embedded.getBestCmap()
        for glyph, code in prepared.glyphs.items():
            assert glyph is not None and isinstance(glyph.unicode, tuple)
            gid = int.from_bytes(cid_to_gid[2 * code : 2 * code + 2], "big")
            if glyph.unicode != (0,):
                assert embedded.getGlyphName(gid) == cmap[glyph.unicode[0]]
        assert zlib.decompress(prepared.font_file) == Path(path).read_bytes()


def test_a_letter_outside_a_prepared_font_is_dropped_as_fpdf2_drops_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pdf = TextPdf(unit="mm", format="A4")
    add_fonts(pdf, "Абай")
    pdf.add_page()
    pdf.set_y(20)
    text_line(pdf, "Абай Ω даңғылы", Style(10), 15, 180)
    data = bytes(pdf.output(output_producer_class=PreparedFontsOutput))
    assert _text(data).split() == ["Абай", "даңғылы"]
    assert "missing the following glyphs" in caplog.text


def test_a_form_with_a_letter_outside_the_prepared_fonts_prints_it() -> None:
    edition = load_catalogue().edition("2022-29983")
    header = replace(cases.HEADER, subject_name="«Ωmega Üniversal» ТОО")
    form = build_checklist_form(
        edition, 2, "ru", header=header, identity=DocumentIdentity("inspection 2024-0001", date(2024, 3, 20))
    )
    data = checklist_pdf_bytes(form)
    assert "«ΩmegaÜniversal»ТОО" in "".join(_text(data).split())
    assert b"/FontFile2" in data


def test_fpdf2s_other_fonts_are_written_by_fpdf2() -> None:
    pdf = FPDF()
    pdf.add_font("plain", fname=str(font_path()))
    pdf.add_page()
    pdf.set_font("plain", size=12)
    pdf.cell(text="Әр сөз — plain")
    data = bytes(pdf.output(output_producer_class=PreparedFontsOutput))
    assert "Әр сөз — plain" in _text(data)
    assert len(data) < 40_000  # subset by fontTools: the whole font is about 740 KB
