"""Writing a table (a header and rows) as CSV, XLSX or JSON a piece at a time, for exports of any length.

CSV and JSON come out as chunks of bytes while the rows are read, so that a 100,000-row export never holds
the whole file. CSV comes in two forms: for programs (the API), comma-separated with decimal points; and for
Excel in the reader's language (what a person downloads from a page), whose Kazakh and Russian settings
expect `;` between cells and a decimal comma (a comma-separated file then opens as one column, and 45.5 as a
date). Both start with a byte order mark, so that Excel reads them as UTF-8, Kazakh letters included.
XLSX is written by openpyxl's write-only workbook to a temporary file (its rows go to disk
as they come) and then read back in chunks. CSV and XLSX cells go through `spreadsheet_cells`, so that no
text becomes a formula; JSON keeps the text as it is, under the columns' keys.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tekseru.documents.spreadsheet_cells import csv_writer, set_text_or_number

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
ROWS_PER_CHUNK = 500


@dataclass(frozen=True)
class CsvForm:
    """How a CSV file separates its cells and writes a fraction."""

    delimiter: str = ","
    decimal: str = "."


FOR_PROGRAMS = CsvForm()
# Excel takes the list separator and the decimal sign of the system's regional settings: `;` and `,` for
# Kazakh and Russian, `,` and `.` for English.
FOR_EXCEL = {"kk": CsvForm(";", ","), "ru": CsvForm(";", ","), "en": FOR_PROGRAMS}


def excel_csv(language: str) -> CsvForm:
    """The CSV form Excel opens as a table where the reader's language (kk, ru, en) is the system's."""
    return FOR_EXCEL.get(language, FOR_PROGRAMS)


BYTES_PER_CHUNK = 1024 * 1024


def table_chunks(
    format: str,
    keys: Sequence[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    title: str | None = None,
    csv_form: CsvForm = FOR_PROGRAMS,
) -> Iterator[bytes]:
    """The file of `format` as chunks: `header` (words for people) heads CSV and XLSX, `keys` name JSON's
    fields, `title` (words for people too) names the XLSX sheet, `csv_form` separates CSV's cells."""
    if format == "csv":
        return _csv(header, rows, csv_form)
    if format == "json":
        return _json(keys, rows)
    if format == "xlsx":
        return _xlsx(header, rows, title)
    raise ValueError(f"format: one of {', '.join(FORMATS)}, not {format!r}")


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return " ".join(str(item) for item in value)
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]], form: CsvForm) -> Iterator[bytes]:
    # A byte order mark: Excel then reads the file as UTF-8 (Kazakh letters included), not as the
    # locale's code page.
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n", delimiter=form.delimiter)
    buffer.write("\ufeff")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_in_csv(value, form) for value in row])
        if number % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


class _Fraction:
    """A number written with a decimal comma: not text, so that a negative one gets no apostrophe."""

    def __init__(self, value: float, decimal: str) -> None:
        self.text = repr(value).replace(".", decimal)

    def __str__(self) -> str:
        return self.text


def _in_csv(value: object, form: CsvForm) -> object:
    if isinstance(value, float) and form.decimal != ".":
        return _Fraction(value, form.decimal)
    return _plain(value)


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _json(keys: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    parts: list[str] = ["["]
    for number, row in enumerate(rows):
        item = {key: _json_value(value) for key, value in zip(keys, row, strict=True)}
        parts.append(("," if number else "") + "\n" + json.dumps(item, ensure_ascii=False))
        if len(parts) >= ROWS_PER_CHUNK:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("\n]\n")
    yield "".join(parts).encode("utf-8")


def _xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], title: str | None) -> Iterator[bytes]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    # Without a title the tab read "Sheet", English, to every reader (tester finding 8).
    sheet = workbook.create_sheet(title[:31] if title else None)  # a sheet's name: 31 at most
    sheet.freeze_panes = "A2"

    def cells(values: Iterable[object]) -> list[WriteOnlyCell]:
        made = []
        for value in values:
            cell = WriteOnlyCell(sheet)
            set_text_or_number(cell, _plain(value))
            made.append(cell)
        return made

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    with tempfile.TemporaryDirectory(prefix="tekseru-export-") as folder:
        path = Path(folder) / "export.xlsx"
        workbook.save(path)
        with path.open("rb") as handle:
            while chunk := handle.read(BYTES_PER_CHUNK):
                yield chunk
