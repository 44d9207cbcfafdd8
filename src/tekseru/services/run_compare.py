"""Two assessment runs side by side (issue 19, "Compare"): which subjects changed class or score between
them, and why: the criteria their evidence violates in the later run and not in the earlier (and the
other way round). A subject-group assessed in one run only is shown too. An inspector sees its region."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tekseru.services.exports import CHUNK, TableExport
from tekseru.services.permissions import Actor, Permission
from tekseru.services.registry_queries import run
from tekseru.store import Database
from tekseru.store.run_results import ResultRow, run_result_rows

CLASS_ORDER = {"high": 3, "medium": 2, "low": 1}
COMPARE_COLUMNS = (
    "bin",
    "name",
    "region",
    "group",
    "class_before",
    "risk_class",
    "score_before",
    "score",
    "criteria_added",
    "criteria_removed",
)


@dataclass(frozen=True)
class Change:
    """One subject-group whose class or score differs between the runs (None: not assessed in that run)."""

    bin: str
    name: str
    region: str
    group: str
    class_before: str | None
    risk_class: str | None
    score_before: float | None
    score: float | None
    criteria_added: tuple[int, ...]
    criteria_removed: tuple[int, ...]

    @property
    def class_moved(self) -> bool:
        return self.class_before != self.risk_class


def _rows(db: Database, run_id: uuid.UUID, region: str | None) -> dict[tuple[int, str], ResultRow]:
    found: dict[tuple[int, str], ResultRow] = {}
    with db.reading() as session:
        offset = 0
        while True:
            page, _ = run_result_rows(
                session, run_id, region=region, limit=CHUNK, offset=offset, counted=False
            )
            found.update(((row.subject_id, row.group_key), row) for row in page)
            if len(page) < CHUNK:
                return found
            offset += CHUNK


def compare_runs(db: Database, actor: Actor, before: uuid.UUID, after: uuid.UUID) -> list[Change]:
    """What changed from run `before` to run `after` (RunNotFound for either): class changes first (the
    largest move first), then score changes, the largest first."""
    region = actor.scoped_region(Permission.READ_ASSESSMENTS, None)
    run(db, actor, before), run(db, actor, after)
    earlier, later = _rows(db, before, region), _rows(db, after, region)
    changes = []
    for key in earlier.keys() | later.keys():
        old, new = earlier.get(key), later.get(key)
        if old is not None and new is not None and (old.risk_class, old.score) == (new.risk_class, new.score):
            continue
        either = new or old
        assert either is not None
        was, now = set(old.violated_criteria if old else ()), set(new.violated_criteria if new else ())
        changes.append(
            Change(
                either.bin,
                either.name,
                either.region,
                either.group_key,
                None if old is None else old.risk_class,
                None if new is None else new.risk_class,
                None if old is None else float(old.score),
                None if new is None else float(new.score),
                tuple(sorted(now - was)),
                tuple(sorted(was - now)),
            )
        )

    def order(change: Change) -> tuple[int, float, str, str]:
        moved = CLASS_ORDER.get(change.risk_class or "", 0) - CLASS_ORDER.get(change.class_before or "", 0)
        delta = (change.score or 0.0) - (change.score_before or 0.0)
        return (-abs(moved), -abs(delta), change.bin, change.group)

    return sorted(changes, key=order)


def comparison_export(db: Database, actor: Actor, before: uuid.UUID, after: uuid.UUID) -> TableExport:
    """The comparison as a table to export (CSV: codes in words of the reader's language; JSON: keys)."""
    changes = compare_runs(db, actor, before, after)

    def rows() -> Iterator[Sequence[object]]:
        for change in changes:
            yield tuple(getattr(change, column) for column in COMPARE_COLUMNS)

    return TableExport(f"compare-{before}-{after}", COMPARE_COLUMNS, rows)
