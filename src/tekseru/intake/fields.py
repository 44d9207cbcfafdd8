"""Parsing one cell into a typed value; a parser returns the value or appends a RowError and returns None."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from tekseru.catalog.identifiers import InvalidIdentifier, validate_identifier
from tekseru.intake.errors import ErrorKind, RowError
from tekseru.intake.readers import SourceRow

# Files repeat the same BINs (evidence) row after row; the checks of valid ones are remembered.
_valid_identifier = lru_cache(maxsize=100_000)(validate_identifier)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = frozenset({"true", "yes", "1", "иә", "да"})
_FALSE = frozenset({"false", "no", "0", "жоқ", "нет"})


@dataclass
class RowCheck:
    """The errors found in one row so far; the parsers below add to them."""

    file: str
    row: SourceRow
    errors: list[RowError] = field(default_factory=list)

    def add(self, name: str, kind: ErrorKind, message: str) -> None:
        self.errors.append(RowError(self.file, self.row.number, name, kind, message))

    def value(self, name: str) -> str:
        return self.row.values.get(name, "")

    def required(self, name: str) -> str | None:
        text = self.value(name)
        if not text:
            self.add(name, ErrorKind.MISSING_VALUE, "a value is required")
            return None
        return text

    def limited(self, name: str, text: str | None, limit: int) -> str | None:
        if text is not None and len(text) > limit:
            self.add(
                name, ErrorKind.VALUE_TOO_LONG, f"the value has {len(text)} characters, at most {limit} fit"
            )
            return None
        return text

    def identifier(self, name: str) -> str | None:
        text = self.required(name)
        if text is None:
            return None
        try:
            return _valid_identifier(text)
        except InvalidIdentifier as error:
            self.add(name, ErrorKind.INVALID_BIN, str(error))
            return None

    def integer(self, name: str, what: str) -> int | None:
        text = self.required(name)
        if text is None:
            return None
        if not text.isascii() or not text.isdigit():
            self.add(name, ErrorKind.INVALID_NUMBER, f"{text!r} is not {what} (a whole number such as 12)")
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
            self.add(
                name,
                ErrorKind.INVALID_DATE,
                f"{text!r} is not a date written as YYYY-MM-DD (e.g. 2024-03-31)",
            )
            return None
        if value > today:
            self.add(name, ErrorKind.FUTURE_DATE, f"{text} is in the future (today is {today.isoformat()})")
            return None
        return value

    def optional_boolean(self, name: str) -> bool | None:
        text = self.value(name).lower()
        if not text:
            return None
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        self.add(
            name, ErrorKind.INVALID_BOOLEAN, f"{self.value(name)!r} is neither true nor false (or empty)"
        )
        return None

    def too_many_values(self) -> None:
        if self.row.extra_values:
            self.errors.append(
                RowError(
                    self.file,
                    self.row.number,
                    None,
                    ErrorKind.TOO_MANY_VALUES,
                    f"the row has {self.row.extra_values} value(s) beyond the header's columns; "
                    "check the separators and the quotes",
                )
            )
