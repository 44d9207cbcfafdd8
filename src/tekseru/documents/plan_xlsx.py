"""The semi-annual list as an XLSX workbook, one sheet per table: the list, the rows beyond capacity, the
exclusions, and the annex with the text of every criterion the rows cite by number.

Each sheet prints on A4 landscape, fitted to the page's width, with its heading row repeated on every page
and the list's number, half-year, status and "page X of Y" in the page header and footer. The heading row
is frozen and filtered. Rows are as high as their wrapped text, since a spreadsheet program does not grow a
row for wrapped text by itself and the text would print over the next rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from tekseru.documents.spreadsheet_cells import set_text_or_number
from tekseru.planning.table import Cell, PlanTable, Section

__all__ = ["COLUMN_WIDTHS", "plan_xlsx_bytes"]

# Arial (Liberation Sans where Arial is missing) has every Kazakh letter, on Windows and Linux alike.
_FONT_NAME = "Arial"
_FONT_SIZE = 10
_TEXT = Font(name=_FONT_NAME, size=_FONT_SIZE)
_BOLD = Font(name=_FONT_NAME, size=_FONT_SIZE, bold=True)
_TITLE = Font(name=_FONT_NAME, size=13, bold=True)
_SECTION = Font(name=_FONT_NAME, size=11, bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="DDDDDD")
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(wrap_text=True, horizontal="center", vertical="top")
_RIGHT = Alignment(horizontal="right", vertical="top")
_SCORE_FORMAT = "0.##"
# Points per line of 10-point Arial, and the largest row height a spreadsheet accepts.
_LINE_HEIGHT = 12.75
_MAX_ROW_HEIGHT = 409
# Widths in characters. Their sum (about 200) keeps the fitted scale near 80%, so 10-point text prints
# at about 8 points on A4 landscape.
COLUMN_WIDTHS: Mapping[str, Sequence[float]] = {
    "included": (6, 16, 28, 15, 24, 36, 15, 12, 24, 16),
    "overflow": (6, 16, 28, 15, 24, 36, 15, 12, 40),
    "excluded": (16, 32, 15, 36, 15, 12, 66),
    "annex": (14, 178),
}


def plan_xlsx_bytes(table: PlanTable) -> bytes:
    """The list laid out in `table` as an XLSX workbook: a sheet per section, each set up for printing."""
    workbook = Workbook()
    # Column widths count characters of the default font: make it the font the cells use, or a program
    # that lacks Calibri measures them in a wider font and shrinks the printed page.
    workbook._fonts[0] = _TEXT  # openpyxl has no public setter for it
    first = workbook.active
    assert isinstance(first, Worksheet)
    workbook.remove(first)
    for index, section in enumerate(table.sections):
        sheet = workbook.create_sheet(section.short_title or f"{index + 1}")
        _write_sheet(sheet, table, section, with_header=index == 0)
    workbook.properties.title = table.title
    workbook.properties.language = table.language
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Worksheet, table: PlanTable, section: Section, *, with_header: bool) -> None:
    widths = COLUMN_WIDTHS.get(section.key) or (24,) * len(section.columns)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if with_header:
        for line in table.approval_block:
            _banner(sheet, line, widths, _TEXT, _RIGHT)
        _banner(sheet, table.title, widths, _TITLE, _CENTRED, size=13)
        for line in table.header_lines:
            _banner(sheet, line, widths, _TEXT, _WRAP)
    _banner(sheet, section.title, widths, _SECTION, _WRAP, size=11)
    heading = sheet.max_row + 1
    _write_row(sheet, heading, section.columns, widths, _BOLD, fill=True)
    for offset, row in enumerate(section.rows, start=1):
        _write_row(sheet, heading + offset, row, widths, _TEXT)
    last = heading + len(section.rows)
    if not section.rows:
        _banner(sheet, section.empty_text, widths, _TEXT, _WRAP)
    sheet.freeze_panes = f"A{heading + 1}"
    sheet.auto_filter.ref = f"A{heading}:{get_column_letter(len(widths))}{last}"
    sheet.print_title_rows = f"{heading}:{heading}"
    _page_setup(sheet, table)


def _banner(
    sheet: Worksheet,
    text: str,
    widths: Sequence[float],
    font: Font,
    alignment: Alignment,
    size: float = _FONT_SIZE,
) -> None:
    """A line of text across the whole width of the table, in one merged cell as high as its text."""
    row = sheet.max_row + 1 if sheet.cell(1, 1).value is not None else 1
    cell = sheet.cell(row, 1)
    set_text_or_number(cell, text)
    cell.font = font
    cell.alignment = alignment
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    lines = _lines(text, sum(widths) * _FONT_SIZE / size)
    sheet.row_dimensions[row].height = lines * _LINE_HEIGHT * size / _FONT_SIZE + 3


def _write_row(
    sheet: Worksheet,
    row: int,
    values: Sequence[Cell],
    widths: Sequence[float],
    font: Font,
    *,
    fill: bool = False,
) -> None:
    lines = 1
    for column, (value, width) in enumerate(zip(values, widths, strict=True), start=1):
        cell = sheet.cell(row, column)
        set_text_or_number(cell, value)
        cell.font = font
        cell.alignment = _WRAP
        cell.border = _BORDER
        if fill:
            cell.fill = _HEADING_FILL
        if isinstance(value, float):
            cell.number_format = _SCORE_FORMAT
        lines = max(lines, _lines(str(value), width, bold=font.b or False))
    sheet.row_dimensions[row].height = min(lines * _LINE_HEIGHT + 3, _MAX_ROW_HEIGHT)


def _lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide, with room to spare:
    Cyrillic letters are wider than the digit a column's width is measured in, and words wrap whole."""
    per_line = max((width - 1) / (1.1 if bold else 1.0), 1)
    return sum(max(math.ceil(len(line) / per_line), 1) for line in text.split("\n"))


def _page_setup(sheet: Worksheet, table: PlanTable) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.25)
    sheet.oddHeader.left.text = _escape(table.running_title)
    sheet.oddHeader.left.size = 8
    if table.draft_mark:
        sheet.oddHeader.right.text = _escape(table.draft_mark)
        sheet.oddHeader.right.size = 12
        sheet.oddHeader.right.color = "AA0000"
    sheet.oddFooter.right.text = _escape(table.page_label).format(page="&P", total="&N")
    sheet.oddFooter.right.size = 8


def _escape(text: str) -> str:
    """Header and footer text with its ampersands doubled, since & starts a code there."""
    return text.replace("&", "&&")
