"""The semi-annual list as a landscape A4 PDF, in the bundled DejaVu Sans so Kazakh letters print.

Every page carries the list's number, half-year and status, "page X of Y", and the table's heading row; a
draft says so on every page. Rows cite criteria by number; their texts are in the annex at the end, so
rows stay short, and a row that is still taller than what is left of a page continues on the next one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fpdf import FPDF

from tekseru.documents.fonts import FONT_FAMILY, font_path
from tekseru.documents.pdf_grid import Grid
from tekseru.documents.printable import printable
from tekseru.documents.stamps import reserve_stamp_rows
from tekseru.planning.table import PlanTable, Section, format_cell

__all__ = ["plan_pdf_bytes"]

_MARGIN = 10
_TOP = 14
_TABLE_FONT_SIZE = 8
_APPROVAL_WIDTH = 95
_DRAFT_COLOUR = (170, 0, 0)
# Column widths in mm (277 mm between the margins) of the list, the rows beyond capacity, the exclusions
# and the annex of criteria.
_COLUMN_WIDTHS: Mapping[str, Sequence[float]] = {
    "included": (9, 22, 38, 25, 32, 48, 23, 19, 33, 28),
    "overflow": (9, 22, 38, 25, 32, 50, 23, 19, 59),
    "excluded": (22, 45, 25, 50, 23, 19, 93),
    "excluded_summary": (200, 77),
    "annex": (24, 253),
}


class _ListPdf(FPDF):
    def __init__(self, table: PlanTable) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.printed = table

    def header(self) -> None:
        self.set_xy(_MARGIN, 5)
        self.set_font(FONT_FAMILY, size=7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.printed.running_title)
        if self.printed.draft_mark:
            self.set_xy(_MARGIN, 4)
            self.set_font(FONT_FAMILY, style="B", size=11)
            self.set_text_color(*_DRAFT_COLOUR)
            self.cell(0, 5, self.printed.draft_mark, align="R")
        self.set_text_color(0, 0, 0)
        self.set_xy(_MARGIN, _TOP)

    def footer(self) -> None:
        self.set_y(-8)
        self.set_font(FONT_FAMILY, size=7)
        label = self.printed.page_label.format(page=self.page_no(), total=self.str_alias_nb_pages)
        self.cell(0, 4, label, align="R")


def plan_pdf_bytes(table: PlanTable) -> bytes:
    """The list laid out in `table` as a PDF: A4 landscape, the header repeated, page X of Y."""
    pdf = _new_pdf(table)
    _write_header(pdf, table)
    for section in table.sections:
        _write_section(pdf, section)
    if not table.draft_mark:  # a list past its draft is signed: its stamps go at the foot of its last page
        reserve_stamp_rows(pdf, 1)
    return bytes(pdf.output())


def _new_pdf(table: PlanTable) -> FPDF:
    pdf = _ListPdf(table)
    # An alias as wide as a six-digit number, so that "page X of Y" keeps its place in long lists.
    pdf.alias_nb_pages("{pages}")
    pdf.add_font(FONT_FAMILY, style="", fname=str(font_path()))
    pdf.add_font(FONT_FAMILY, style="B", fname=str(font_path(bold=True)))
    pdf.set_margins(_MARGIN, _TOP, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=_MARGIN + 2)
    pdf.set_title(table.title)
    pdf.set_lang(table.language)
    pdf.set_creator("tekseru")
    pdf.add_page()
    return pdf


def _write_header(pdf: FPDF, table: PlanTable) -> None:
    pdf.set_font(FONT_FAMILY, size=9)
    for index, line in enumerate(table.approval_block):
        pdf.set_x(pdf.w - _MARGIN - _APPROVAL_WIDTH)
        pdf.set_font(FONT_FAMILY, style="B" if index == 0 else "", size=9)
        pdf.multi_cell(_APPROVAL_WIDTH, 4.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT_FAMILY, style="B", size=12)
    pdf.multi_cell(0, 6, table.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT_FAMILY, size=9)
    for line in table.header_lines:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")


def _write_section(pdf: FPDF, section: Section) -> None:
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, style="B", size=10)
    pdf.multi_cell(0, 6, section.title, new_x="LMARGIN", new_y="NEXT")
    widths = _COLUMN_WIDTHS.get(section.key) or _even_widths(pdf, len(section.columns))
    grid = Grid(pdf, widths, FONT_FAMILY, _TABLE_FONT_SIZE, top=_TOP)
    grid.draw(section.columns, [[printable(format_cell(cell)) for cell in row] for row in section.rows])
    if not section.rows:
        pdf.set_font(FONT_FAMILY, size=9)
        pdf.multi_cell(0, 5, section.empty_text, new_x="LMARGIN", new_y="NEXT")


def _even_widths(pdf: FPDF, count: int) -> tuple[float, ...]:
    return (pdf.epw / count,) * count
