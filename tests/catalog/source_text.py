"""Compare catalogue texts with the extracted source document, ignoring only what extraction broke.

Extraction from the PDF moved line breaks, spaced out letters and pushed item numbers into the text, but
kept every letter in order. So a cleaned text is faithful when, with whitespace and digits removed, it is
a piece of the source with whitespace and digits removed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SOURCE = Path(__file__).parents[2] / "src/tekseru/catalog/data/editions/2022-29983/source-kk.txt"
_IGNORED = re.compile(r"[\s\d]+")


def squash(text: str) -> str:
    return _IGNORED.sub("", text)


@cache
def squashed_source() -> str:
    return squash(SOURCE.read_text(encoding="utf-8"))


def position_in_source(text: str, start: int = 0) -> int:
    """Where the text starts in the squashed source at or after `start`, or -1 when it is not there."""
    return squashed_source().find(squash(text), start)
