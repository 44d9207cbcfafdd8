"""What both readers share: the columns of a format, the limits, the rows read and their checks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tekseru.intake.errors import ErrorKind, ImportFileError, RowError
from tekseru.intake.source import Source
from tekseru.settings import Settings
from tekseru.store.text import control_character


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
    """A file's table; `encoding` (a CSV's, by its common name) and `sheet` (an XLSX's) say how it was
    read, for the report."""

    file: str
    header: tuple[str, ...]
    delimiter: str
    total: int
    rows: Iterator[SourceRow]
    encoding: str | None = None
    sheet: str | None = None


def file_error(
    path: Source,
    key: str,
    row: int | None = None,
    field: str | None = None,
    kind: ErrorKind = ErrorKind.UNREADABLE_FILE,
    /,
    **params: Any,
) -> ImportFileError:
    return ImportFileError([RowError.of(path.name, row, field, kind, key, **params)])


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def too_many_rows(path: Source, number: int, limits: ReadLimits) -> ImportFileError:
    return file_error(
        path,
        "too_many_rows",
        number,
        None,
        ErrorKind.FILE_TOO_LARGE,
        row=number,
        limit=limits.max_rows,
        setting="TEKSERU_IMPORT_MAX_ROWS",
    )


def too_many_columns(
    path: Source, number: int, limits: ReadLimits, column: int | None = None
) -> ImportFileError:
    where = column_letters(column) if column else f"#{limits.max_columns + 1}+"
    return file_error(
        path,
        "too_many_columns",
        number,
        where,
        ErrorKind.FILE_TOO_LARGE,
        column=where,
        limit=limits.max_columns,
        setting="TEKSERU_IMPORT_MAX_COLUMNS",
    )


def column_name(header: Sequence[str], index: int) -> str:
    """How an error names a column: its name in the header, or its number (#7) when it has none."""
    name = header[index].strip().lower() if index < len(header) else ""
    return name if name and control_character(name) is None else f"#{index + 1}"


def check_header(path: Source, number: int, header: Sequence[str], columns: Columns) -> dict[str, int]:
    """Where each known column is; ImportFileError naming every required column that is missing."""
    if not number:
        raise file_error(path, "empty_file", columns=",".join(columns.required))
    joined = "".join(header)
    if joined.count("\x00") * 3 >= len(joined.strip()) > 0:  # every other byte NUL: UTF-16 read as UTF-8
        raise file_error(path, "utf16_no_mark", number)
    bad = [control_error(path, number, header, index, cell) for index, cell in enumerate(header)]
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


def control_error(path: Source, number: int, header: Sequence[str], index: int, cell: str) -> RowError | None:
    found = control_character(cell)
    if found is None:
        return None
    position, code = found
    return RowError.of(
        path.name,
        number,
        column_name(header, index),
        ErrorKind.CONTROL_CHARACTER,
        "control_character",
        code=code,
        position=position,
    )


class FormulaCell(str):
    """A spreadsheet cell that holds a formula, as its text ("=SUM(B2:B9)"): refused (`formula`), because
    the value a spreadsheet program would show is not reliably in the file, and a formula is no evidence."""


FORMULA_SHOWN = 60  # characters of a formula quoted in its error


def cell_error(path: Source, number: int, header: Sequence[str], index: int, cell: str) -> RowError | None:
    """What is wrong with a cell itself, whatever its column: a control character (first: the formula's
    error quotes the formula, and an error's text must not carry one), or a formula."""
    if isinstance(cell, FormulaCell) and control_character(cell) is None:
        shown = cell if len(cell) <= FORMULA_SHOWN else cell[: FORMULA_SHOWN - 1] + "…"
        name = column_name(header, index)
        return RowError.of(path.name, number, name, ErrorKind.FORMULA, "formula", formula=shown)
    return control_error(path, number, header, index, cell)


def data_rows(
    path: Source,
    records: Iterator[tuple[int, list[str]]],
    header_number: int,
    fields: dict[str, int],
    header: Sequence[str],
    *,
    formulas: bool = True,
) -> Iterator[SourceRow]:
    """The data rows of `records`; `formulas`: whether a cell may be a FormulaCell (not in a CSV file)."""
    width = len(header)
    named = tuple(fields.items())
    strip = str.strip
    for number, record in records:
        cells = tuple(map(strip, record))
        if number <= header_number or not any(cells):
            continue
        if len(cells) >= width:
            values = {name: cells[position] for name, position in named}
            extra = sum(1 for cell in cells[width:] if cell) if len(cells) > width else 0
        else:
            values = {name: cells[position] if position < len(cells) else "" for name, position in named}
            extra = 0
        yield SourceRow(number, cells, values, extra, _cell_errors(path, number, header, record, formulas))


def _cell_errors(
    path: Source, number: int, header: Sequence[str], record: list[str], formulas: bool
) -> tuple[RowError, ...]:
    """The errors of a record's cells. Most records have none: one search of all their text together (a
    control character is one character, so it is in the joined text just when it is in a cell) and, when
    the file may have formulas, a look at the cells' types tell, and only then is each cell looked at."""
    if control_character("".join(record)) is None and not (
        formulas and any(isinstance(cell, FormulaCell) for cell in record)
    ):
        return ()
    found = (cell_error(path, number, header, index, cell) for index, cell in enumerate(record))
    return tuple(error for error in found if error is not None)
