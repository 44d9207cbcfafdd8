"""A run's small number (`Assessment.run_key`, migration 0019): what the rows of each subject in the run
(its results, its subjects' classes) carry instead of the run's id. Functions take and give the id, as
people and the API know runs; these turn it into the number for the tables that keep it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import BindParameter, ScalarSelect, func, select
from sqlalchemy.orm import Session

from tekseru.store.models import Assessment


def run_key_of(run_id: uuid.UUID | BindParameter[Any]) -> ScalarSelect[int]:
    """The number of the run `run_id` inside a statement: one lookup by the run's id, after which the
    database reads the per-subject tables by their indexes on the number."""
    return select(Assessment.run_key).where(Assessment.id == run_id).scalar_subquery()


def run_key(session: Session, run_id: uuid.UUID) -> int:
    """The number of the run `run_id` (LookupError when there is no such run)."""
    key = session.execute(select(Assessment.run_key).where(Assessment.id == run_id)).scalar_one_or_none()
    if key is None:
        raise LookupError(f"there is no assessment run {run_id}")
    return int(key)


def new_run_key(session: Session) -> Any:
    """The number a new run gets, as a value of its INSERT: PostgreSQL's sequence (None: the column's
    default); on SQLite, where one transaction writes at a time, the highest number + 1."""
    if session.connection().dialect.name == "postgresql":
        return None
    return select(func.coalesce(func.max(Assessment.run_key), 0) + 1).scalar_subquery()
