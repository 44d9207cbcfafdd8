"""Text placed by `pdf_text.put_text` is what fpdf2's `FPDF.text` puts on the page, to the byte."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fpdf import FPDF

from tekseru.documents.pdf_prepared_fonts import PreparedFontsOutput
from tekseru.documents.pdf_text import Style, TextPdf, add_fonts, put_rect, put_text

LINES = (
    "Қазақ әріптері: ӘәҒғҚқҢңӨөҰұҮүҺһІі",
    "Проверочный лист (приложение 3) \\ 12,5 % ✓",
    "tekseru: TK-0000-AAAA-ZZZZ",
)
Place = Callable[[FPDF, float, float, str], None]


def _fpdf2_text(pdf: FPDF, x: float, y: float, text: str) -> None:
    pdf.text(x, y, text)


def _document(place: Place, *, letters: str = "".join(LINES), underline: bool = False) -> bytes:
    pdf = TextPdf(unit="mm", format="A4")
    pdf.set_creation_date(datetime(2024, 3, 20, tzinfo=UTC))
    add_fonts(pdf, letters)
    for page in range(2):  # the first line of each page sets its font on the page (fpdf2's own path)
        pdf.add_page()
        for number, line in enumerate(LINES):
            Style(9 + number, bold=number == 1, grey=number == 2).apply(pdf)
            pdf.set_font(style="BU" if underline and number == 1 else ("B" if number == 1 else ""))
            place(pdf, 20 + page, 30 + 12 * number, line)
        pdf.set_fill_color(200, 200, 200)  # text in another colour than the fill: fpdf2 wraps it in q/Q
        place(pdf, 20, 100, LINES[0])
    return bytes(pdf.output(output_producer_class=PreparedFontsOutput))


@pytest.mark.parametrize("letters", ["".join(LINES), "".join(LINES) + "Ωμέγα"], ids=["prepared", "whole"])
def test_put_text_writes_what_fpdf2s_text_writes(letters: str) -> None:
    """With the prepared fonts and with the whole fonts (a letter outside the prepared ones)."""
    assert _document(put_text, letters=letters) == _document(_fpdf2_text, letters=letters)


def test_underlined_text_goes_to_fpdf2() -> None:
    data = _document(put_text, underline=True)
    assert data == _document(_fpdf2_text, underline=True)
    assert data != _document(put_text)


def test_only_a_line_that_sets_the_font_on_its_page_goes_to_fpdf2() -> None:
    class Counted(TextPdf):
        def text(self, x: float, y: float, text: str = "") -> None:
            calls.append(text)
            super().text(x, y, text)

    calls: list[str] = []
    pdf = Counted(unit="mm", format="A4")
    add_fonts(pdf, "".join(LINES))
    pdf.add_page()
    for number, line in enumerate(LINES):
        Style(9).apply(pdf)
        put_text(pdf, 20, 30 + 12 * number, line)
    assert calls == [LINES[0]]


@pytest.mark.parametrize("style", ["D", "DF"])
def test_put_rect_writes_what_fpdf2s_rect_writes(style: str) -> None:
    def drawn(rect: Callable[[FPDF], None]) -> bytes:
        pdf = TextPdf(unit="mm", format="A4")
        pdf.set_creation_date(datetime(2024, 3, 20, tzinfo=UTC))
        pdf.add_page()
        pdf.set_fill_color(232, 232, 232)
        rect(pdf)
        return bytes(pdf.output())

    ours = drawn(lambda pdf: put_rect(pdf, 20, 30.55, 73.5, 12.125, style))
    assert ours == drawn(lambda pdf: pdf.rect(20, 30.55, 73.5, 12.125, style=style))
    assert ours != drawn(lambda pdf: put_rect(pdf, 20, 30.55, 73.5, 12.125, "DF" if style == "D" else "D"))
