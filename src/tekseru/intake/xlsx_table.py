"""Reading one sheet of an XLSX workbook, only the cells that hold a value: the only sheet, or the one the
reader chose when there are several (a workbook of several sheets without a choice is refused with their
names, so that nobody imports the wrong one unawares)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from tekseru.intake.errors import ImportFileError
from tekseru.intake.source import Source, Upload
from tekseru.intake.table import (
    Columns,
    FormulaCell,
    ReadLimits,
    Table,
    check_header,
    data_rows,
    file_error,
    too_many_columns,
    too_many_rows,
)


def _cell_text(value: Any) -> str:
    if isinstance(value, FormulaCell):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheet_names(path: Source) -> list[str]:
    """The names of the workbook's sheets, in order; ImportFileError when it is not a workbook."""
    workbook = _open(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _open(path: Source) -> Any:
    from openpyxl import load_workbook

    try:
        # openpyxl reads a path, or a file object that stays open as long as the workbook.
        readable = path.open("rb") if isinstance(path, Upload) else path
        return load_workbook(readable, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, XML and its own errors for a bad file
        raise file_error(path, "not_xlsx", detail=str(error)) from None


def _chosen_sheet(path: Source, workbook: Any, sheet: str | None) -> Any:
    names = list(workbook.sheetnames)
    if sheet is not None and sheet not in names:
        raise file_error(path, "no_such_sheet", sheet=sheet, sheets=", ".join(names))
    if sheet is None and len(names) > 1:
        raise file_error(path, "several_sheets", sheets=", ".join(names))
    try:
        return workbook[sheet or names[0]]
    except Exception as error:  # a chart sheet, or a workbook with no sheet at all
        raise file_error(path, "not_xlsx", detail=str(error)) from None


@contextmanager
def xlsx_table(
    path: Source, columns: Columns, limits: ReadLimits, *, sheet: str | None = None
) -> Iterator[Table]:
    workbook = _open(path)
    try:
        chosen = _chosen_sheet(path, workbook, sheet)
        raw = _xlsx_records(path, workbook, chosen, limits)
        header_number, header = _first_nonblank((n, [_cell_text(v) for v in values]) for n, values in raw)
        fields = check_header(path, header_number, header, columns)
        records = ((number, _xlsx_cells(values, fields.get("bin"))) for number, values in raw)
        total = max(min(chosen.max_row or 0, limits.max_rows) - header_number, 0)
        rows = data_rows(path, records, header_number, fields, header)
        yield Table(path.name, tuple(header), ",", total, rows, sheet=chosen.title)
    finally:
        workbook.close()


def _xlsx_records(
    path: Source, workbook: Any, sheet: Any, limits: ReadLimits
) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows that hold a value, each as the values up to its last one. openpyxl's own rows fill
    every missing row and cell up to the sheet's stated size (a file can state XFD1048576), so the
    sheet's XML is parsed here, as openpyxl's read-only sheet does, and only cells with a value kept."""
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=False,  # a formula is read as a formula, to be refused as one (not as a blank)
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in parser.parse():
                held = [(cell["column"], _value(cell)) for cell in cells if cell["value"] not in (None, "")]
                if not held:
                    continue
                if number > limits.max_rows:
                    raise too_many_rows(path, number, limits)
                last = max(column for column, _ in held)
                if last > limits.max_columns:
                    raise too_many_columns(path, number, limits, column=last)
                values: list[Any] = [None] * last
                for column, value in held:
                    values[column - 1] = value
                yield number, values
    except ImportFileError:
        raise
    except Exception as error:  # a damaged sheet: XML, numbers or dates openpyxl cannot convert
        raise file_error(path, "not_xlsx", detail=str(error)) from None


def _value(cell: dict[str, Any]) -> Any:
    return FormulaCell(str(cell["value"])) if cell["data_type"] == "f" else cell["value"]


def _xlsx_cells(values: Sequence[Any], bin_position: int | None) -> list[str]:
    """The cells as text; a BIN typed as a number lost its leading zeros, which are put back."""
    cells = [_cell_text(value) for value in values]
    if bin_position is not None and bin_position < len(values):
        value = values[bin_position]
        if isinstance(value, int) and not isinstance(value, bool):
            cells[bin_position] = str(value).zfill(12)
    return cells


def _first_nonblank(records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    for number, record in records:
        if any(cell.strip() for cell in record):
            return number, record
    return 0, []
