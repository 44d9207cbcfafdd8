"""The codes of the groups in the runs' results (migration 0025): a result names its group by a 2-byte
code of the table `result_groups`, given to a key when a run first stores a result of it. The writers of
results ask for their keys' codes here; readers see the keys (`models.AssessmentResult` joins them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tekseru.store.models import ResultGroup


def group_codes(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Each key's code, those without one given one (in the session's transaction)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    codes = _known(session, wanted)
    missing = [key for key in wanted if key not in codes]
    if missing:
        # Two writers may give the same new key a code at once: the second finds the first's (its unique
        # key waits for the first to end, then inserts nothing).
        make = postgres_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = make(ResultGroup).on_conflict_do_nothing(index_elements=[ResultGroup.group_key])
        session.execute(statement, [{"group_key": key} for key in missing])
        codes.update(_known(session, missing))
    return codes


def coded(session: Session, keys: Sequence[str]) -> list[int]:
    """The codes of `keys`, in their order (many results' groups at once)."""
    codes = group_codes(session, keys)
    return [codes[key] for key in keys]


def _known(session: Session, keys: Sequence[str]) -> dict[str, int]:
    query: Any = select(ResultGroup.group_key, ResultGroup.code).where(ResultGroup.group_key.in_(keys))
    return {key: code for key, code in session.execute(query)}
