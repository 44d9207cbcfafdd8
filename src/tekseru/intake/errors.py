"""What can be wrong with an import file: each error names the file, the row and the field, and says what is
wrong in the reader's language (kk, ru or en; the texts are the `intake.po` catalogues, see messages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tekseru.intake.messages import KEYS, render
from tekseru.message import Explained, tell


class ErrorKind(StrEnum):
    """Every kind of import error; docs/import-formats.md describes each (a test keeps them in step)."""

    UNREADABLE_FILE = "unreadable_file"
    FILE_TOO_LARGE = "file_too_large"
    UNCLOSED_QUOTE = "unclosed_quote"
    MISSING_COLUMN = "missing_column"
    TOO_MANY_VALUES = "too_many_values"
    CONTROL_CHARACTER = "control_character"
    FORMULA = "formula"
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
    DATE_OUT_OF_RANGE = "date_out_of_range"
    INVALID_BOOLEAN = "invalid_boolean"
    DUPLICATE_ROW = "duplicate_row"
    UNKNOWN_SUBJECT = "unknown_subject"
    INVALID_IIN = "invalid_iin"
    UNKNOWN_VALUE = "unknown_value"
    END_BEFORE_START = "end_before_start"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem; `row` counts rows as a person does (the header is row 1), None for the whole file.

    `message` is the English text; `key` and `params` (when the error was made with `of`) give the text in
    the other languages (`text`, `describe`). Errors made elsewhere with a message only stay English."""

    file: str
    row: int | None
    field: str | None
    kind: ErrorKind
    message: str
    key: str | None = None
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(
        cls, file: str, row: int | None, field: str | None, kind: ErrorKind, key: str, /, **params: Any
    ) -> RowError:
        return cls(file, row, field, kind, _text(key, "en", params, False), key, tuple(params.items()))

    def text(self, language: str | None = None, *, name_setting: bool = False) -> str:
        """What is wrong, in `language` (kk, ru or en). A limit that is a setting is called a server
        setting; `name_setting` names its environment variable too, for the one who runs the server (the
        command line), never for a user of the web pages."""
        if self.key is None or self.key not in KEYS:
            return self.message
        return _text(self.key, language, dict(self.params), name_setting)

    def describe(self, language: str | None = None, *, name_setting: bool = False) -> str:
        """`file, row N, field: message` in `language`."""
        place = [self.file]
        if self.row is not None:
            place.append(render("row", language, row=self.row))
        if self.field is not None:
            place.append(self.field)
        return f"{', '.join(place)}: {self.text(language, name_setting=name_setting)}"

    def texts(self) -> dict[str, str]:
        """The message in every language, for records read later in a language not known now (jobs)."""
        return {language: self.text(language) for language in ("kk", "ru", "en")}

    def __str__(self) -> str:
        return self.describe("en")


def _text(key: str, language: str | None, params: dict[str, Any], name_setting: bool) -> str:
    if "setting" in params:  # an environment variable's name: only for the one who runs the server
        variable = params["setting"]
        said = render("setting_named", language, setting=variable) if name_setting else None
        params = {**params, "setting": said or render("server_setting", language)}
    return render(key, language, **params)


MAX_ERRORS_KEPT = 10_000


class ImportFileError(Explained, ValueError):
    """The file was not imported (nothing of it was stored) because of these errors."""

    def __init__(self, errors: Sequence[RowError], error_count: int | None = None) -> None:
        self.errors = tuple(errors)
        self.error_count = len(self.errors) if error_count is None else error_count
        file = self.errors[0].file if self.errors else "the file"
        super().__init__(f"{file} was not imported: {self.error_count} error(s); the first: {self.errors[0]}")
        self.message = tell("intake.not_imported", file=file, count=self.error_count)
