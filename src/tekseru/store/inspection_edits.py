"""What people change of an inspection, each at the version its writer read: the answers to the items of a
draft, and the follow-up of the violations of a completed one.

A write compares and sets in the database: an item that had no answer when read is inserted only if
nobody answered it since, an answered one (or a violation) updated only where its version is still the
one read. Any record changed since makes the whole write a `StaleVersion` (the transaction keeps nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from tekseru.store.inspection_models import (
    AnswerData,
    AnswerRecord,
    InspectionAnswer,
    InspectionViolation,
    ViolationRecord,
)
from tekseru.store.inspections import InspectionError, answers_of, draft_or_raise, get_or_raise, violations_of
from tekseru.store.versions import Conflict, StaleVersion, changed_one_row, insert_if_absent

_a, _v = InspectionAnswer.__table__.c, InspectionViolation.__table__.c


def set_answers(
    session: Session,
    inspection_id: int,
    answers: Sequence[AnswerData],
    *,
    answered_by: str,
    now: datetime,
    expected: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Put the answers in place of those the draft has for their items, each only while its stored version
    is the one the writer read: `expected[item]` (0: the item had no answer), or for an item not in
    `expected` the version read here, in this transaction. StaleVersion naming every item changed since,
    with nothing written; an item whose stored answer and comment are those given is left as it is.
    The version of each item after the write, by item."""
    draft_or_raise(session, inspection_id, "answer it")
    items = [answer.item for answer in answers]
    if len(set(items)) != len(items):
        raise ValueError("set_answers needs one answer per item")
    stored = {record.item: record for record in answers_of(session, inspection_id)}
    versions: dict[int, int] = {}
    conflicts: list[Conflict] = []
    for answer in answers:
        have = stored.get(answer.item)
        read = (expected or {}).get(answer.item, 0 if have is None else have.version)
        if have is not None and _same(have, answer):
            versions[answer.item] = have.version  # someone gave the same answer: nothing to write
        elif _write_answer(session, inspection_id, answer, read, answered_by=answered_by, now=now):
            versions[answer.item] = read + 1
        else:
            conflicts.append(_answer_conflict(session, inspection_id, answer, read))
    if conflicts:
        raise StaleVersion(conflicts)
    return versions


def _same(have: AnswerRecord, answer: AnswerData) -> bool:
    return (have.answer, have.comment, have.deadline) == (answer.answer, answer.comment, answer.deadline)


def _write_answer(
    session: Session, inspection_id: int, answer: AnswerData, read: int, *, answered_by: str, now: datetime
) -> bool:
    """Compare and set one answer in the database: insert it where the item had none when read, else
    update it where its version is still `read`. Whether the database wrote it."""
    values = {f.name: getattr(answer, f.name) for f in fields(AnswerData)}
    values |= {"answered_by": answered_by, "answered_at": now}
    if read == 0:
        row = values | {"inspection_id": inspection_id, "version": 1}
        return insert_if_absent(session, InspectionAnswer.__table__, row)
    statement = (
        update(InspectionAnswer)
        .where((_a.inspection_id == inspection_id) & (_a.item == answer.item) & (_a.version == read))
        .values(**values, version=_a.version + 1)
    )
    return changed_one_row(session, statement)


def _shown(answer: AnswerData | AnswerRecord) -> dict[str, Any]:
    """What a conflict shows of an answer: the answer and comment, and the deadline when there is one."""
    shown: dict[str, Any] = {"answer": answer.answer, "comment": answer.comment}
    if answer.deadline is not None:
        shown["deadline"] = answer.deadline.isoformat()
    return shown


def _answer_conflict(session: Session, inspection_id: int, answer: AnswerData, read: int) -> Conflict:
    now_stored = next((a for a in answers_of(session, inspection_id) if a.item == answer.item), None)
    return Conflict(
        kind="item",
        key=answer.item,
        expected=read,
        stored_version=None if now_stored is None else now_stored.version,
        stored=None if now_stored is None else _shown(now_stored),
        given=_shown(answer),
        changed_by=None if now_stored is None else now_stored.answered_by,
        changed_at=None if now_stored is None else now_stored.answered_at,
    )


def update_violation(
    session: Session,
    inspection_id: int,
    item: int,
    changes: Mapping[str, Any],
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
) -> ViolationRecord:
    """Change the deadline, status, elimination date or note of a violation of a current revision; with
    `expected_version`, only while that is its stored version (else StaleVersion, nothing written)."""
    record = get_or_raise(session, inspection_id)
    if record.superseded_by_id is not None:
        raise InspectionError(
            f"inspection {inspection_id} is superseded by revision {record.superseded_by_id}: follow up there"
        ).saying("refusal.inspection.superseded", inspection=inspection_id, revision=record.superseded_by_id)
    found = [v for v in violations_of(session, [inspection_id]) if v.item == item]
    if not found:
        refused = InspectionError(f"inspection {inspection_id} found no violation in item {item}")
        raise refused.saying("refusal.inspection.no_violation", inspection=inspection_id, item=item)
    have = found[0]
    statement = update(InspectionViolation).where(_v.id == have.id)
    if expected_version is not None:
        statement = statement.where(_v.version == expected_version)
    values = {**changes, "updated_by": by, "updated_at": now, "version": _v.version + 1}
    if not changed_one_row(session, statement.values(**values)):
        shown = ("deadline", "status", "eliminated_on", "note")
        raise StaleVersion(
            [
                Conflict(
                    kind="violation",
                    key=item,
                    expected=expected_version or have.version,
                    stored_version=have.version,
                    stored={key: getattr(have, key) for key in shown},
                    given={key: changes.get(key, getattr(have, key)) for key in shown},
                    changed_by=have.updated_by,
                    changed_at=have.updated_at,
                )
            ]
        )
    return next(v for v in violations_of(session, [inspection_id]) if v.item == item)
