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


# Cyrillic (Russian and Kazakh) in Latin letters, for the plain-ASCII name of a download (the `filename=` of
# Content-Disposition, which older clients read): the Kazakh Latin alphabet of 2021 for Kazakh letters.
_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh",
    "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip


def download_name(*parts: str, suffix: str) -> str:
    """The name of a document to download or save, safe on every system: its `parts` joined by "-", each
    character but letters, digits, "_" and "." made "-" (so a "/" or ":" of an inspection's number cannot
    make a path), no part starting or ending with a dot or a dash; letters of any script are kept."""
    cleaned = (
        re.sub(r"-{2,}", "-", "".join(ch if ch.isalnum() or ch in "._" else "-" for ch in part)).strip(".-_")
        for part in (unicodedata.normalize("NFC", part) for part in parts)
    )
    stem = "-".join(part for part in cleaned if part)[: MAX_NAME - len(suffix) - 1].rstrip(".-_")
    return f"{stem or 'document'}.{suffix}"


def ascii_name(name: str) -> str:
    """`name` (as `download_name` makes it) in plain ASCII: Cyrillic spelled in Latin letters, accents
    dropped, any other character but ASCII letters, digits and `._-` made "_"."""
    decomposed = unicodedata.normalize("NFKD", "".join(_spelled(ch) for ch in name))
    return "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "" if unicodedata.combining(ch) else "_"
        for ch in decomposed
    )


def _spelled(ch: str) -> str:
    latin = _LATIN.get(ch.lower())
    if latin is None:
        return ch
    return latin.upper() if ch.isupper() else latin
