"""Answers to a checklist as a file (CSV, XLSX or JSON; docs/inspections.md) or a form gives them, checked
before any is stored: every problem (a file that cannot be read, an unknown item or answer, an item answered
twice, a comment too long) is named with its file, row and field."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tekseru.catalog import Checklist
from tekseru.intake import Columns, ImportFileError, open_table
from tekseru.store.inspections import AnswerData, InspectionError

ANSWERS = ("required", "not_required", "compliant", "non_compliant")
MAX_COMMENT = 2000  # characters: a comment is a remark on one item; the act itself holds the details
ANSWER_COLUMNS = Columns(required=("item", "answer"), optional=("comment",))


@dataclass(frozen=True)
class AnswerRow:
    """An answer as a file or a form gives it; `row` is where it is in its file (for error messages);
    `version` the version of the item's answer the writer read (0: none), None to take the stored one."""

    item: int | str
    answer: str
    comment: str = ""
    row: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class AnswerProblem:
    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        row = None if self.row is None else f"row {self.row}"
        return ", ".join(part for part in (self.file, row, self.field) if part) + f": {self.message}"


class AnswerFileError(InspectionError, ValueError):
    """The answers were not stored because of these problems, each naming the file, row and field."""

    def __init__(self, problems: Sequence[AnswerProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0] if self.problems else "no answers"
        super().__init__(f"{len(self.problems)} problem(s) in the answers; the first: {first}")


def check_answers(rows: Sequence[AnswerRow], checklist: Checklist, source: str) -> list[AnswerData]:
    """The answers to store; AnswerFileError naming every problem (unknown item, answer, duplicate)."""
    criteria = {item.number: item.criterion for item in checklist.items}
    problems: list[AnswerProblem] = []
    first_row: dict[int, int | None] = {}
    checked: list[AnswerData] = []
    for row in rows:
        before = len(problems)

        def problem(field: str, message: str, row: AnswerRow = row) -> None:
            problems.append(AnswerProblem(source, row.row, field, message))

        text = str(row.item).strip()
        item = int(text) if text.isascii() and text.isdigit() else None
        answer = row.answer.strip().lower().replace("-", "_").replace(" ", "_")
        if item is None or item not in criteria:
            problem("item", f"Appendix {checklist.appendix} has items 1 to {len(criteria)}, not {text!r}")
        elif item in first_row:
            problem("item", f"item {item} is answered twice (first on row {first_row[item]})")
        if answer not in ANSWERS:
            problem("answer", f"{row.answer!r} is not one of {', '.join(ANSWERS)}")
        if len(row.comment) > MAX_COMMENT:
            problem("comment", f"the comment has {len(row.comment)} characters, at most {MAX_COMMENT}")
        if item is not None and len(problems) == before:
            first_row[item] = row.row
            checked.append(AnswerData(item, criteria[item], answer, row.comment.strip()))
    if problems or not rows:
        raise AnswerFileError(problems or [AnswerProblem(source, None, None, "there are no answers")])
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
            return [_row(row.values, row.number) for row in table.rows]
    except ImportFileError as error:
        problems = [AnswerProblem(e.file, e.row, e.field, e.message) for e in error.errors]
        raise AnswerFileError(problems) from None


def _row(values: Mapping[str, Any], number: int) -> AnswerRow:
    item, answer, comment = (values.get(key) for key in ("item", "answer", "comment"))
    item = item if isinstance(item, int) and not isinstance(item, bool) else str(item or "")
    return AnswerRow(item, str(answer or ""), str(comment or ""), number)


def _read_json(path: Path) -> list[AnswerRow]:
    def fail(row: int | None, message: str) -> AnswerFileError:
        return AnswerFileError([AnswerProblem(path.name, row, None, message)])

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(None, f"cannot read the file as JSON: {error}") from None
    entries = data.get("answers") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise fail(None, 'a JSON answer file is a list of {"item", "answer", "comment"} objects')
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) - {"item", "answer", "comment"}:
            raise fail(number, 'each answer is an object with the keys "item", "answer" and "comment"')
    return [_row(entry, number) for number, entry in enumerate(entries, start=1)]
