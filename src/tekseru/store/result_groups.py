"""The codes of the groups and regions in the runs' results (migrations 0025 and 0026): a result names its
group by a 2-byte code of the table `result_groups`, and a subject's leading result its region by one of
`result_regions`, given to a key when a run first stores a result of it. The writers of results ask for
their keys' codes here; readers see the keys (`models.AssessmentResult` joins the groups,
`models.AssessmentSubjectClass` reads the regions)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session

from tekseru.store.models import ResultGroup, ResultRegion


def group_codes(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Each group's code, those without one given one (in the session's transaction)."""
    return _codes(session, ResultGroup.group_key, ResultGroup.code, keys)


def region_codes(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Each region's code, those without one given one (in the session's transaction)."""
    return _codes(session, ResultRegion.region, ResultRegion.code, keys)


def coded(session: Session, keys: Sequence[str]) -> list[int]:
    """The codes of the groups `keys`, in their order (many results' groups at once)."""
    codes = group_codes(session, keys)
    return [codes[key] for key in keys]


def _codes(
    session: Session, key: InstrumentedAttribute[str], code: InstrumentedAttribute[int], keys: Iterable[str]
) -> dict[str, int]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    codes = _known(session, key, code, wanted)
    missing = [value for value in wanted if value not in codes]
    if missing:
        # Two writers may give the same new key a code at once: the second finds the first's (its unique
        # key waits for the first to end, then inserts nothing).
        make = postgres_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = make(key.class_).on_conflict_do_nothing(index_elements=[key])
        session.execute(statement, [{key.key: value} for value in missing])
        codes.update(_known(session, key, code, missing))
    return codes


def _known(
    session: Session, key: InstrumentedAttribute[str], code: InstrumentedAttribute[int], keys: Sequence[str]
) -> dict[str, int]:
    query: Any = select(key, code).where(key.in_(keys))
    return {value: number for value, number in session.execute(query)}
