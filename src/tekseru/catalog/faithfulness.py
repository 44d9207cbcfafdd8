"""Checks that cleaned Kazakh texts are faithful to the extracted source document.

Extraction from the PDF moved line breaks, spaced out letters and pushed item numbers into the text, but
kept every letter in order. So a cleaned text is faithful when, with whitespace and digits removed, it is a
piece of the source with whitespace and digits removed. One more thing extraction did: at a page break the
severity word of a row of Appendix 1 may stand inside the row's text, so a criterion may skip it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tekseru.catalog.schema import Severity

_IGNORED = re.compile(r"[\s\d]+")

SEVERITY_WORDS: dict[Severity, str] = {
    Severity.GROSS: "өрескел",
    Severity.SIGNIFICANT: "елеулі",
    Severity.MINOR: "болмашы",
}


def squash(text: str) -> str:
    return _IGNORED.sub("", text)


@dataclass(frozen=True)
class SourceDocument:
    """The extracted text of the act, squashed once for searching."""

    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "_squashed", squash(self.text))

    @property
    def squashed(self) -> str:
        return str(self.__dict__["_squashed"])

    def find(self, text: str, start: int = 0, may_skip: str = "") -> tuple[int, int]:
        """(start, end) of the text in the squashed source at or after `start`, or (-1, -1).

        `may_skip` is a word the source may hold once inside the text (a severity word at a page break).
        """
        needle = squash(text)
        if not needle:
            return -1, -1
        for begin in self._candidate_starts(needle[: min(12, len(needle))], start):
            end = self._match_from(needle, begin, may_skip)
            if end >= 0:
                return begin, end
        return -1, -1

    def _candidate_starts(self, head: str, start: int) -> Iterator[int]:
        position = self.squashed.find(head, start)
        while position >= 0:
            yield position
            position = self.squashed.find(head, position + 1)

    def _match_from(self, needle: str, begin: int, may_skip: str) -> int:
        source, at, skipped = self.squashed, begin, False
        for index, letter in enumerate(needle):
            if at < len(source) and source[at] == letter:
                at += 1
                continue
            if may_skip and not skipped and source.startswith(may_skip, at) and index > 0:
                at += len(may_skip)
                skipped = True
                if at < len(source) and source[at] == letter:
                    at += 1
                    continue
            return -1
        return at
