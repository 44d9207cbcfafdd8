"""What a kk or ru reader of a command's output must never see: English words (the old column headers and
messages) or internal keys (`stationary_care`, `east_kazakhstan`, `2027-H1`, `inspection.print`).

Machine parts of the output are left out first: file paths and names, commands in backticks, hashes and
other tokens with digits, and names like `cli:root` (the audit's actor)."""

from __future__ import annotations

import re

# ASCII words a kk or ru reader may meet: the program's name and the --lang values it suggests.
ALLOWED = {"tekseru", "lang", "kk", "ru"}
MESSAGE_KEY = re.compile(
    r"\b(?:cli|plans|inspection|inspections|role|risk|severity|half_year|format)\.[a-z_]"
)
HALF_YEAR = re.compile(r"\b\d{4}-H[12]\b")
SNAKE_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def _readable_tokens(text: str) -> list[str]:
    text = re.sub(r"`[^`]*`", " ", text)
    return [token for token in text.split() if not re.search(r"[/\\]|\w[.:]\w|\d", token)]


def reader_problems(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """English words and internal keys in `text`, as a list (empty when the output is clean)."""
    problems = [f"key {found}" for found in MESSAGE_KEY.findall(re.sub(r"\S*/\S*", " ", text))]
    problems += [f"half-year {found}" for found in HALF_YEAR.findall(re.sub(r"\S*[/.]\S*", " ", text))]
    for token in _readable_tokens(text):
        problems += [f"key {found}" for found in SNAKE_KEY.findall(token)]
        problems += [
            f"English {word!r}"
            for word in ASCII_WORD.findall(token)
            if word.lower() not in ALLOWED and word not in allowed
        ]
    return problems


def assert_reader_language(text: str, *allowed: str) -> None:
    problems = reader_problems(text, set(allowed))
    assert not problems, f"{problems} in:\n{text}"
