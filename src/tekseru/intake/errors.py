"""What can be wrong with an import file: each error names the file, the row and the field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ErrorKind(StrEnum):
    """Every kind of import error; docs/import-formats.md describes each (a test keeps them in step)."""

    UNREADABLE_FILE = "unreadable_file"
    MISSING_COLUMN = "missing_column"
    TOO_MANY_VALUES = "too_many_values"
    MISSING_VALUE = "missing_value"
    VALUE_TOO_LONG = "value_too_long"
    INVALID_BIN = "invalid_bin"
    UNKNOWN_REGION = "unknown_region"
    UNKNOWN_GROUP = "unknown_group"
    INVALID_NUMBER = "invalid_number"
    UNKNOWN_CRITERION = "unknown_criterion"
    SOURCE_GROUP_MISMATCH = "source_group_mismatch"
    INVALID_DATE = "invalid_date"
    FUTURE_DATE = "future_date"
    INVALID_BOOLEAN = "invalid_boolean"
    DUPLICATE_ROW = "duplicate_row"
    UNKNOWN_SUBJECT = "unknown_subject"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem; `row` counts rows as a person does (the header is row 1), None for the whole file."""

    file: str
    row: int | None
    field: str | None
    kind: ErrorKind
    message: str

    def __str__(self) -> str:
        place = [self.file]
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.field is not None:
            place.append(self.field)
        return f"{', '.join(place)}: {self.message}"


MAX_ERRORS_KEPT = 10_000


class ImportFileError(ValueError):
    """The file was not imported (nothing of it was stored) because of these errors."""

    def __init__(self, errors: Sequence[RowError], error_count: int | None = None) -> None:
        self.errors = tuple(errors)
        self.error_count = len(self.errors) if error_count is None else error_count
        file = self.errors[0].file if self.errors else "the file"
        super().__init__(f"{file} was not imported: {self.error_count} error(s); the first: {self.errors[0]}")
