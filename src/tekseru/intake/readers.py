"""Reading a table with a header row from CSV (UTF-8, with or without a BOM, or UTF-16 with its BOM; comma,
semicolon or tab) or XLSX (the first sheet).

Rows are numbered as a person counts them in the file: the first record or sheet row is 1, blank rows
count. Cells come out as trimmed strings; blank rows are skipped. Only XLSX cells that hold a value are
read, and a file with data beyond the row or column limits (settings, see ReadLimits) is refused, so a
small hostile file cannot keep a worker busy. A cell with a control character (a NUL byte, say) gives an
error on its row and field instead of being stored cut short.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from tekseru.intake.errors import ErrorKind, ImportFileError, RowError
from tekseru.intake.text import control_character
from tekseru.settings import Settings

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns of an import format: those a file must have and those it may have."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """The furthest row and column a file may hold data in (settings TEKSERU_IMPORT_MAX_ROWS and
    TEKSERU_IMPORT_MAX_COLUMNS)."""

    max_rows: int
    max_columns: int

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ReadLimits:
        chosen = settings or Settings.from_environment()
        return cls(chosen.import_max_rows, chosen.import_max_columns)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: its number, the cells as read (for the rejected file) and the known columns' values;
    `errors` are what is wrong with the cells themselves (control characters), found while reading."""

    number: int
    cells: tuple[str, ...]
    values: dict[str, str]
    extra_values: int = 0
    errors: tuple[RowError, ...] = ()


@dataclass(frozen=True)
class Table:
    file: str
    header: tuple[str, ...]
    delimiter: str
    total: int
    rows: Iterator[SourceRow]


def _error(
    path: Path,
    key: str,
    row: int | None = None,
    field: str | None = None,
    kind: ErrorKind = ErrorKind.UNREADABLE_FILE,
    /,
    **params: Any,
) -> ImportFileError:
    return ImportFileError([RowError.of(path.name, row, field, kind, key, **params)])


@contextmanager
def open_table(path: Path, columns: Columns, limits: ReadLimits | None = None) -> Iterator[Table]:
    """The file's table; ImportFileError (nothing read) when it cannot be read or lacks a column."""
    suffix = path.suffix.lower()
    limits = limits or ReadLimits.from_settings()
    if not path.is_file():
        raise _error(path, "no_file", path=str(path))
    if suffix in CSV_SUFFIXES:
        with _csv_table(path, columns, limits) as table:
            yield table
    elif suffix in XLSX_SUFFIXES:
        with _xlsx_table(path, columns, limits) as table:
            yield table
    elif suffix:
        raise _error(path, "bad_extension", suffix=suffix)
    else:
        raise _error(path, "no_extension")


# CSV ------------------------------------------------------------------------------------------------------


def _encoding(path: Path) -> str:
    """UTF-16 when the file starts with its byte order mark (Excel's "Unicode text") or, without one, with
    ASCII text every other byte of which is NUL; else UTF-8."""
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(start) == 4 and start[1] == start[3] == 0 and start[0] and start[2]:
        return "utf-16-le"
    if len(start) == 4 and start[0] == start[2] == 0 and start[1] and start[3]:
        return "utf-16-be"
    return "utf-8-sig"


@dataclass(frozen=True)
class _CsvFile:
    path: Path
    encoding: str
    delimiter: str
    limits: ReadLimits

    def open(self) -> IO[str]:
        return self.path.open("r", encoding=self.encoding, newline="")

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """The records, numbered; ImportFileError naming the row and field of a broken quote, a value over
        the csv module's limit (128 KiB) or data beyond the row and column limits."""
        with self.open() as handle:
            raw: list[str] = []

            def lines() -> Iterator[str]:
                for line in handle:
                    raw.append(line)
                    yield line

            reader = csv.reader(lines(), delimiter=self.delimiter, strict=True)
            number = 0
            while True:
                raw.clear()
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    raise self._broken(number + 1, "".join(raw)) from None
                number += 1
                if number > self.limits.max_rows and any(cell.strip() for cell in record):
                    raise _too_many_rows(self.path, number, self.limits)
                if len(record) > self.limits.max_columns and any(
                    cell.strip() for cell in record[self.limits.max_columns :]
                ):
                    raise _too_many_columns(self.path, number, self.limits)
                yield number, record

    def _broken(self, number: int, text: str) -> ImportFileError:
        limit = csv.field_size_limit()
        index, too_long = _broken_field(text, self.delimiter, limit)
        field = self._field_name(index)
        if too_long:
            return _error(self.path, "field_too_long", number, field, ErrorKind.VALUE_TOO_LONG, limit=limit)
        return _error(self.path, "unclosed_quote", number, field, ErrorKind.UNCLOSED_QUOTE)

    def _field_name(self, index: int) -> str:
        """The header's name of the column at `index` (read again: the error may be in the header)."""
        with self.open() as handle:
            for line in handle:
                if line.strip():
                    return _column_name(_names(line, self.delimiter), index)
        return _column_name([], index)


def _broken_field(text: str, delimiter: str, limit: int) -> tuple[int, bool]:
    """Where the csv module gave up on a record's text: (the field's index, whether it was too long). It
    stops at a field longer than `limit`, at text after a closing quote, or at the end (a quote left open)."""
    index, length, quoted, after_quote = 0, 0, False, False
    for position, character in enumerate(text):
        if quoted:
            if character == '"':
                quoted, after_quote = text[position + 1 : position + 2] == '"', True
                if quoted:  # a doubled quote stands for one quote
                    after_quote = False
            else:
                length += 1
        elif character == delimiter:
            index, length, after_quote = index + 1, 0, False
        elif character in "\r\n":
            after_quote = False
        elif after_quote:
            return index, False
        elif character == '"' and length == 0:
            quoted = True
        else:
            length += 1
        if length > limit:
            return index, True
    return index, False


def _sniff_delimiter(csv_file: _CsvFile) -> str:
    with csv_file.open() as handle:
        for line in handle:
            if line.strip():
                return max(DELIMITERS, key=line.count) if any(d in line for d in DELIMITERS) else ","
    return ","


@contextmanager
def _csv_table(path: Path, columns: Columns, limits: ReadLimits) -> Iterator[Table]:
    csv_file = _CsvFile(path, _encoding(path), ",", limits)
    try:
        csv_file = _CsvFile(path, csv_file.encoding, _sniff_delimiter(csv_file), limits)
        header_number, header, total = _header_and_count(csv_file)
    except UnicodeError:
        raise _encoding_error(path, csv_file.encoding) from None
    except OSError as error:
        raise _error(path, "cannot_read", detail=str(error)) from None
    fields = _check_header(path, header_number, header, columns)
    rows = _rows(path, csv_file.records(), header_number, fields, header)
    yield Table(path.name, tuple(header), csv_file.delimiter, total, rows)


def _header_and_count(csv_file: _CsvFile) -> tuple[int, list[str], int]:
    """The header's row number and cells, and how many non-blank rows follow it (reads the whole file, so
    that a broken record is found before anything is stored)."""
    header_number, header, total = 0, [], 0
    for number, record in csv_file.records():
        if not any(cell.strip() for cell in record):
            continue
        if header_number:
            total += 1
        else:
            header_number, header = number, record
    return header_number, header, total


def _encoding_error(path: Path, encoding: str) -> ImportFileError:
    """Where the text stops being `encoding` (its line and field) and what it seems to be instead."""
    raw = path.read_bytes()
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as error:
        start, cut = error.start, error.reason in ("unexpected end of data", "truncated data")
    else:  # cannot happen: the stream's error is in the whole too
        start, cut = len(raw), True
    line_start = raw.rfind(b"\n", 0, start) + 1
    line = raw.count(b"\n", 0, start) + 1
    before = raw[line_start:start].decode(encoding, errors="replace")
    delimiter = max(DELIMITERS, key=raw[: line_start or start].split(b"\n")[0].decode("latin-1").count)
    first_line = raw.split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff")
    field = _column_name(_names(first_line, delimiter), before.count(delimiter)) if line > 1 else None
    if cut:
        return _error(path, "truncated_utf8", line, field)
    if _looks_cyrillic_1251(raw):
        return _error(path, "cp1251", line, field)
    return _error(path, "not_utf8", line, field, byte=f"{raw[min(start, len(raw) - 1)]:#04x}")


def _names(line: str, delimiter: str) -> list[str]:
    """The cells of a header line, for naming a column in an error about a file that is already broken."""
    text = (line.splitlines() or [""])[0]
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return text.split(delimiter)


def _looks_cyrillic_1251(raw: bytes) -> bool:
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    high = [character for character in text if ord(character) >= 0x80]
    return bool(high) and sum("\u0400" <= c <= "\u04ff" for c in high) >= 0.8 * len(high)


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
def _xlsx_table(path: Path, columns: Columns, limits: ReadLimits) -> Iterator[Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # openpyxl raises zipfile, XML and its own errors for a bad file
        raise _error(path, "not_xlsx", detail=str(error)) from None
    try:
        raw = _xlsx_records(path, workbook, sheet, limits)
        header_number, header = _first_nonblank((n, [_cell_text(v) for v in values]) for n, values in raw)
        fields = _check_header(path, header_number, header, columns)
        records = ((number, _xlsx_cells(values, fields.get("bin"))) for number, values in raw)
        total = max(min(sheet.max_row or 0, limits.max_rows) - header_number, 0)
        rows = _rows(path, records, header_number, fields, header)
        yield Table(path.name, tuple(header), ",", total, rows)
    finally:
        workbook.close()


def _xlsx_records(
    path: Path, workbook: Any, sheet: Any, limits: ReadLimits
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
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in parser.parse():
                held = [(cell["column"], cell["value"]) for cell in cells if cell["value"] not in (None, "")]
                if not held:
                    continue
                if number > limits.max_rows:
                    raise _too_many_rows(path, number, limits)
                last = max(column for column, _ in held)
                if last > limits.max_columns:
                    raise _too_many_columns(path, number, limits, column=last)
                values: list[Any] = [None] * last
                for column, value in held:
                    values[column - 1] = value
                yield number, values
    except ImportFileError:
        raise
    except Exception as error:  # a damaged sheet: XML, numbers or dates openpyxl cannot convert
        raise _error(path, "not_xlsx", detail=str(error)) from None


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


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _too_many_rows(path: Path, number: int, limits: ReadLimits) -> ImportFileError:
    return _error(
        path,
        "too_many_rows",
        number,
        None,
        ErrorKind.FILE_TOO_LARGE,
        row=number,
        limit=limits.max_rows,
        setting="TEKSERU_IMPORT_MAX_ROWS",
    )


def _too_many_columns(
    path: Path, number: int, limits: ReadLimits, column: int | None = None
) -> ImportFileError:
    where = _column_letters(column) if column else f"#{limits.max_columns + 1}+"
    return _error(
        path,
        "too_many_columns",
        number,
        where,
        ErrorKind.FILE_TOO_LARGE,
        column=where,
        limit=limits.max_columns,
        setting="TEKSERU_IMPORT_MAX_COLUMNS",
    )


def _column_name(header: Sequence[str], index: int) -> str:
    """How an error names a column: its name in the header, or its number (#7) when it has none."""
    name = header[index].strip().lower() if index < len(header) else ""
    return name if name and control_character(name) is None else f"#{index + 1}"


def _check_header(path: Path, number: int, header: Sequence[str], columns: Columns) -> dict[str, int]:
    """Where each known column is; ImportFileError naming every required column that is missing."""
    if not number:
        raise _error(path, "empty_file", columns=",".join(columns.required))
    joined = "".join(header)
    if joined.count("\x00") * 3 >= len(joined.strip()) > 0:  # every other byte NUL: UTF-16 read as UTF-8
        raise _error(path, "utf16_no_mark", number)
    bad = [_control_error(path, number, header, index, cell) for index, cell in enumerate(header)]
    if any(bad):
        raise ImportFileError([error for error in bad if error is not None])
    names = [cell.strip().lower() for cell in header]
    positions = {name: index for index, name in reversed(list(enumerate(names))) if name}
    missing = [name for name in columns.required if name not in positions]
    if missing:
        has = ", ".join(name for name in names if name)
        key, params = ("missing_column", {"names": has}) if has else ("missing_column_no_names", {})
        raise ImportFileError(
            [
                RowError.of(path.name, number, name, ErrorKind.MISSING_COLUMN, key, **params)
                for name in missing
            ]
        )
    known = (*columns.required, *columns.optional)
    return {name: position for name, position in positions.items() if name in known}


def _control_error(path: Path, number: int, header: Sequence[str], index: int, cell: str) -> RowError | None:
    found = control_character(cell)
    if found is None:
        return None
    position, code = found
    return RowError.of(
        path.name,
        number,
        _column_name(header, index),
        ErrorKind.CONTROL_CHARACTER,
        "control_character",
        code=code,
        position=position,
    )


def _rows(
    path: Path,
    records: Iterator[tuple[int, list[str]]],
    header_number: int,
    fields: dict[str, int],
    header: Sequence[str],
) -> Iterator[SourceRow]:
    width = len(header)
    for number, record in records:
        if number <= header_number or not any(cell.strip() for cell in record):
            continue
        cells = tuple(cell.strip() for cell in record)
        values = {name: cells[position] if position < len(cells) else "" for name, position in fields.items()}
        extra = sum(1 for cell in cells[width:] if cell)
        found = (_control_error(path, number, header, index, cell) for index, cell in enumerate(record))
        errors = tuple(error for error in found if error is not None)
        yield SourceRow(number, cells, values, extra, errors)
