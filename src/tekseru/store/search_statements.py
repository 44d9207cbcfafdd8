"""The registry search's statements, made once for each shape of search and run with its values.

A search's statement depends only on which filters it has and how its text is looked for, never on their
values, which are its parameters. Building a statement and its cache key (SQLAlchemy's key of its compiled
form) for every request cost more CPU time than SQLite's own work on most searches; a statement made once
keeps its key, so a request only finds its compiled form and runs it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, bindparam, false, func, select, true
from sqlalchemy.orm import Session

from tekseru.store.criterion_filter import subjects_violating
from tekseru.store.models import Assessment, AssessmentSubjectClass, Subject, SubjectGroup
from tekseru.store.name_search import (
    INDEXED,
    INDEXED_WORDS,
    SCANNED,
    bin_prefix,
    has_text,
    indexed_name_ids,
    is_bin_prefix,
    name_condition,
    name_query,
    scanned_name_ids,
)
from tekseru.store.run_keys import run_key_of
from tekseru.store.subject_classes import CLASSES, subjects_of_class

NOT_ASSESSED = "none"  # the class filter of the subjects the latest run did not assess
CLASS_FILTERS = (*CLASSES, NOT_ASSESSED)

RUN = bindparam("run", type_=Assessment.id.type)
BIN_EXACT, BIN_PREFIX = "bin", "bin_prefix"
BIN_LENGTH = 12


@dataclass(frozen=True, slots=True)
class SubjectSearch:
    """What to look for: `text` is part of a name or the start of a BIN; the rest filter exactly."""

    text: str = ""
    region: str | None = None
    group: str | None = None
    risk_class: str | None = None
    criterion: int | None = None  # counted as violated in the subject's score of the run


@dataclass(frozen=True, slots=True)
class Shape:
    """Which filters a search has and how its text is looked for: what its statements depend on."""

    region: bool = False
    group: bool = False
    risk_class: str = ""  # "", NOT_ASSESSED, "class", or "nothing" (a class no subject can have)
    run: bool = False
    criterion: bool = False
    text: str = ""  # "", BIN_EXACT, BIN_PREFIX, or a `NameQuery.kind`


def shape_of(
    session: Session | None, search: SubjectSearch, run_id: uuid.UUID | None, text: str = ""
) -> tuple[Shape, dict[str, Any]]:
    """The shape of `search` in `run_id` (the text, already normalised, looked for as `text` says) and the
    values of its parameters. `session` is asked only when the text needs a count (PostgreSQL's words)."""
    values: dict[str, Any] = {"run": run_id, "region": search.region, "group": search.group}
    values["risk_class"], values["criterion"] = search.risk_class, search.criterion
    risk_class = ""
    if search.risk_class == NOT_ASSESSED:
        risk_class = NOT_ASSESSED
    elif search.risk_class is not None:
        risk_class = "class" if search.risk_class in CLASSES and run_id is not None else "nothing"
    kind = ""
    text = text if has_text(text) else ""
    if text and is_bin_prefix(text):
        digits = bin_prefix(text)
        kind = BIN_EXACT if len(digits) == BIN_LENGTH else BIN_PREFIX
        values["bin"], values["bin_upper"] = digits, digits[:-1] + chr(ord(digits[-1]) + 1)
    elif text:
        assert session is not None, "a name is looked for through a session"
        found = name_query(session, text)
        kind = found.kind
        values.update(found.values)
    shape = Shape(
        region=search.region is not None,
        group=search.group is not None,
        risk_class=risk_class,
        run=run_id is not None,
        criterion=search.criterion is not None,
        text=kind,
    )
    return shape, values


def filter_condition(shape: Shape) -> ColumnElement[bool]:
    """The exact filters of a search: region, group and class (the subject's class in the run), and the
    criterion counted as violated in the run."""
    condition: ColumnElement[bool] = true()
    region = bindparam("region", type_=String) if shape.region else None
    if region is not None:
        condition = condition & (Subject.region == region)
    if shape.group:
        members = select(SubjectGroup.subject_id).where(SubjectGroup.group_key == bindparam("group"))
        condition = condition & Subject.id.in_(members)
    if shape.risk_class == NOT_ASSESSED:  # the subjects the run gave no class (all, without a run)
        if shape.run:
            # (any result of the subject in the run, not its leading one: the results' key alone answers)
            assessed = select(AssessmentSubjectClass.subject_id).where(
                AssessmentSubjectClass.run_key == run_key_of(RUN)
            )
            condition = condition & Subject.id.not_in(assessed)
    elif shape.risk_class == "class":
        condition = condition & Subject.id.in_(subjects_of_class(RUN, bindparam("risk_class"), region))
    elif shape.risk_class:
        return false()
    if shape.criterion:
        if not shape.run:
            return false()
        condition = condition & Subject.id.in_(subjects_violating(RUN, bindparam("criterion", type_=Integer)))
    return condition


def matching_ids(shape: Shape, limit: Any) -> Select[Any]:
    """The ids of the subjects a search by text finds, in id order, at most `limit`."""
    if shape.text == SCANNED:
        assert replace(shape, text="") == Shape(run=shape.run), "a fragment alone is read name by name"
        return scanned_name_ids(limit)
    filters = filter_condition(shape)
    if shape.text in (INDEXED, INDEXED_WORDS):
        return indexed_name_ids(shape.text, filters, limit)
    return select(Subject.id).where(text_condition(shape) & filters).order_by(Subject.id).limit(limit)


def text_condition(shape: Shape) -> ColumnElement[bool]:
    """The condition on subjects of a search's text (none: true), for a text not found through SQLite's
    text index."""
    if not shape.text:
        return true()
    if shape.text == BIN_EXACT:  # a BIN: the unique index on bin
        return Subject.bin == bindparam("bin")
    if shape.text == BIN_PREFIX:  # the start of a BIN: a range of that index
        return (Subject.bin >= bindparam("bin")) & (Subject.bin < bindparam("bin_upper"))
    return name_condition(shape.text)


@dataclass(frozen=True, slots=True)
class TextStatements:
    """A search by text: its first `:cap` matches, one page of them with their count, and their count
    alone (for a page past the matches)."""

    first: Select[Any]
    page: Select[Any]
    count: Select[Any]


@lru_cache(maxsize=256)
def text_statements(shape: Shape) -> TextStatements:
    found = matching_ids(shape, bindparam("cap", type_=Integer))
    capped = found.subquery()
    page = select(capped.c.id, func.count().over()).order_by(capped.c.id)
    page = page.limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
    count = select(func.count()).select_from(found.order_by(None).subquery())
    return TextStatements(found, page, count)


@lru_cache(maxsize=64)
def class_statements(region: bool) -> tuple[Select[Any], Select[Any]]:
    """A class (and perhaps a region) alone: its count and one page of its ids, on the run's index of
    subject classes."""
    wanted = subjects_of_class(RUN, bindparam("risk_class"), bindparam("region") if region else None)
    found = wanted.subquery()
    total = select(func.count()).select_from(found)
    ids = select(found.c.subject_id).order_by(found.c.subject_id)
    ids = ids.limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
    return total, ids


@lru_cache(maxsize=256)
def filter_count(shape: Shape) -> Select[Any]:
    """How many subjects the exact filters of `shape` (no text) let through: read from an index."""
    return select(func.count()).select_from(Subject).where(filter_condition(shape))
