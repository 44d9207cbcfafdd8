"""The subjects in whose score of a run a criterion was counted as violated: the registry's `criterion`
filter, the table the dashboard's "most violated criteria" counts link to.

A result's violated criteria are stored as a JSON list of numbers; whether the list holds a number is asked
of the database in its own words (SQLite's `json_each`, PostgreSQL's `jsonb` containment), so that the
subjects are found where they are stored, not read into memory.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import BindParameter, Boolean, Select, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from tekseru.store.models import AssessmentResult
from tekseru.store.run_keys import run_key_of

CRITERION_MAX = 9999  # the largest number the filter takes: a bound on its input, not a number of the act
CRITERION_FILTER = (
    "A criterion's number: only the subjects in whose score of the latest finished run it was counted as "
    "violated (the dashboard's most violated criteria count them)."
)


class json_list_has(FunctionElement[bool]):
    """`json_list_has(column, number)`: whether the JSON list in `column` holds the integer `number`."""

    type = Boolean()
    inherit_cache = True
    name = "json_list_has"


@compiles(json_list_has, "sqlite")
def _sqlite(element: json_list_has, compiler: Any, **kw: Any) -> str:
    column, number = list(element.clauses)
    return (
        f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) AS listed"
        f" WHERE listed.value = {compiler.process(number, **kw)})"
    )


@compiles(json_list_has, "postgresql")
def _postgresql(element: json_list_has, compiler: Any, **kw: Any) -> str:
    column, number = list(element.clauses)
    return (
        f"(CAST({compiler.process(column, **kw)} AS JSONB)"
        f" @> to_jsonb(CAST({compiler.process(number, **kw)} AS INTEGER)))"
    )


def subjects_violating(
    run_id: uuid.UUID | BindParameter[Any], criterion: int | BindParameter[Any]
) -> Select[Any]:
    """The ids of the subjects with a result of the run that counted `criterion` as violated (the subjects
    `dashboard_figures.violated_criteria` counts for it)."""
    return select(AssessmentResult.subject_id).where(
        (AssessmentResult.run_key == run_key_of(run_id))
        & json_list_has(AssessmentResult.violated_criteria, criterion)
    )
