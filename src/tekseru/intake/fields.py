"""Parsing one cell into a typed value; a parser returns the value or appends a RowError and returns None."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from tekseru.catalog.identifiers import InvalidIdentifier, check_digit, validate_identifier
from tekseru.intake.errors import ErrorKind, RowError
from tekseru.intake.readers import SourceRow

# Files repeat the same BINs (evidence) row after row; the checks of valid ones are remembered.
_valid_identifier = lru_cache(maxsize=100_000)(validate_identifier)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The words a yes/no cell may hold, as (yes, no) pairs; an error names them all.
_YES_NO = (("иә", "жоқ"), ("да", "нет"), ("true", "false"), ("yes", "no"), ("1", "0"))
_TRUE = frozenset(yes for yes, _ in _YES_NO)
_FALSE = frozenset(no for _, no in _YES_NO)
_ACCEPTED = ", ".join(f"{yes}/{no}" for yes, no in _YES_NO)
# Dates outside these years are typing mistakes (0001-01-01, 2204-...), not facts of an inspection.
FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass
class RowCheck:
    """The errors found in one row so far; the parsers below add to them."""

    file: str
    row: SourceRow
    errors: list[RowError] = field(default_factory=list)

    def add(self, name: str, kind: ErrorKind, key: str, /, **params: Any) -> None:
        self.errors.append(RowError.of(self.file, self.row.number, name, kind, key, **params))

    def value(self, name: str) -> str:
        return self.row.values.get(name, "")

    def required(self, name: str) -> str | None:
        text = self.value(name)
        if not text:
            self.add(name, ErrorKind.MISSING_VALUE, "missing_value")
            return None
        return text

    def limited(self, name: str, text: str | None, limit: int) -> str | None:
        if text is not None and len(text) > limit:
            self.add(name, ErrorKind.VALUE_TOO_LONG, "value_too_long", length=len(text), limit=limit)
            return None
        return text

    def identifier(self, name: str) -> str | None:
        text = self.required(name)
        if text is None:
            return None
        try:
            return _valid_identifier(text)
        except InvalidIdentifier:
            key, params = _identifier_problem(text.strip())
            self.add(name, ErrorKind.INVALID_BIN, key, text=text.strip(), **params)
            return None

    def integer(self, name: str, key: str) -> int | None:
        """A whole number; `key` is the message for text that is not one (invalid_criterion_number...)."""
        text = self.required(name)
        if text is None:
            return None
        if not text.isascii() or not text.isdigit():
            self.add(name, ErrorKind.INVALID_NUMBER, key, text=text)
            return None
        return int(text)

    def past_date(self, name: str, today: date) -> date | None:
        text = self.required(name)
        if text is None:
            return None
        try:
            if not _ISO_DATE.match(text):
                raise ValueError(text)
            value = date.fromisoformat(text)
        except ValueError:
            self.add(name, ErrorKind.INVALID_DATE, "invalid_date", text=text)
            return None
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            self.add(
                name,
                ErrorKind.DATE_OUT_OF_RANGE,
                "date_out_of_range",
                text=text,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
            return None
        if value > today:
            self.add(name, ErrorKind.FUTURE_DATE, "future_date", text=text, today=today)
            return None
        return value

    def optional_boolean(self, name: str) -> bool | None:
        text = self.value(name).lower()
        if not text:
            return None
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        self.add(
            name, ErrorKind.INVALID_BOOLEAN, "invalid_boolean", text=self.value(name), accepted=_ACCEPTED
        )
        return None

    def too_many_values(self) -> None:
        if self.row.extra_values:
            self.errors.append(
                RowError.of(
                    self.file,
                    self.row.number,
                    None,
                    ErrorKind.TOO_MANY_VALUES,
                    "too_many_values",
                    count=self.row.extra_values,
                )
            )


def _identifier_problem(text: str) -> tuple[str, dict[str, Any]]:
    """Why `text` (which validate_identifier refused) is not a BIN, as a message key and its values."""
    if not text:
        return "bin_empty", {}
    if not text.isascii() or not text.isdigit():
        return "bin_not_digits", {}
    if len(text) != 12:
        return "bin_length", {"length": len(text)}
    expected = check_digit(text[:-1])
    if expected is None:
        return "bin_no_check_digit", {}
    return "bin_check_digit", {"digit": text[-1], "expected": expected}
