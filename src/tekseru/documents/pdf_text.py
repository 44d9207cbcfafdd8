"""Text on a PDF page, fast: styles, the bundled fonts (cut to the letters a document uses) and line breaking.

Text is broken into lines here (`wrap`, with the fonts' advance widths) and placed as `FPDF.text` places
it (`put_text`): fpdf2's `multi_cell` and `table` break lines in quadratic time, which made a checklist form
take half a second. And a document whose text is all Latin and Cyrillic embeds the two fonts cut once per
process to those letters (`_font_files`), whole, with a glyph map and PDF objects prepared once per process
(`pdf_prepared_fonts`); any other document gets the whole fonts, subset by `pdf_fonts`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from tempfile import TemporaryDirectory

from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TextMode

from tekseru.documents.fonts import FONT_FAMILY, font_path
from tekseru.documents.pdf_fonts import add_shared_font
from tekseru.documents.pdf_prepared_fonts import add_prepared_font

__all__ = [
    "PT",
    "Cell",
    "Line",
    "Style",
    "TextPdf",
    "add_fonts",
    "ensure_room",
    "lines_height",
    "put_rect",
    "put_text",
    "text_line",
    "wrap",
    "write_lines",
]

PT = 25.4 / 72  # mm per point
_GREY = (90, 90, 90)
_BLACK = (0, 0, 0)


class TextPdf(FPDF):
    """An FPDF that keeps the style last applied: `Style.apply` sets a font only when it changes."""

    style: Style | None = None


@dataclass(frozen=True)
class Style:
    size: float  # points
    bold: bool = False
    grey: bool = False

    @property
    def line_height(self) -> float:
        return self.size * 0.45

    @property
    def baseline(self) -> float:
        """From the top of the line box, as fpdf2's `cell` places it."""
        return self.line_height / 2 + 0.3 * self.size * PT

    def width(self, text: str) -> float:
        return _em_width(text, self.bold) * self.size * PT

    def apply(self, pdf: TextPdf) -> None:
        if pdf.style is not self:
            pdf.set_font(FONT_FAMILY, style="B" if self.bold else "", size=self.size)
            pdf.set_text_color(*(_GREY if self.grey else _BLACK))
            pdf.style = self


Line = tuple[str, Style]
Cell = list[Line]
# The letters the cut fonts keep: Latin, the Russian and Kazakh alphabets, and the signs forms use. A form
# with any other letter embeds the whole fonts.
_KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
_BASE_CHARS = frozenset(
    [chr(code) for code in range(0x20, 0x7F)]
    + [chr(code) for code in range(0x410, 0x450)]
    + list("ЁёЄєЇїЎў" + _KAZAKH + "\u00a0§«°·»×–—‘’‚“”„•…‰‹›€₸№✓")
)
_TOKEN = re.compile(r"\S+?-(?=\S)|\S+")  # words, and the parts of a hyphenated word


@cache
def _advances(bold: bool) -> dict[int, float]:
    """Advance widths of the bundled font in em, by code point."""
    font = TTFont(font_path(bold), lazy=True)
    metrics, units = font["hmtx"].metrics, font["head"].unitsPerEm
    return {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}


@lru_cache(maxsize=65536)
def _em_width(text: str, bold: bool) -> float:
    advances = _advances(bold)
    return sum(advances.get(ord(char), 0.6) for char in text)


@cache
def _font_files(cut: bool) -> tuple[str, str]:
    """The regular and bold font files: the bundled ones, or (`cut`) ones cut to `_BASE_CHARS`."""
    regular, bold = font_path(), font_path(bold=True)
    if not cut:
        return str(regular), str(bold)
    folder = Path(_FONT_FOLDER.name)
    return _cut_font(regular, folder / "regular.ttf"), _cut_font(bold, folder / "bold.ttf")


_FONT_FOLDER = TemporaryDirectory(prefix="tekseru-fonts-")  # removed when the process ends


def _cut_font(source: Path, target: Path) -> str:
    options = subset.Options(layout_features=[], hinting=False, glyph_names=True, notdef_outline=True)
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern", "hdmx"]
    font = TTFont(source, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in _BASE_CHARS])
    subsetter.subset(font)
    font.save(target)
    return str(target)


def add_fonts(pdf: FPDF, text: str) -> None:
    """The regular and bold fonts, cut to `_BASE_CHARS` when `text` (all the document's words) keeps to
    them, each parsed once per process and subset once per group of letters (`pdf_fonts`)."""
    cut = _BASE_CHARS.issuperset(text)
    regular, bold = _font_files(cut)
    add = add_prepared_font if cut else add_shared_font
    add(pdf, FONT_FAMILY, "", regular)
    add(pdf, FONT_FAMILY, "B", bold)


def wrap(text: str, style: Style, width: float) -> list[Line]:
    """The lines of `text` in `style` no wider than `width`, broken at spaces and after hyphens."""
    return list(_wrapped(text, style, width))


@lru_cache(maxsize=4096)  # the catalogue's texts come back in every form
def _wrapped(text: str, style: Style, width: float) -> tuple[Line, ...]:
    paragraphs = text.split("\n")
    return tuple(
        (line, style) for paragraph in paragraphs for line in _wrap_paragraph(paragraph, style, width)
    )


def _wrap_paragraph(paragraph: str, style: Style, width: float) -> list[str]:
    lines, line, used = [], "", 0.0
    for match in _TOKEN.finditer(paragraph):
        token, spaced = match.group(), match.start() > 0 and paragraph[match.start() - 1].isspace()
        joint = " " if spaced and line else ""
        size = style.width(token)
        if line and used + style.width(joint) + size > width:
            lines.append(line)
            line, used, joint = "", 0.0, ""
        if size > width:  # a word longer than a line is cut where it must be
            *full, line = _cut_word(token, style, width)
            lines.extend(full)
            used = style.width(line)
        else:
            line, used = line + joint + token, used + style.width(joint) + size
    return [*lines, line]


def _cut_word(word: str, style: Style, width: float) -> list[str]:
    pieces = [""]
    for char in word:
        if pieces[-1] and style.width(pieces[-1] + char) > width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def text_line(pdf: TextPdf, text: str, style: Style, x: float, width: float, align: str = "L") -> None:
    """One line of text, left-aligned or centred (align "C"), in a line box at the current y."""
    style.apply(pdf)
    offset = 0.0 if align == "L" else max((width - style.width(text)) / 2, 0.0)
    put_text(pdf, x + offset, pdf.get_y() + style.baseline, text)


def put_text(pdf: FPDF, x: float, y: float, text: str) -> None:
    """What `FPDF.text(x, y, text)` puts on the page, in one step: text placed this way, tens of thousands of
    lines in a batch of forms, spent most of its time in fpdf2's checks and wrappers for what these
    documents never use. Anything more (underlined or outlined text, a font not yet set on the page, text
    recorded for annotations) goes to `FPDF.text`; tests/documents/test_pdf_text.py holds them to the same
    bytes."""
    font = pdf.current_font
    if (
        font is None
        or font.type != "TTF"
        or pdf.text_mode is not TextMode.FILL
        or pdf.underline
        or pdf.strikethrough
        or pdf._record_text_quad_points
        or not pdf.current_font_is_set_on_page
    ):
        pdf.text(x, y, text)
        return
    placed = f"BT {x * pdf.k:.2f} {(pdf.h - y) * pdf.k:.2f} Td {font.encode_text(text)} ET"
    if pdf.fill_color != pdf.text_color:  # text is painted in the fill colour, as fpdf2 does it
        assert pdf.text_color is not None
        placed = f"q {pdf.text_color.serialize().lower()} {placed} Q"
    pdf._out(placed)


def put_rect(pdf: FPDF, x: float, y: float, width: float, height: float, style: str = "D") -> None:
    """What `FPDF.rect(x, y, width, height, style)` puts on the page ("D" drawn, "DF" drawn and filled), in
    one step: a table's cells are thousands of rectangles in a batch of forms."""
    pdf._out(
        f"{x * pdf.k:.2f} {(pdf.h - y) * pdf.k:.2f} {width * pdf.k:.2f} {-height * pdf.k:.2f} re "
        f"{_RECT_OPERATORS[style]}"
    )


_RECT_OPERATORS = {"D": "S", "DF": "B"}  # fpdf2's RenderStyle.operator


def ensure_room(pdf: TextPdf, height: float) -> None:
    """A new page unless `height` fits on this one (or this one is still empty: it fits on none)."""
    if pdf.get_y() + height > pdf.page_break_trigger and pdf.get_y() > pdf.t_margin:
        pdf.add_page()


def write_lines(
    pdf: TextPdf, lines: Sequence[Line], x: float, width: float, *, align: str = "L", before: float = 0
) -> None:
    pdf.set_y(pdf.get_y() + before)
    for text, style in lines:
        ensure_room(pdf, style.line_height)
        text_line(pdf, text, style, x, width, align)
        pdf.set_y(pdf.get_y() + style.line_height)


def lines_height(lines: Sequence[Line]) -> float:
    return sum(style.line_height for _, style in lines)
