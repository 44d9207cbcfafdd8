"""File names a client sent, made safe to keep, show and offer for download."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 120  # characters of a file's name kept: readable in any listing


def sanitise_file_name(name: str, max_length: int = MAX_NAME) -> str:
    """A name safe to show and offer for download: the last part of whatever path the client sent, in NFC,
    every character but letters, digits, space and `._-()` replaced by "_", no leading dots."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    cleaned = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in base)
    cleaned = re.sub(r"_+", "_", re.sub(r"\s+", " ", cleaned)).strip(" ._")
    stem, dot, suffix = cleaned.rpartition(".")
    stem, suffix = (stem, suffix[:10].lower()) if dot else (cleaned, "")
    stem = stem[: max_length - len(suffix) - 1].rstrip(" ._") or "attachment"
    return f"{stem}.{suffix}" if suffix else stem
