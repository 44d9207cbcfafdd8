"""The semi-annual list as an XLSX workbook: a header, the list, the rows beyond capacity, the exclusions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tekseru.planning.model import Plan
from tekseru.planning.table import PlanTable, Section, plan_table

__all__ = ["render_plan_xlsx"]

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADING_FILL = PatternFill("solid", fgColor="DDDDDD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MAX_WIDTH = 48
_SCORE_FORMAT = "0.##"


def render_plan_xlsx(
    plan: Plan,
    *,
    language: str,
    state_body: str,
    approval: tuple[str, date] | None,
    group_names: Mapping[str, str],
    reason_texts: Mapping[int, str],
    out: Path,
    notice: str | None = None,
) -> Path:
    """Write the list in Kazakh ("kk") or Russian ("ru") to `out` and return `out`.

    `approval` is (approved by, approved on), or None for a draft. `group_names` and `reason_texts` are in
    `language`; `notice` replaces the default note that the Russian text is an unofficial translation.
    """
    table = plan_table(
        plan,
        language=language,
        state_body=state_body,
        approval=approval,
        group_names=group_names,
        reason_texts=reason_texts,
        notice=notice,
    )
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = str(plan.half_year)
    _write(sheet, table)
    workbook.properties.title = table.title
    workbook.properties.language = language
    workbook.save(out)
    return out


def _write(sheet: Worksheet, table: PlanTable) -> None:
    sheet.append([table.title])
    sheet.cell(sheet.max_row, 1).font = _TITLE
    for line in table.header_lines:
        sheet.append([line])
    for section in table.sections:
        sheet.append([])
        _write_section(sheet, section)
    _fit_columns(sheet, table)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_section(sheet: Worksheet, section: Section) -> None:
    sheet.append([section.title])
    sheet.cell(sheet.max_row, 1).font = _BOLD
    sheet.append(list(section.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD
        cell.fill = _HEADING_FILL
        cell.alignment = _WRAP
    if not section.rows:
        sheet.append([section.empty_text])
    for row in section.rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            cell.alignment = _WRAP
            if isinstance(cell.value, float):
                cell.number_format = _SCORE_FORMAT


def _fit_columns(sheet: Worksheet, table: PlanTable) -> None:
    """Width of each column from its longest line in the tables (headings and rows), within a maximum."""
    widths: dict[int, int] = {}
    for section in table.sections:
        for row in (section.columns, *section.rows):
            for index, value in enumerate(row, start=1):
                longest = max(len(line) for line in str(value).split("\n"))
                widths[index] = min(max(widths.get(index, 6), longest + 2), _MAX_WIDTH)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
