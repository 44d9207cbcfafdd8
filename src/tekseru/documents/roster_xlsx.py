"""The rosters' reconciliation report as an XLSX workbook: a summary sheet (a count per provider and kind of
discrepancy) and a sheet of the records behind them. Every cell goes through `set_text_or_number`, so a
value from an imported file never becomes a formula."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tekseru.documents.spreadsheet_cells import set_text_or_number

__all__ = ["render_reconciliation_xlsx"]

_BOLD = Font(bold=True)
_SOURCES = ("provider", "esobes", "portal")
_WRAPPED = Alignment(wrap_text=True, vertical="top")
# Column widths in characters: wide enough for the longest value (a heading wraps at MAX_WIDTH instead).
MIN_WIDTH, MAX_WIDTH = 8, 48


def render_reconciliation_xlsx(
    report: Mapping[str, Any], *, kinds: Sequence[str], words: Mapping[str, str]
) -> bytes:
    """`report` (the reconciliation's JSON, IINs as the reader may see them) as an XLSX workbook.

    `words` holds the reader's texts: "title", "bin", "kind", "iin", "other_bin", "form", "start", "end",
    each source's name and each kind's name, by those keys, and each service form's as "form.<key>".
    Every column is as wide as its longest value and the headings wrap, so no text is cut; the headings
    stay in view (frozen) and carry filters.
    """
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = words["summary"][:31]
    _row(summary, 1, [f"{words['title']} {report['as_of']}"], bold=True)
    _row(summary, 2, [words["bin"], *(words[kind] for kind in kinds)], bold=True)
    records = book.create_sheet(words["records"][:31])
    heading = [words["bin"], words["kind"], words["iin"], words["other_bin"]]
    for source in _SOURCES:
        heading += [f"{words[source]}: {words[name]}" for name in ("form", "start", "end")]
    _row(records, 1, heading, bold=True)
    line, record_line = 3, 2
    for bin, entry in report["providers"].items():
        _row(summary, line, [bin, *(entry[kind] for kind in kinds)])
        line += 1
        for kind in kinds:
            for item in entry["records"][kind]:
                cells: list[object] = [bin, words[kind], item["iin"], item.get("other_provider_bin", "")]
                for source in _SOURCES:
                    stay = item.get(source) or {}
                    form = stay.get("form", "")
                    cells += [
                        words.get(f"form.{form}", form),
                        stay.get("start_date", ""),
                        stay.get("end_date", ""),
                    ]
                _row(records, record_line, cells)
                record_line += 1
    _fit(summary, heading_row=2)
    _fit(records, heading_row=1)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(sheet: Any, number: int, values: Sequence[object], *, bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=number, column=column)
        set_text_or_number(cell, value)
        if bold:
            cell.font = _BOLD


def _fit(sheet: Any, *, heading_row: int) -> None:
    """Widths that fit each column's values, wrapped headings kept in view, filters on the headings."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=heading_row + 1):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), len(str(cell.value)))
    for cell in sheet[heading_row]:
        longest_word = max((len(word) for word in str(cell.value or "").split()), default=0)
        width = max(widths.get(cell.column, 0), longest_word, MIN_WIDTH - 2) + 2
        sheet.column_dimensions[get_column_letter(cell.column)].width = min(width, MAX_WIDTH)
        cell.alignment = _WRAPPED
    sheet.freeze_panes = sheet.cell(row=heading_row + 1, column=1)
    if sheet.max_row > heading_row:
        sheet.auto_filter.ref = f"A{heading_row}:{get_column_letter(sheet.max_column)}{sheet.max_row}"
