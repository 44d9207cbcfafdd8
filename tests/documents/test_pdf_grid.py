"""The grid's wrapping of a word too long for its cell (tester finding: "Восточно-Ка / захстанская")."""

from __future__ import annotations

from fpdf import FPDF

from tekseru.documents.pdf_grid import Grid
from tekseru.documents.pdf_text import FONT_FAMILY, add_fonts


def grid(width: float) -> Grid:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    add_fonts(
        pdf, "Восточно-Казахстанская область Солтүстік-Қазақстан облысы Қазақстанреспубликасы абвгдежзиклмноп"
    )
    pdf.add_page()
    return Grid(pdf, [width], FONT_FAMILY, 8, top=14)


def test_a_hyphenated_word_breaks_after_its_hyphen() -> None:
    table = grid(25)
    assert table._wrap("Восточно-Казахстанская область", 23, "") == ["Восточно-", "Казахстанская", "область"]
    assert table._wrap("Солтүстік-Қазақстан облысы", 23, "") == ["Солтүстік-", "Қазақстан", "облысы"]


def test_a_word_without_a_hyphen_still_breaks_where_it_must_and_nothing_is_lost() -> None:
    table = grid(10)
    word = "Қазақстанреспубликасы"
    lines = table._wrap(word, 8, "")
    assert len(lines) > 1 and "".join(lines) == word
    assert all(table._width(line, "") <= 8 for line in lines)
    hyphens = "а-б-в-г-д-е-ж-з-и-к-л-м-н-о-п"
    assert "".join(table._wrap(hyphens, 8, "")) == hyphens
