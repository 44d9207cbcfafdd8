"""What a printed form draws beside its text, each in one step: the draft mark across a page, the number of
pages in a footer line placed by `pdf_text`, and the QR code of a seal as one path."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fpdf.fonts import CoreFont, TTFFont

from tekseru.documents.pdf_text import PT, Style, TextPdf

__all__ = ["PAGES", "PageCount", "draw_draft_mark", "draw_qr_code"]

PAGES = "{nb}"  # in a footer line, where the number of pages goes
_DRAFT_SIZE = 54.0  # points: the draft mark across the middle of every page
_DRAFT_COLOUR = (150, 150, 150)
_DRAFT_OPACITY = 0.25  # light enough to read the form through it
_QR_QUIET = 2  # modules of white around the code
_DARK_RUN = re.compile(b"\x01+")  # dark modules side by side in a row of the QR code


class PageCount:
    """The number of pages put in a footer line by fpdf2 once it is known, when fpdf2 writes the document:
    what fpdf2 does for its own cells (a `TotalPagesSubstitutionFragment`, which a line placed by
    `put_text` does not need), in place of the line's text as written, the same line with the number."""

    def __init__(self, font: CoreFont | TTFFont, line: str) -> None:
        self.font, self.line = font, line

    def get_placeholder_string(self) -> str:
        return self.font.encode_text(self.line)

    def render_text_substitution(self, pages: str) -> str:
        return self.font.encode_text(self.line.replace(PAGES, pages))


def draw_draft_mark(pdf: TextPdf, mark: str) -> None:
    """The mark large across the middle of the page, see-through so that the form reads under it."""
    big = Style(_DRAFT_SIZE, bold=True)
    big.apply(pdf)
    centre_x, centre_y = pdf.w / 2, pdf.h / 2
    with (
        pdf.local_context(fill_opacity=_DRAFT_OPACITY, text_color=_DRAFT_COLOUR),
        pdf.rotation(angle=55, x=centre_x, y=centre_y),
    ):
        pdf.text(centre_x - big.width(mark) / 2, centre_y + _DRAFT_SIZE * PT * 0.35, mark)
    pdf.style = None  # the colour was set past `Style.apply`


def draw_qr_code(
    pdf: TextPdf, rows: Sequence[bytes | bytearray], left: float, top: float, size: float
) -> None:
    """The QR code (`rows` of modules, 1 for dark) as filled rectangles, one for each run of dark modules in
    a row, in a `size` square with a quiet zone of `_QR_QUIET` modules: one path, where an image took a PNG to
    encode and fpdf2 to parse it again. fpdf2 has no public call for raw path operators: `FPDF._out` adds
    them to the page. Signing reads the path too (`signatures.placement`), to keep the stamps clear of it."""
    module = size / (len(rows) + 2 * _QR_QUIET) * pdf.k  # points
    x0, y0 = left * pdf.k + _QR_QUIET * module, (pdf.h - top) * pdf.k - _QR_QUIET * module
    path = ["q 0 g"]
    for number, row in enumerate(rows):
        y = y0 - (number + 1) * module
        for match in _DARK_RUN.finditer(row):
            start, end = match.span()
            path.append(f"{x0 + start * module:.2f} {y:.2f} {(end - start) * module:.2f} {module:.2f} re")
    path.append("F Q")  # F, not its synonym f: pyHanko reads a word starting with f as `false`
    pdf._out(" ".join(path))
