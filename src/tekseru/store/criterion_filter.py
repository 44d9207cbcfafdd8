"""The subjects in whose score of a run a criterion was counted as violated: the registry's `criterion`
filter, the table the dashboard's "most violated criteria" counts link to.

A result's violated criteria are stored as the UTF-8 of characters numbered as the criteria
(`tekseru.store.criteria_lists`, migration 0026; a JSON list before); whether the list holds a number is
asked of the database as whether it holds that number's bytes (SQLite's `instr`, PostgreSQL's `position`),
so that the subjects are found where they are stored, not read into memory.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import BindParameter, Boolean, LargeBinary, Select, TypeDecorator, bindparam, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from tekseru.store.criteria_lists import needle
from tekseru.store.models import AssessmentResult
from tekseru.store.run_keys import run_key_of

CRITERION_MAX = 9999  # the largest number the filter takes: a bound on its input, not a number of the act
CRITERION_FILTER = (
    "A criterion's number: only the subjects in whose score of the latest finished run it was counted as "
    "violated (the dashboard's most violated criteria count them)."
)


class Needle(TypeDecorator[int]):
    """A criterion's number bound as its bytes in a stored list (`criteria_lists.needle`)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> bytes | None:
        return None if value is None else needle(int(value))


class list_has(FunctionElement[bool]):
    """`list_has(column, needle)`: whether the stored list of criteria in `column` holds the bytes
    `needle` of one criterion."""

    type = Boolean()
    inherit_cache = True
    name = "list_has"


@compiles(list_has, "sqlite")
def _sqlite(element: list_has, compiler: Any, **kw: Any) -> str:
    column, found = list(element.clauses)
    return f"(instr({compiler.process(column, **kw)}, {compiler.process(found, **kw)}) > 0)"


@compiles(list_has, "postgresql")
def _postgresql(element: list_has, compiler: Any, **kw: Any) -> str:
    column, found = list(element.clauses)
    return (
        f"(position(CAST({compiler.process(found, **kw)} AS BYTEA) IN {compiler.process(column, **kw)}) > 0)"
    )


def subjects_violating(
    run_id: uuid.UUID | BindParameter[Any], criterion: int | BindParameter[Any]
) -> Select[Any]:
    """The ids of the subjects with a result of the run that counted `criterion` as violated (the subjects
    `dashboard_figures.violated_criteria` counts for it)."""
    found = (
        bindparam(criterion.key, type_=Needle())
        if isinstance(criterion, BindParameter)
        else literal(criterion, Needle())
    )
    return select(AssessmentResult.subject_id).where(
        (AssessmentResult.run_key == run_key_of(run_id)) & list_has(AssessmentResult.violated_criteria, found)
    )
