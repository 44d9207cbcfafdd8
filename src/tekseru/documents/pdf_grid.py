"""A bordered table for fpdf2 whose rows may be taller than a page: a row that does not fit continues on
the next page, and the heading row is drawn again at the top of every page the table reaches.

fpdf2's own `FPDF.table` refuses a row taller than a page ("too high and cannot be rendered on a single
page") and lays each cell out with the general `multi_cell`, which takes minutes for a list of 10,000
rows. Here each cell is wrapped once, with the widths of characters measured once (fpdf2 does not
kern, so a word is as wide as its letters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fpdf import FPDF

__all__ = ["Grid"]

_PADDING = 1.0
_LINE_SPACING = 1.3
_BASELINE = 0.78  # where the baseline sits within a line, as a share of the line's height
_HEADING_FILL = (221, 221, 221)
_MIN_LINES_BEFORE_BREAK = 2


@dataclass
class Grid:
    """Draws rows of text cells of the given widths (mm) at the current position of `pdf`.

    `family` must be added to `pdf` in the regular ("") and bold ("B") styles. `top` is where the table
    continues on a new page, below what `pdf.header()` draws.
    """

    pdf: FPDF
    widths: Sequence[float]
    family: str
    size: float
    top: float
    _word_widths: dict[tuple[str, str], float] = field(default_factory=dict)
    _char_widths: dict[tuple[str, str], float] = field(default_factory=dict)

    @property
    def line_height(self) -> float:
        return self.size * _LINE_SPACING * 25.4 / 72

    def draw(self, heading: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """The heading row, then the rows; the heading is repeated after every page break."""
        heading_lines = self._wrap_row(heading, "B")
        if self._lines_that_fit() < self._row_lines(heading_lines) + _MIN_LINES_BEFORE_BREAK + 1:
            self._new_page()
        self._draw_heading(heading_lines)
        for row in rows:
            self._draw_row(self._wrap_row(row, ""), heading_lines)

    # Layout -------------------------------------------------------------------------------------------

    def _wrap_row(self, row: Sequence[str], style: str) -> list[list[str]]:
        return [
            self._wrap(text, width - 2 * _PADDING, style)
            for text, width in zip(row, self.widths, strict=True)
        ]

    def _wrap(self, text: str, width: float, style: str) -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self._width(candidate, style) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                line = word
                while self._width(line, style) > width and len(line) > 1:
                    cut = self._longest_prefix(line, width, style)
                    lines.append(line[:cut])
                    line = line[cut:]
            lines.append(line)
        return lines

    def _longest_prefix(self, word: str, width: float, style: str) -> int:
        """How much of a word too long for its cell goes on this line: after its last hyphen that fits
        ("Восточно-" / "Казахстанская"), else as many letters as fit."""
        cut = 1
        while cut < len(word) and self._width(word[: cut + 1], style) <= width:
            cut += 1
        hyphen = word.rfind("-", 0, cut)
        return hyphen + 1 if hyphen > 0 else cut

    def _width(self, text: str, style: str) -> float:
        if " " not in text:
            return self._word_width(text, style)
        words = text.split(" ")
        space = self._word_width(" ", style)
        return sum(self._word_width(word, style) for word in words) + space * (len(words) - 1)

    def _word_width(self, word: str, style: str) -> float:
        known = self._word_widths.get((word, style))
        if known is None:
            known = self._word_widths[(word, style)] = sum(self._char_width(char, style) for char in word)
        return known

    def _char_width(self, char: str, style: str) -> float:
        known = self._char_widths.get((char, style))
        if known is None:
            self.pdf.set_font(self.family, style=style, size=self.size)
            known = self._char_widths[(char, style)] = self.pdf.get_string_width(char)
        return known

    @staticmethod
    def _row_lines(cells: list[list[str]]) -> int:
        return max((len(lines) for lines in cells), default=1)

    # Drawing ------------------------------------------------------------------------------------------

    def _lines_that_fit(self) -> int:
        room = self.pdf.h - self.pdf.b_margin - self.pdf.get_y() - 2 * _PADDING
        return max(int(room // self.line_height), 0)

    def _new_page(self) -> None:
        self.pdf.add_page()
        self.pdf.set_y(self.top)

    def _draw_heading(self, cells: list[list[str]]) -> None:
        self._draw_band(cells, 0, self._row_lines(cells), "B", fill=True)

    def _draw_row(self, cells: list[list[str]], heading: list[list[str]]) -> None:
        total = self._row_lines(cells)
        fits = self._lines_that_fit()
        if total > fits and (total <= self._lines_on_a_new_page(heading) or fits < _MIN_LINES_BEFORE_BREAK):
            self._new_page()
            self._draw_heading(heading)
        start = 0
        while start < total:
            count = max(min(total - start, self._lines_that_fit()), 1)
            self._draw_band(cells, start, start + count, "", fill=False)
            start += count
            if start < total:
                self._new_page()
                self._draw_heading(heading)

    def _lines_on_a_new_page(self, heading: list[list[str]]) -> int:
        usable = self.pdf.h - self.pdf.b_margin - self.top - 4 * _PADDING
        return int(usable // self.line_height) - self._row_lines(heading)

    def _draw_band(self, cells: list[list[str]], start: int, end: int, style: str, *, fill: bool) -> None:
        """Lines `start` to `end` of every cell of a row, in one band of bordered cells."""
        pdf = self.pdf
        pdf.set_font(self.family, style=style, size=self.size)
        height = (end - start) * self.line_height + 2 * _PADDING
        x, y = pdf.l_margin, pdf.get_y()
        if fill:
            pdf.set_fill_color(*_HEADING_FILL)
        for lines, width in zip(cells, self.widths, strict=True):
            pdf.rect(x, y, width, height, style="DF" if fill else "D")
            for index, line in enumerate(lines[start:end]):
                if line:
                    baseline = y + _PADDING + (index + _BASELINE) * self.line_height
                    pdf.text(x + _PADDING, baseline, line)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)
