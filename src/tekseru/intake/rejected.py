"""The rejected-rows file of an import with skip-invalid: the rows as read, their numbers and errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from tekseru.documents.spreadsheet_cells import csv_writer
from tekseru.i18n import DEFAULT_LANGUAGE, translate
from tekseru.intake.errors import RowError
from tekseru.intake.readers import SourceRow
from tekseru.intake.source import Source


def default_rejected_path(source: Source) -> Path:
    """`<name>.rejected.csv` beside the imported file (in the working folder for bytes read from no file;
    those who import them with `skip_invalid` name the rejected file)."""
    beside = source if isinstance(source, Path) else Path(source.name)
    return beside.with_name(f"{beside.stem}.rejected.csv")


class RejectedRows:
    """Writes rejected rows as CSV, opened at the first one; UTF-8 with a BOM, which spreadsheets expect.

    In the reader's `language`: the row-number and errors columns are titled in it and each row's errors
    are said in it; the file's own columns keep their names (the format's, so that the rows can be
    corrected and imported again). Cells that would start a formula get an apostrophe before them
    (`tekseru.documents.spreadsheet_cells`).
    """

    def __init__(
        self, path: Path, header: Sequence[str], delimiter: str, language: str = DEFAULT_LANGUAGE
    ) -> None:
        self.path = path
        self.language = language
        self.header = tuple(header)
        self.delimiter = delimiter
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None
        self._width = len(self.header)

    def add(self, row: SourceRow, errors: Sequence[RowError]) -> None:
        writer = self._writer or self._open()
        cells = list(row.cells) + [""] * (self._width - len(row.cells))
        writer.writerow(
            [
                row.number,
                *cells[: self._width],
                "; ".join(_describe(error, self.language) for error in errors),
            ]
        )
        self.count += 1

    def _open(self) -> Any:
        self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv_writer(self._handle, delimiter=self.delimiter)
        words = (
            translate(self.language, "lang13.rejected.row"),
            translate(self.language, "lang13.rejected.errors"),
        )
        self._writer.writerow([words[0], *self.header, words[1]])
        return self._writer

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def _describe(error: RowError, language: str) -> str:
    return f"{error.field}: {error.text(language)}" if error.field else error.text(language)
