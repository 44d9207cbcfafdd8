"""The checklist form as sent: what each item was loaded with (hidden fields), what the user gives now, and
so which items this user changed, the only ones to write; and which items are flagged on the page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tekseru.services import inspections

# The version, answer, comment and remediation deadline (yyyy-mm-dd or "") of an item when the page was
# loaded; a form without `was-deadline-N` (an older page or client) loaded no deadline.
Loaded = tuple[int, str, str, str]
Values = tuple[str, str, str]  # the answer, comment and deadline the form gives


@dataclass(frozen=True)
class Changes:
    rows: list[inspections.AnswerRow]  # the items changed, each with the version it was loaded at
    stray: list[int]  # items with a comment and no answer
    bad_dates: list[int]  # items whose deadline is not a date
    values: dict[int, Values]  # what the form gives of every item, to show it again
    loaded: dict[int, Loaded]


def changes(form: Mapping[str, str], items: Sequence[inspections.ItemView]) -> Changes:
    """The items whose answer, comment or deadline differs from what the page was loaded with."""
    loaded = {item.number: _loaded(form, item) for item in items}
    values = {item.number: _submitted(form, item.number, loaded[item.number]) for item in items}
    rows, stray, bad_dates = [], [], []
    for item in items:
        given, comment, deadline = values[item.number]
        version, was, was_comment, was_deadline = loaded[item.number]
        if given != "non_compliant":  # a deadline belongs to a violation only
            deadline = ""
        day = _day(deadline)
        if deadline.strip() and day is None:
            bad_dates.append(item.number)
        elif given and (given, comment.strip(), deadline.strip()) != (was, was_comment.strip(), was_deadline):
            row = inspections.AnswerRow(item.number, given, comment, item.number, version, deadline=day)
            rows.append(row)
        elif not given and comment.strip():
            stray.append(item.number)
    return Changes(rows, stray, bad_dates, values, loaded)


def flags(
    items: Sequence[inspections.ItemView], *, check: bool, values: Mapping[int, Values] | None = None
) -> dict[int, str]:
    """What is wrong with each item, said on the item: `undecided` (marked "required" alone, which the act
    cannot print as complete), `comment` (non-compliant with no comment) and, when `check` (completing was
    asked for), `missing` (no answer)."""
    found: dict[int, str] = {}
    for item in items:
        saved = item.answer
        answer, comment = (saved.answer, saved.comment) if saved else ("", "")
        if values and item.number in values:
            answer, comment = values[item.number][0] or answer, values[item.number][1]
        if answer == "required":
            found[item.number] = "undecided"
        elif not answer and check:
            found[item.number] = "missing"
        elif answer == "non_compliant" and not comment.strip():
            found[item.number] = "comment"
    return found


def incomplete(items: Sequence[inspections.ItemView]) -> list[int]:
    """The items that keep the checklist from completing: unanswered, or "required" alone."""
    return [item.number for item in items if item.answer is None or item.answer.answer == "required"]


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _submitted(form: Mapping[str, str], number: int, loaded: Loaded) -> Values:
    """The answer, comment and deadline the form gives for the item. On the conflict page the user chose
    between the stored value (`take-N=stored`: the item is left as it is) and its own (`take-N=mine`)."""
    take = form.get(f"take-{number}")
    if take == "stored":
        return loaded[1], loaded[2], loaded[3]
    if take == "mine":
        mine = (form.get(f"mine-{key}-{number}", "") for key in ("answer", "comment", "deadline"))
        return tuple(mine)  # type: ignore[return-value]
    return (
        form.get(f"answer-{number}", ""),
        form.get(f"comment-{number}", ""),
        form.get(f"deadline-{number}", ""),
    )


def _loaded(form: Mapping[str, str], item: inspections.ItemView) -> Loaded:
    """The version, answer, comment and deadline of the item when the page was loaded (its hidden fields);
    for a form without them, what is stored now."""
    saved = item.answer
    saved_deadline = saved.deadline.isoformat() if saved and saved.deadline else ""
    stored = (saved.version, saved.answer, saved.comment, saved_deadline) if saved else (0, "", "", "")
    version = form.get(f"version-{item.number}", "")
    if not version.isdigit():
        return stored
    n = item.number
    was_deadline = form.get(f"was-deadline-{n}", saved_deadline if f"was-{n}" not in form else "")
    return int(version), form.get(f"was-{n}", ""), form.get(f"was-comment-{n}", ""), was_deadline
