"""The checklist form as sent: what each item was loaded with (hidden fields), what the user gives now, and
so which items this user changed, the only ones to write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tekseru.services import inspections

Loaded = tuple[int, str, str]  # the version, answer and comment of an item when the page was loaded


@dataclass(frozen=True)
class Changes:
    rows: list[inspections.AnswerRow]  # the items changed, each with the version it was loaded at
    stray: list[int]  # items with a comment and no answer
    values: dict[int, tuple[str, str]]  # what the form gives of every item, to show it again
    loaded: dict[int, Loaded]


def changes(form: Mapping[str, str], items: Sequence[inspections.ItemView]) -> Changes:
    """The items whose answer or comment differs from what the page was loaded with."""
    loaded = {item.number: _loaded(form, item) for item in items}
    values = {item.number: _submitted(form, item.number, loaded[item.number]) for item in items}
    rows, stray = [], []
    for item in items:
        given, comment = values[item.number]
        version, was, was_comment = loaded[item.number]
        if given and (given, comment.strip()) != (was, was_comment.strip()):
            rows.append(inspections.AnswerRow(item.number, given, comment, item.number, version))
        elif not given and comment.strip():
            stray.append(item.number)
    return Changes(rows, stray, values, loaded)


def _submitted(form: Mapping[str, str], number: int, loaded: tuple[int, str, str]) -> tuple[str, str]:
    """The answer and comment the form gives for the item. On the conflict page the user chose between
    the stored value (`take-N=stored`: the item is left as it is) and its own (`take-N=mine`)."""
    take = form.get(f"take-{number}")
    if take == "stored":
        return loaded[1], loaded[2]
    if take == "mine":
        return form.get(f"mine-answer-{number}", ""), form.get(f"mine-comment-{number}", "")
    return form.get(f"answer-{number}", ""), form.get(f"comment-{number}", "")


def _loaded(form: Mapping[str, str], item: inspections.ItemView) -> Loaded:
    """The version, answer and comment of the item when the page was loaded (its hidden fields); for a
    form without them, what is stored now."""
    saved = item.answer
    stored = (saved.version, saved.answer, saved.comment) if saved else (0, "", "")
    version = form.get(f"version-{item.number}", "")
    if not version.isdigit():
        return stored
    n = item.number
    return int(version), form.get(f"was-{n}", ""), form.get(f"was-comment-{n}", "")
