"""The one rule that keeps text from becoming a formula in a spreadsheet (CSV and formula injection).

Names, addresses and rejected cells come from imported files. A spreadsheet program that opens a CSV runs a
cell starting with = + - @ (or a tab or carriage return before one of them) as a formula, which can fetch
addresses or run commands. Every CSV tekseru writes goes through `csv_writer`, which puts an apostrophe
before such a cell, the usual mark of "text, not a formula"; every XLSX cell of ours is written with
`set_text_or_number`, as a string, never a formula. The database, JSON and PDF keep the original text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl (and the numpy it imports) only when an XLSX cell is written, not for CSV
    from openpyxl.cell.cell import Cell

__all__ = ["FORMULA_PREFIXES", "SafeCsvWriter", "csv_writer", "neutralise", "set_text_or_number"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_REPLACEMENT = "\ufffd"


def neutralise(value: object) -> object:
    """A text starting like a formula, with an apostrophe before it; any other value as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


class SafeCsvWriter:
    """`csv.writer` that writes every cell through `neutralise`."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str], **options: Any) -> SafeCsvWriter:
    """A CSV writer for any file a user may open in a spreadsheet; `options` as for `csv.writer`."""
    return SafeCsvWriter(handle, **options)


def set_text_or_number(cell: Cell, value: object) -> None:
    """Put `value` in an XLSX cell: numbers as numbers, everything else as a string, never a formula.

    Characters XML cannot hold (control characters other than tab, line feed and carriage return) are shown
    as U+FFFD instead of failing the whole workbook.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # loaded already: `cell` is openpyxl's

    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        text = "" if value is None else ILLEGAL_CHARACTERS_RE.sub(_REPLACEMENT, str(value))
        cell.value = text
        cell.data_type = "s"
    else:
        cell.value = value
