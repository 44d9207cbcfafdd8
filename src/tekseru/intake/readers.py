"""Reading a table with a header row from CSV (UTF-8, comma or semicolon) or XLSX (the first sheet).

Rows are numbered as a person counts them in the file: the first line or sheet row is 1, blank rows
count. Cells come out as trimmed strings; blank rows are skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tekseru.intake.errors import ErrorKind, ImportFileError, RowError

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns of an import format: those a file must have and those it may have."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: its number, the cells as read (for the rejected file) and the known columns' values."""

    number: int
    cells: tuple[str, ...]
    values: dict[str, str]
    extra_values: int = 0


@dataclass(frozen=True)
class Table:
    file: str
    header: tuple[str, ...]
    delimiter: str
    total: int
    rows: Iterator[SourceRow]


def _file_error(
    path: Path, message: str, row: int | None = None, field: str | None = None
) -> ImportFileError:
    return ImportFileError([RowError(path.name, row, field, ErrorKind.UNREADABLE_FILE, message)])


@contextmanager
def open_table(path: Path, columns: Columns) -> Iterator[Table]:
    """The file's table; ImportFileError (nothing read) when it cannot be read or lacks a column."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _file_error(path, f"there is no file {str(path)!r}")
    if suffix in CSV_SUFFIXES:
        with _csv_table(path, columns) as table:
            yield table
    elif suffix in XLSX_SUFFIXES:
        with _xlsx_table(path, columns) as table:
            yield table
    else:
        raise _file_error(
            path, f"cannot read {suffix or 'files without an extension'}: save it as .csv or .xlsx"
        )


# CSV ------------------------------------------------------------------------------------------------------


def _csv_records(path: Path, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        yield from enumerate(csv.reader(handle, delimiter=delimiter), start=1)


def _sniff_delimiter(path: Path) -> str:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for line in handle:
            if line.strip():
                return ";" if line.count(";") > line.count(",") else ","
    return ","


@contextmanager
def _csv_table(path: Path, columns: Columns) -> Iterator[Table]:
    try:
        delimiter = _sniff_delimiter(path)
        records = _header_and_count(path, delimiter)
    except UnicodeDecodeError as error:
        raise _file_error(
            path,
            f"the file is not UTF-8 text (it has the byte {error.object[error.start]:#04x}); "
            "save it as CSV UTF-8",
        ) from None
    except (OSError, csv.Error) as error:
        raise _file_error(path, f"cannot read the file: {error}") from None
    header_number, header, total = records
    fields = _check_header(path, header_number, header, columns)
    rows = _rows(_csv_records(path, delimiter), header_number, fields, len(header))
    yield Table(path.name, tuple(header), delimiter, total, rows)


def _header_and_count(path: Path, delimiter: str) -> tuple[int, list[str], int]:
    """The header's row number and cells, and how many non-blank rows follow it (reads the whole file)."""
    header_number, header, total = 0, [], 0
    for number, record in _csv_records(path, delimiter):
        if not any(cell.strip() for cell in record):
            continue
        if header_number:
            total += 1
        else:
            header_number, header = number, record
    return header_number, header, total


# XLSX -----------------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
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


@contextmanager
def _xlsx_table(path: Path, columns: Columns) -> Iterator[Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, XML and its own errors for a bad file
        raise _file_error(path, f"cannot read the file as an Excel workbook (.xlsx): {error}") from None
    try:
        sheet = workbook.worksheets[0]
        raw = enumerate(sheet.iter_rows(values_only=True), start=1)
        header_number, header = _first_nonblank((n, [_cell_text(v) for v in values]) for n, values in raw)
        fields = _check_header(path, header_number, header, columns)
        records = ((number, _xlsx_cells(values, fields.get("bin"))) for number, values in raw)
        total = max((sheet.max_row or 0) - header_number, 0)
        rows = _rows(records, header_number, fields, len(header))
        yield Table(path.name, tuple(header), ",", total, rows)
    finally:
        workbook.close()


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


# Both ----------------------------------------------------------------------------------------------------


def _check_header(path: Path, number: int, header: Sequence[str], columns: Columns) -> dict[str, int]:
    """Where each known column is; ImportFileError naming every required column that is missing."""
    if not number:
        raise _file_error(path, "the file is empty; it needs a header row: " + ",".join(columns.required))
    names = [cell.strip().lower() for cell in header]
    positions = {name: index for index, name in reversed(list(enumerate(names))) if name}
    missing = [name for name in columns.required if name not in positions]
    if missing:
        has = ", ".join(name for name in names if name) or "no names"
        raise ImportFileError(
            [
                RowError(
                    path.name,
                    number,
                    name,
                    ErrorKind.MISSING_COLUMN,
                    f"required column is missing (the header has: {has})",
                )
                for name in missing
            ]
        )
    known = (*columns.required, *columns.optional)
    return {name: position for name, position in positions.items() if name in known}


def _rows(
    records: Iterator[tuple[int, list[str]]], header_number: int, fields: dict[str, int], width: int
) -> Iterator[SourceRow]:
    for number, record in records:
        if number <= header_number or not any(cell.strip() for cell in record):
            continue
        cells = tuple(cell.strip() for cell in record)
        values = {name: cells[position] if position < len(cells) else "" for name, position in fields.items()}
        extra = sum(1 for cell in cells[width:] if cell)
        yield SourceRow(number, cells, values, extra)
