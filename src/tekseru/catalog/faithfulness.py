"""Checks that cleaned Kazakh texts are, row by row, the text of the extracted source document.

Extraction from the PDF moved line breaks, spaced out letters and split words, but kept every letter and
every digit in order. So only whitespace is taken out of both sides before comparing, and two more
extraction artefacts are allowed, each once and only as a token of its own: a row's number may stand inside
its text instead of before it, and the severity word of a row of Appendix 1 may stand inside the text
(at a page break) instead of after it. Everything else must agree character for character:

- a row of a table starts with its number and its text follows at once (no word dropped, no number
  changed, nothing cut from its start);
- the row ends where the next row begins (after its severity word in Appendix 1), so a shortened row,
  or a row out of order, does not match;
- between two rows there is nothing, except a heading of Appendix 1 where the information source changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.schema import Severity

_WHITESPACE = re.compile(r"\s+")

SEVERITY_WORDS: dict[Severity, str] = {
    Severity.GROSS: "өрескел",
    Severity.SIGNIFICANT: "елеулі",
    Severity.MINOR: "болмашы",
}


def squash(text: str) -> str:
    """The text with every whitespace character taken out (the only normalisation of the comparison)."""
    return _WHITESPACE.sub("", text)


@dataclass(frozen=True)
class Row:
    """One row of a table of the act: its number, its cleaned Kazakh text, and the word that closes it."""

    number: int
    text: str
    closing_word: str = ""
    may_follow_a_heading: bool = False


@dataclass(frozen=True)
class RowMismatch:
    row: Row
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class _Ending:
    """How a row must end: where the following row begins, or where the table ends."""

    following: Row | None = None
    before_a_paragraph: bool = False


@dataclass(frozen=True)
class TableMatch:
    mismatches: tuple[RowMismatch, ...]
    end: int  # where the last row that matched ends in the squashed source


@dataclass(frozen=True)
class SourceDocument:
    """The extracted text of the act, with whitespace taken out once for comparing."""

    text: str
    squashed: str = field(init=False, repr=False)
    # where each character of `squashed` stands in `text`
    _raw_positions: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        positions = tuple(index for index, letter in enumerate(self.text) if not letter.isspace())
        object.__setattr__(self, "_raw_positions", positions)
        object.__setattr__(self, "squashed", "".join(self.text[index] for index in positions))

    def find(self, text: str, start: int = 0) -> tuple[int, int]:
        """(start, end) of the text, unchanged but for whitespace, at or after `start`; or (-1, -1)."""
        needle = squash(text)
        begin = self.squashed.find(needle, start) if needle else -1
        return (begin, begin + len(needle)) if begin >= 0 else (-1, -1)

    def match_rows(
        self, rows: Sequence[Row], start: int = 0, ends_before_a_paragraph: bool = False
    ) -> TableMatch:
        """How `rows` stand in the source as consecutive rows of one table.

        The first row is searched for at or after `start`; each next row must begin where the row before it
        ended (or, if it `may_follow_a_heading`, anywhere after it). A row must end where the next one begins,
        and the last one, if `ends_before_a_paragraph`, where the table ends: before an indented line of the
        act's running text. A row that does not match is reported and the next one is searched for after the
        last row that matched.
        """
        mismatches: list[RowMismatch] = []
        position, exact = start, False
        for index, row in enumerate(rows):
            following = rows[index + 1] if index + 1 < len(rows) else None
            ending = _Ending(
                following if following and not following.may_follow_a_heading else None,
                before_a_paragraph=ends_before_a_paragraph and following is None,
            )
            exact = exact and not row.may_follow_a_heading
            span = self._row_at(row, position, ending) if exact else self._search_row(row, position, ending)
            if span is None:
                mismatches.append(RowMismatch(row, self._why_not(row, position, ending)))
                exact = False
                continue
            position, exact = span[1], True
        return TableMatch(tuple(mismatches), position)

    def _search_row(self, row: Row, start: int, ending: _Ending) -> tuple[int, int] | None:
        text = squash(row.text)
        for head in dict.fromkeys((str(row.number) + text[:8], text[:8])):
            begin = self.squashed.find(head, start)
            while begin >= 0:
                span = self._row_at(row, begin, ending)
                if span is not None:
                    return span
                begin = self.squashed.find(head, begin + 1)
        return None

    def _why_not(self, row: Row, position: int, ending: _Ending) -> str:
        if self._search_row(row, position, ending) is not None:
            return f"row {row.number} stands in the source, but not right after the row before it"
        if self._search_row(row, position, _Ending()) is not None:
            if ending.following is not None:
                return (
                    f"row {row.number} is shorter than in the source, "
                    f"or row {ending.following.number} does not follow it there"
                )
            return f"row {row.number} is shorter than in the source (its table goes on after it)"
        return f"row {row.number} is not, word for word and number for number, a row of the source"

    def _row_at(self, row: Row, begin: int, ending: _Ending) -> tuple[int, int] | None:
        """(begin, end) if the row stands in the source exactly at `begin` and ends as `ending` says."""
        number, text, closing = str(row.number), squash(row.text), squash(row.closing_word)
        if self._token_at(number, begin):
            end = self._text_at(text, begin + len(number), closing, number_moved=False)
        else:
            end = self._text_at(text, begin, closing, number_moved=True, number=number)
        return (begin, end) if end >= 0 and self._ends_as(end, ending) else None

    def _ends_as(self, end: int, ending: _Ending) -> bool:
        if ending.following is not None:
            return self._token_at(str(ending.following.number), end) or self._number_moved_into(
                ending.following, end
            )
        if ending.before_a_paragraph and end < len(self.squashed):
            raw = self._raw_positions[end]
            line_start = self.text.rfind("\n", 0, raw) + 1
            indent = self.text[line_start:raw]
            return line_start > self._raw_positions[end - 1] and indent != "" and indent.isspace()
        return True

    def _number_moved_into(self, row: Row, at: int) -> bool:
        """Whether the source from `at` holds the start of the row's text and then the row's number."""
        number = str(row.number)
        for letter in squash(row.text):
            if self._token_at(number, at):
                return True
            if at >= len(self.squashed) or self.squashed[at] != letter:
                return False
            at += 1
        return False

    def _text_at(self, text: str, at: int, closing: str, number_moved: bool, number: str = "") -> int:
        """End of `text` (then `closing`) in the source from `at`; the moved-in tokens may stand inside."""
        source, inserts = self.squashed, {number: number_moved, closing: bool(closing)}
        inserts.pop("", None)
        for letter in text:
            if at < len(source) and source[at] == letter:
                at += 1
                continue
            word = next((w for w, free in inserts.items() if free and self._token_at(w, at)), None)
            if word is None or at + len(word) >= len(source) or source[at + len(word)] != letter:
                return -1
            inserts[word] = False
            at += len(word) + 1
        if number_moved and inserts.get(number, False):
            return -1  # the row's number was neither before the text nor inside it
        if closing and inserts[closing]:
            if not self._token_at(closing, at):
                return -1
            at += len(closing)
        return at

    def _token_at(self, word: str, at: int) -> bool:
        return self.squashed.startswith(word, at) and self._is_token(at, len(word))

    def _is_token(self, at: int, length: int) -> bool:
        """Whether squashed[at:at + length] stood in the source as a token of its own."""
        first, last = self._raw_positions[at], self._raw_positions[at + length - 1]
        before = self.text[first - 1] if first > 0 else " "
        after = self.text[last + 1] if last + 1 < len(self.text) else " "
        return before.isspace() and after.isspace()


def unfaithful_texts(edition: CatalogueEdition, source: SourceDocument) -> Iterator[str]:
    """Every criterion, checklist title and item whose Kazakh text is not its row of the source.

    The act prints Appendix 1 and then Appendices 2 to 7 in order, so each table is searched for after the
    one before it (Appendices 2 and 3 even share one title).
    """
    criteria = [edition.criteria[number] for number in sorted(edition.criteria)]
    rows = [
        Row(
            criterion.number,
            criterion.text.kk,
            SEVERITY_WORDS[criterion.severity],
            may_follow_a_heading=index == 0 or criterion.source_group != criteria[index - 1].source_group,
        )
        for index, criterion in enumerate(criteria)
    ]
    table = source.match_rows(rows)
    yield from (f"criterion {mismatch.row.number}: {mismatch}" for mismatch in table.mismatches)
    position = table.end
    for appendix in sorted(edition.checklists):
        checklist = edition.checklists[appendix]
        begin, end = source.find(checklist.title.kk, position)
        if begin < 0:
            yield f"Appendix {appendix} title: the Kazakh text is not in the source after the table before it"
            continue
        items = [Row(item.number, item.text.kk) for item in checklist.items]
        table = source.match_rows(items, end, ends_before_a_paragraph=True)
        yield from (
            f"Appendix {appendix} item {mismatch.row.number}: {mismatch}" for mismatch in table.mismatches
        )
        position = table.end
