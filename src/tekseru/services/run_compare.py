"""Two assessment runs side by side (issue 19, "Compare"): which subjects changed class or score between
them, and why: the criteria their evidence violates in the later run and not in the earlier (and the
other way round), and the evidence records that moved them: each record whose part in the score differs
between the runs (counted in one, not counted or not yet stored in the other, or not counted for another
reason), with its source, date, criterion and reference, read from the runs' stored explanations. A
subject-group assessed in one run only is shown too. An inspector sees its region."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from tekseru.i18n import translate
from tekseru.services.exports import CHUNK, LABELS, TableExport
from tekseru.services.permissions import Actor, Permission
from tekseru.services.registry_queries import run
from tekseru.store import Database
from tekseru.store.assessments import results_for_run
from tekseru.store.evidence import evidence_for_subjects
from tekseru.store.run_results import ResultRow, run_result_rows

COUNTED = "counted"  # an evidence record's part in a score: counted, or the reason it was not (IgnoreReason)

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
    "evidence_moved",
)


@dataclass(frozen=True)
class EvidenceMove:
    """An evidence record whose part in a subject-group's score differs between the runs: `before` and
    `after` are "counted", the reason it was not counted (`tekseru.scoring.IgnoreReason`), or None when
    the run did not have the record. The record's details are None when it is no longer stored."""

    evidence_id: int
    criterion: int
    before: str | None
    after: str | None
    source_group: int | None = None
    observed_on: date | None = None
    reference: str | None = None

    @property
    def now_counted(self) -> bool:
        return self.after == COUNTED


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
    evidence_moved: tuple[EvidenceMove, ...] = ()

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
    changed = [
        key
        for key in earlier.keys() | later.keys()
        if key not in earlier
        or key not in later
        or (earlier[key].risk_class, earlier[key].score) != (later[key].risk_class, later[key].score)
    ]
    moves = _evidence_moves(db, before, after, changed)
    changes = []
    for key in changed:
        old, new = earlier.get(key), later.get(key)
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
                moves.get(key, ()),
            )
        )

    def order(change: Change) -> tuple[int, float, str, str]:
        moved = CLASS_ORDER.get(change.risk_class or "", 0) - CLASS_ORDER.get(change.class_before or "", 0)
        delta = (change.score or 0.0) - (change.score_before or 0.0)
        return (-abs(moved), -abs(delta), change.bin, change.group)

    return sorted(changes, key=order)


def _statuses(explanation: dict[str, Any]) -> dict[int, tuple[int, str]]:
    """Evidence id -> (criterion, "counted" or the reason it was not) in a stored explanation."""
    found = {
        int(evidence_id): (int(number), COUNTED)
        for number, ids in explanation.get("counted", {}).items()
        for evidence_id in ids
    }
    for reason, by_criterion in explanation.get("ignored", {}).items():
        for number, ids in by_criterion.items():
            found.update((int(evidence_id), (int(number), reason)) for evidence_id in ids)
    return found


def _explanations(session: Any, run_id: uuid.UUID, subject_id: int) -> dict[str, dict[int, tuple[int, str]]]:
    return {
        result.group_key: _statuses(dict(result.explanation))
        for result in results_for_run(session, run_id, subject_id=subject_id)
    }


def _evidence_moves(
    db: Database, before: uuid.UUID, after: uuid.UUID, changed: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], tuple[EvidenceMove, ...]]:
    """For each changed subject-group, the evidence records whose status differs between the runs'
    stored explanations, by criterion and record; their details from the evidence still stored."""
    subjects = sorted({subject_id for subject_id, _ in changed})
    found: dict[tuple[int, str], tuple[EvidenceMove, ...]] = {}
    with db.reading() as session:
        records = {record.id: record for record in evidence_for_subjects(session, subjects)}
        for subject_id in subjects:
            was, now = _explanations(session, before, subject_id), _explanations(session, after, subject_id)
            for group in was.keys() | now.keys():
                old, new = was.get(group, {}), now.get(group, {})
                moved = []
                for evidence_id in sorted(old.keys() | new.keys()):
                    status_before, status_after = old.get(evidence_id), new.get(evidence_id)
                    if status_before == status_after:
                        continue
                    criterion = (status_after or status_before or (0, ""))[0]
                    record = records.get(evidence_id)
                    moved.append(
                        EvidenceMove(
                            evidence_id,
                            criterion,
                            None if status_before is None else status_before[1],
                            None if status_after is None else status_after[1],
                            None if record is None else record.source_group,
                            None if record is None else record.observed_on,
                            None if record is None else record.reference,
                        )
                    )
                found[(subject_id, group)] = tuple(sorted(moved, key=lambda m: (m.criterion, m.evidence_id)))
    return found


def _moves_said(moves: object, language: str, catalogue: object) -> object:
    """The evidence that moved a subject-group, in words of `language`, one record after another."""

    def status(value: str | None) -> str:
        if value is None:
            return translate(language, "compare.evidence.absent")
        if value in (COUNTED, "below_complaint_threshold"):
            return translate(language, f"compare.evidence.{value}")
        return translate(language, f"explain.{value}")

    said = []
    for move in moves if isinstance(moves, list | tuple) else ():
        line = translate(
            language,
            "compare.evidence.line",
            id=move["evidence_id"],
            criterion=move["criterion"],
            source=move["source_group"] if move["source_group"] is not None else "—",
            date=move["observed_on"] or "—",
            reference=move["reference"] if move["reference"] is not None else "—",
        )
        said.append(f"{line}: {status(move['before'])} → {status(move['after'])}")
    return "; ".join(said)


LABELS["evidence_moved"] = _moves_said


def comparison_export(db: Database, actor: Actor, before: uuid.UUID, after: uuid.UUID) -> TableExport:
    """The comparison as a table to export (CSV: codes in words of the reader's language; JSON: keys)."""
    changes = compare_runs(db, actor, before, after)

    def rows() -> Iterator[Sequence[object]]:
        for change in changes:
            yield tuple(_exported(getattr(change, column)) for column in COMPARE_COLUMNS)

    return TableExport(f"compare-{before}-{after}", COMPARE_COLUMNS, rows)


def _exported(value: object) -> object:
    """A column's value for the file: the evidence moves as plain objects (JSON's fields; CSV says them)."""
    if isinstance(value, tuple) and value and isinstance(value[0], EvidenceMove):
        return [
            asdict(move) | {"observed_on": move.observed_on and move.observed_on.isoformat()}
            for move in value
        ]
    return value
