"""Reading a table with a header row from CSV (UTF-8, with or without a BOM, UTF-16, or a Cyrillic code page
such as Windows-1251; comma, semicolon or tab) or XLSX (its only sheet, or the one chosen).

Rows are numbered as a person counts them in the file: the first record or sheet row is 1, blank rows
count. Cells come out as trimmed strings; blank rows are skipped. Only XLSX cells that hold a value are
read, and a file with data beyond the row or column limits (settings, see ReadLimits) is refused, so a
small hostile file cannot keep a worker busy. A cell with a control character (a NUL byte, say) gives an
error on its row and field instead of being stored cut short.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tekseru.intake.content import check_content
from tekseru.intake.csv_table import csv_table
from tekseru.intake.source import Source, Upload
from tekseru.intake.table import Columns, ReadLimits, SourceRow, Table, file_error
from tekseru.intake.xlsx_table import sheet_names, xlsx_table

__all__ = ["Columns", "ReadLimits", "Source", "SourceRow", "Table", "Upload", "open_table", "workbook_sheets"]

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@contextmanager
def open_table(
    path: Source, columns: Columns, limits: ReadLimits | None = None, *, sheet: str | None = None
) -> Iterator[Table]:
    """The file's table (of the XLSX sheet named `sheet`, needed when a workbook has several);
    ImportFileError (nothing read) when it cannot be read or lacks a column."""
    suffix = path.suffix.lower()
    limits = limits or ReadLimits.from_settings()
    if not path.is_file():
        raise file_error(path, "no_file", path=str(path))
    if suffix in CSV_SUFFIXES + XLSX_SUFFIXES:
        check_content(path)
    if suffix in CSV_SUFFIXES:
        with csv_table(path, columns, limits) as table:
            yield table
    elif suffix in XLSX_SUFFIXES:
        with xlsx_table(path, columns, limits, sheet=sheet) as table:
            yield table
    elif suffix:
        raise file_error(path, "bad_extension", suffix=suffix)
    else:
        raise file_error(path, "no_extension")


def workbook_sheets(path: Source) -> list[str]:
    """The sheets of an XLSX file, in order ([] for a CSV file): more than one means the reader chooses."""
    if path.suffix.lower() not in XLSX_SUFFIXES:
        return []
    check_content(path)
    return sheet_names(path)
