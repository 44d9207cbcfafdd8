"""Answers to a checklist as a file (CSV, XLSX or JSON; docs/inspections.md) or a form gives them, checked
before any is stored: every problem (a file that cannot be read, an unknown item or answer, an item answered
twice, a comment too long) is named with its file, row and field."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tekseru.catalog import Checklist
from tekseru.i18n import LANGUAGES, messages
from tekseru.intake import Columns, ImportFileError, control_character, open_table, render
from tekseru.message import Names
from tekseru.store.inspections import AnswerData, InspectionError

ANSWERS = ("required", "not_required", "compliant", "non_compliant")
# The one-tap answers a checklist page offers; the act's four columns are derived from them when printing
# (compliant or non-compliant: "required" and that mark; not applicable: "not required").
ONE_TAP = ("compliant", "non_compliant", "not_required")
# Other words for a stored answer that readers and clients use: "not applicable" is stored as not_required.
ALIASES = dict.fromkeys(("not_applicable", "n/a", "n_a", "na"), "not_required")
MAX_COMMENT = 2000  # characters: a comment is a remark on one item; the act itself holds the details
ANSWER_COLUMNS = Columns(required=("item", "answer"), optional=("comment",))
# A JSON answer file is a list of flat objects (or {"answers": [...]}): nothing deeper is ever needed, and
# Python's parser would overflow its stack on a file of 100,000 brackets.
MAX_JSON_DEPTH = 8
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class AnswerRow:
    """An answer as a file or a form gives it; `row` is where it is in its file (for error messages);
    `version` the version of the item's answer the writer read (0: none), None to take the stored one."""

    item: int | str
    answer: str
    comment: str = ""
    row: int | None = None
    version: int | None = None
    deadline: date | None = None  # the remediation deadline proposed for a non-compliant item


# The sources of answers that are not files: the API's request body (`answers`) and the page's form.
NOT_FILES = frozenset({"answers", "form"})


@dataclass(frozen=True)
class AnswerProblem:
    """One problem; `key` and `params` (intake's message catalogue) give it in kk and ru too."""

    file: str
    row: int | None
    field: str | None
    message: str
    key: str | None = None
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, file: str, row: int | None, field: str | None, key: str, /, **params: Any) -> AnswerProblem:
        return cls(file, row, field, render(key, "en", **params), key, tuple(params.items()))

    def describe(self, language: str | None = None) -> str:
        """`source, row N, field: what is wrong` in `language`. A file's column is named as the file names
        it; the answers of a request or of the page (not a file) and their fields by their labels."""
        row = None if self.row is None else render("row", language, row=self.row)
        text = self.message if self.key is None else render(self.key, language, **dict(self.params))
        source, field = self.file, self.field
        if source in NOT_FILES:
            words = messages(language or "en")
            source = words.get(f"lang13.answers.source.{source}") or source
            field = None if field is None else words.get(f"lang13.answers.field.{field}") or field
        return ", ".join(part for part in (source, row, field) if part) + f": {text}"

    def __str__(self) -> str:
        return self.describe("en")


class AnswerFileError(InspectionError, ValueError):
    """The answers were not stored because of these problems, each naming the file, row and field."""

    def __init__(self, problems: Sequence[AnswerProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0] if self.problems else "no answers"
        super().__init__(f"{len(self.problems)} problem(s) in the answers; the first: {first}")
        if self.problems:
            said = Names({language: self.problems[0].describe(language) for language in LANGUAGES})
            self.saying("lang13.answers.problems", count=len(self.problems), first=said)


def check_answers(rows: Sequence[AnswerRow], checklist: Checklist, source: str) -> list[AnswerData]:
    """The answers to store; AnswerFileError naming every problem (unknown item, answer, duplicate)."""
    criteria = {item.number: item.criterion for item in checklist.items}
    problems: list[AnswerProblem] = []
    first_row: dict[int, int | None] = {}
    checked: list[AnswerData] = []
    for row in rows:
        before = len(problems)

        def problem(field: str, key: str, row: AnswerRow = row, **params: Any) -> None:
            problems.append(AnswerProblem.of(source, row.row, field, key, **params))

        text = str(row.item).strip()
        item = int(text) if text.isascii() and text.isdigit() else None
        answer = row.answer.strip().lower().replace("-", "_").replace(" ", "_")
        answer = ALIASES.get(answer, answer)
        if item is None or item not in criteria:
            problem(
                "item", "answer_unknown_item", appendix=checklist.appendix, count=len(criteria), text=text
            )
        elif item in first_row:
            problem("item", "answer_twice", item=item, first=first_row[item])
        if answer not in ANSWERS:
            problem("answer", "answer_unknown", text=row.answer, answers=", ".join(ANSWERS))
        if len(row.comment) > MAX_COMMENT:
            problem("comment", "comment_too_long", length=len(row.comment), limit=MAX_COMMENT)
        elif found := control_character(row.comment):
            problem("comment", "control_character", position=found[0], code=found[1])
        if item is not None and len(problems) == before:
            first_row[item] = row.row
            deadline = row.deadline if answer == "non_compliant" else None
            checked.append(AnswerData(item, criteria[item], answer, row.comment.strip(), deadline))
    if problems or not rows:
        raise AnswerFileError(problems or [AnswerProblem.of(source, None, None, "no_answers")])
    return checked


def expected_versions(rows: Sequence[AnswerRow]) -> dict[int, int]:
    """The versions the writer read, by item, of the rows that name one (after `check_answers`)."""
    return {int(str(row.item).strip()): row.version for row in rows if row.version is not None}


def read_answer_file(path: Path) -> list[AnswerRow]:
    """The rows of a CSV, XLSX or JSON answer file (docs/inspections.md); AnswerFileError naming the file,
    row and field when it cannot be read. The answers are checked against the checklist when stored."""
    if path.suffix.lower() == ".json":
        return _read_json(path)
    try:
        with open_table(path, ANSWER_COLUMNS) as table:
            rows = list(table.rows)
    except ImportFileError as error:
        raise AnswerFileError([_problem(e) for e in error.errors]) from None
    if broken := [_problem(error) for row in rows for error in row.errors]:
        raise AnswerFileError(broken)
    return [_row(row.values, row.number) for row in rows]


def _problem(error: Any) -> AnswerProblem:
    """An answer problem from an intake RowError (keeping its message key)."""
    return AnswerProblem(error.file, error.row, error.field, error.message, error.key, error.params)


def _row(values: Mapping[str, Any], number: int) -> AnswerRow:
    item, answer, comment = (values.get(key) for key in ("item", "answer", "comment"))
    item = item if isinstance(item, int) and not isinstance(item, bool) else str(item or "")
    return AnswerRow(item, str(answer or ""), str(comment or ""), number)


def _read_json(path: Path) -> list[AnswerRow]:
    def fail(row: int | None, field: str | None, key: str, **params: Any) -> AnswerFileError:
        return AnswerFileError([AnswerProblem.of(path.name, row, field, key, **params)])

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as error:
        raise fail(None, None, "json_unreadable", detail=str(error)) from None
    if _depth(text) > MAX_JSON_DEPTH:
        raise fail(None, None, "json_too_deep", limit=MAX_JSON_DEPTH)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise fail(None, None, "json_unreadable", detail=str(error)) from None
    entries = data.get("answers") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise fail(None, None, "json_not_list")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) - {"item", "answer", "comment"}:
            raise fail(number, None, "json_bad_entry")
        for key, value in entry.items():
            scalar = isinstance(value, str) or (key == "item" and isinstance(value, int))
            if (not scalar and value is not None) or isinstance(value, bool):
                raise fail(number, key, "json_not_text", found=type(value).__name__)
    return [_row(entry, number) for number, entry in enumerate(entries, start=1)]


def _depth(text: str) -> int:
    """How deep brackets nest in JSON text, outside strings; counted before parsing, which recurses."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest
