"""A backtest as an XLSX workbook: one sheet per table of `backtest_tables`, the heading row frozen."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tekseru.documents.backtest_tables import TextTable, backtest_tables
from tekseru.documents.spreadsheet_cells import set_text_or_number
from tekseru.planning.backtest import BacktestReport

_BOLD = Font(name="Arial", size=10, bold=True)
_TEXT = Font(name="Arial", size=10)
_TITLE = Font(name="Arial", size=12, bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="DDDDDD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_LINE_POINTS = 13  # one line of 10-point Arial
_SHEET_NAME = 31  # the longest sheet name a spreadsheet accepts
_NOT_IN_SHEET_NAMES = frozenset("[]:*?/\\")


def render_backtest_xlsx(report: BacktestReport, *, language: str, out: Path | IO[bytes]) -> Path | IO[bytes]:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for table in backtest_tables(report, language):
        _sheet(workbook, table)
    workbook.save(out)
    return out


def _sheet(workbook: Workbook, table: TextTable) -> None:
    name = "".join("-" if char in _NOT_IN_SHEET_NAMES else char for char in table.title)
    sheet = workbook.create_sheet(name[:_SHEET_NAME])
    set_text_or_number(sheet.cell(row=1, column=1), table.title)
    sheet.cell(row=1, column=1).font = _TITLE
    widths = [max(14, min(40, len(heading) + 2)) for heading in table.headings]
    for column, heading in enumerate(table.headings, start=1):
        cell = sheet.cell(row=3, column=column)
        set_text_or_number(cell, heading)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADING_FILL, _WRAP
        sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]
    _fit_height(sheet, 3, table.headings, widths)
    for row_number, row in enumerate(table.rows, start=4):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            set_text_or_number(cell, value)
            cell.font, cell.alignment = _TEXT, _WRAP
        _fit_height(sheet, row_number, row, widths)
    sheet.freeze_panes = "A4"


def _fit_height(sheet: Worksheet, row: int, values: Sequence[object], widths: Sequence[float]) -> None:
    """A row as high as its longest wrapped cell: spreadsheets keep one line's height for a row written by a
    program, so wrapped lines would print over the next row."""
    lines = max(
        (
            math.ceil(len(str(value)) / max(width - 1, 1))
            for value, width in zip(values, widths, strict=False)
        ),
        default=1,
    )
    sheet.row_dimensions[row].height = max(1, lines) * _LINE_POINTS + 3
