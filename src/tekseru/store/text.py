"""Text that cannot be stored: NUL bytes and other control characters (PostgreSQL refuses NUL in text and
SQLite cuts the text there; the others are invisible and corrupt printed documents)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from sqlalchemy.engine import ExecutionContext

from tekseru.message import Explained, tell

# Tab, line feed and carriage return are kept: a quoted cell or a comment may have several lines. The
# bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) are refused too: invisible,
# they reorder the text around them as it is shown, so that a name reads otherwise than it is stored.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def control_character(text: str) -> tuple[int, str] | None:
    """(1-based position, how to name it) of the first control character in `text`, or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    character = found.group()
    name = "NUL" if character == "\x00" else unicodedata.name(character, "")
    return found.start() + 1, f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def without_control_characters(text: str) -> str:
    """`text` with the control characters left out: what a search key keeps of it, and what a page may show
    back of what was typed (a NUL in HTML is a parse error, a bidirectional control reorders the page)."""
    return _CONTROL.sub("", text)


class InvalidText(Explained, ValueError):
    """A text to be stored holds a control character: refused before it reaches the database."""

    def __init__(self, field: str, position: int, code: str) -> None:
        super().__init__(f"{field}: a control character {code} at position {position} cannot be stored")
        self.field, self.position, self.code = field, position, code
        self.message = tell("refusal.text.control_character", field=field, code=code, position=position)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)


def refuse_control_characters(
    _connection: object,
    _cursor: object,
    _statement: str,
    _parameters: object,
    context: ExecutionContext | None,
    executemany: bool,
) -> None:
    """Every single-row write, whatever interface it came from, is checked here before it reaches the
    database: PostgreSQL refuses NUL in text and SQLite cuts the text there, and other control characters
    corrupt printed documents. Bulk writes (`executemany`) are the imports, whose rows intake has already
    checked with file, row and field, and the results the engine computes."""
    parameters = getattr(context, "compiled_parameters", None)
    if executemany or not parameters:
        return
    for name, value in parameters[0].items():
        for text in _texts(value):
            if found := control_character(text):
                raise InvalidText(name, *found)
