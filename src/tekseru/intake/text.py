"""Text that cannot be stored: NUL bytes and other control characters (PostgreSQL refuses NUL in text and
SQLite cuts the text there; the others are invisible and corrupt printed documents)."""

from __future__ import annotations

import re
import unicodedata

# Tab, line feed and carriage return are kept: a quoted cell or a comment may have several lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str) -> tuple[int, str] | None:
    """(1-based position, how to name it) of the first control character in `text`, or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    character = found.group()
    name = "NUL" if character == "\x00" else unicodedata.name(character, "")
    return found.start() + 1, f"U+{ord(character):04X}" + (f" ({name})" if name else "")
