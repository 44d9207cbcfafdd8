"""The readings run on the driver's cursor (`tekseru.store.fast_reads`) give what SQLAlchemy's execution
gives, value for value and type for type (dates, times, UUIDs, booleans, JSON, NULLs, an expanded IN), in
the reading's own transaction; they are told to the engine's listeners and refuse a control character as
every other statement does."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, event, func, select

from tekseru.store import Database
from tekseru.store.assessments import finish_run, latest_run, start_run
from tekseru.store.evidence import upsert_evidence
from tekseru.store.fast_reads import read_first, read_named, read_rows
from tekseru.store.models import Assessment, Evidence, Subject
from tekseru.store.records import AssessmentRun
from tekseru.store.registry_queries import _PAGE_BY_IDS, SUBJECT_BY_BIN
from tekseru.store.text import InvalidText
from tests.store.factories import BINS, NOW, add_subjects, evidence

_RUNS = select(
    Assessment.id,
    Assessment.as_of,
    Assessment.started_at,
    Assessment.finished_at,
    Assessment.status,
    Assessment.message,
    func.count().over().label("runs"),
).order_by(Assessment.started_at)
_EVIDENCE = (
    select(Evidence.id, Evidence.observed_on, Evidence.confirmed, Evidence.reference, Subject.bin)
    .join(Subject, Subject.id == Evidence.subject_id)
    .where(Subject.id.in_(bindparam("ids", expanding=True)) & (Subject.region == bindparam("region")))
    .order_by(Evidence.id)
)


def _runs(database: Database) -> list[uuid.UUID]:
    ids = []
    with database.transaction() as session:
        for minutes in (0, 5):
            run = start_run(
                session,
                as_of=date(2024, 6, 1) + timedelta(days=minutes),
                edition_id="e",
                inputs_fingerprint="f",
                subjects_total=0,
                now=NOW + timedelta(minutes=minutes),
            )
            if minutes:
                finish_run(session, run.id, now=NOW + timedelta(minutes=minutes + 1))
            ids.append(run.id)
    return ids


def _evidence(database: Database) -> list[int]:
    ids = add_subjects(database, 3)
    with database.transaction() as session:
        rows = [
            evidence(ids[0], 1, confirmed=True),
            evidence(ids[1], 2, confirmed=False),
            evidence(ids[2], 3),
        ]
        upsert_evidence(session, rows, entered_by="t", entered_at=NOW)
    return ids


def _sqlalchemy(database: Database, statement: Any, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    with database.reading() as session:
        return [tuple(row) for row in session.connection().execute(statement, values)]


def _typed(rows: list[tuple[Any, ...]]) -> list[tuple[tuple[type, Any], ...]]:
    return [tuple((type(value), value) for value in row) for row in rows]


def test_rows_hold_the_values_and_types_sqlalchemy_gives(database: Database) -> None:
    _, run = _runs(database)
    ids = _evidence(database)
    for statement, values in (
        (_RUNS, {}),
        # a run's id converted as SQLAlchemy converts it, a list expanded and a separator written in
        (_PAGE_BY_IDS, {"run": run, "ids": ids}),
        (_PAGE_BY_IDS, {"run": None, "ids": ids[:1]}),
        (SUBJECT_BY_BIN, {"run": run, "bin": BINS[1]}),
        (_EVIDENCE, {"ids": ids[:2], "region": "astana"}),
        (_EVIDENCE, {"ids": ids, "region": "astana"}),  # another length of the list: its own statement
        (_EVIDENCE, {"ids": ids[2:], "region": "almaty_city"}),  # nothing found
    ):
        expected = _sqlalchemy(database, statement, values)
        with database.reading() as session:
            found = read_rows(session.connection(), statement, values)
            named = read_named(session.connection(), statement, values)
        assert _typed(found) == _typed(expected)
        assert [tuple(row) for row in named] == found
    first = expected_first(database)  # the run not finished: no end, no message
    assert [type(value) for value in first] == [uuid.UUID, date, datetime, type(None), str, type(None), int]


def expected_first(database: Database) -> tuple[Any, ...]:
    with database.reading() as session:
        found = read_first(session.connection(), _RUNS)
    assert found is not None
    return found


def test_named_rows_are_read_by_their_columns(database: Database) -> None:
    ids = _evidence(database)
    with database.reading() as session:
        rows = read_named(session.connection(), _EVIDENCE, {"ids": ids, "region": "astana"})
    assert [(row.bin, row.confirmed) for row in rows] == [(BINS[0], True), (BINS[1], False), (BINS[2], None)]


def test_the_latest_finished_run_is_read_as_the_store_reads_it(database: Database) -> None:
    _, finished = _runs(database)
    with database.reading() as session:
        run = latest_run(session)
    assert isinstance(run, AssessmentRun) and run.id == finished and run.status == "finished"
    assert run.finished_at is not None and run.finished_at.replace(tzinfo=UTC) == NOW + timedelta(minutes=6)


def test_a_reading_sees_its_own_transaction(database: Database) -> None:
    add_subjects(database, 2)
    count = select(func.count()).select_from(Subject)
    with database.transaction() as session:
        session.execute(Subject.__table__.delete().where(Subject.bin == BINS[0]))
        assert read_rows(session.connection(), count) == [(1,)]  # not committed yet: seen by its own
        with database.reading() as other:
            assert read_rows(other.connection(), count) == [(2,)]  # not by another connection


def test_listeners_are_told_and_a_control_character_is_refused(database: Database) -> None:
    add_subjects(database, 1)
    told: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        told.append(statement)

    by_bin = select(Subject.name).where(Subject.bin == bindparam("bin"))
    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        with database.reading() as session:
            assert read_rows(session.connection(), by_bin, {"bin": BINS[0]}) == [("Provider 0",)]
            with pytest.raises(InvalidText):
                read_rows(session.connection(), by_bin, {"bin": BINS[0][:5] + "\x00"})
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert len([statement for statement in told if "subjects.bin" in statement]) == 1


def test_a_missing_value_is_refused_not_guessed(database: Database) -> None:
    by_bin = select(Subject.name).where(Subject.bin == bindparam("bin"))
    with database.reading() as session, pytest.raises(KeyError):
        read_rows(session.connection(), by_bin, {})
