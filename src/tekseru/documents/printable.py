"""Text as a printed document can hold it, whatever a person typed or a file carried."""

from __future__ import annotations

import re

__all__ = ["printable"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with each control character (a NUL byte, a bell; not a line break or a tab) shown as U+FFFD,
    which XML (DOCX) cannot hold and a font has no letter for, and CR LF as LF."""
    return _CONTROL.sub("\ufffd", text.replace("\r\n", "\n"))
