"""Reading the registry with several PostgreSQL connections that share one snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from tekseru.store import Database, assessment_load
from tekseru.store.assessment_load import EvidenceArrays, load_registry
from tekseru.store.evidence import upsert_evidence
from tekseru.store.snapshots import export_snapshot, snapshot_connection
from tests.store.factories import NOW, add_subjects, evidence

COLUMNS = ("id", "subject_id", "criterion", "source_group", "observed_on", "confirmed", "used_on")


def add_evidence(database: Database, subject_ids: list[int], count: int, first: int = 0) -> None:
    rows = [
        evidence(
            subject_ids[index % len(subject_ids)],
            criterion=1 + index % 5,
            observed_on=date(2023, 1, 1) + timedelta(days=index),
            reference=f"act {index}",
            confirmed=(None, True, False)[index % 3],
        )
        for index in range(first, first + count)
    ]
    with database.transaction() as session:
        upsert_evidence(session, rows, entered_by="test", entered_at=NOW)


def assert_same(one: EvidenceArrays, other: EvidenceArrays) -> None:
    order, other_order = np.argsort(one.id), np.argsort(other.id)
    for name in COLUMNS:
        assert np.array_equal(getattr(one, name)[order], getattr(other, name)[other_order]), name


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.postgres
def test_the_readers_see_the_snapshot_not_what_is_committed_after_it(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject_ids = add_subjects(database, 4)
    add_evidence(database, subject_ids, 40)
    with database.reading(one_snapshot=True) as session:
        _, alone = load_registry(session, readers=1)
    imports: list[str] = []
    real_export, real_connection = assessment_load.export_snapshot, assessment_load.snapshot_connection

    def export_then_commit(session: Session) -> str | None:
        snapshot = real_export(session)
        add_evidence(database, subject_ids, 1, first=40)  # committed by another connection meanwhile
        return snapshot

    @contextmanager
    def counted(engine: Engine, snapshot: str) -> Iterator[Connection]:
        imports.append(snapshot)
        with real_connection(engine, snapshot) as connection:
            yield connection

    monkeypatch.setattr(assessment_load, "export_snapshot", export_then_commit)
    monkeypatch.setattr(assessment_load, "snapshot_connection", counted)
    with database.reading(one_snapshot=True) as session:
        _, together = load_registry(session, readers=2)
    assert_same(together, alone)
    assert len(together) == 40 and len(imports) > 1 and len(set(imports)) == 1  # ranges on their own
    with database.reading(one_snapshot=True) as session:
        assert len(load_registry(session)[1]) == 41


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.postgres
def test_no_snapshot_is_shared_where_other_connections_would_not_see_what_the_transaction_sees(
    database: Database,
) -> None:
    subject_ids = add_subjects(database, 2)
    add_evidence(database, subject_ids, 10)
    with database.reading() as session:  # READ COMMITTED: each statement sees its own moment
        assert export_snapshot(session) is None
        _, read = load_registry(session)
    assert len(read) == 10
    with database.reading(one_snapshot=True) as session:
        with session.begin_nested():
            assert export_snapshot(session) is None  # none from a savepoint
        assert export_snapshot(session) is not None
    with database.transaction() as session:
        session.connection().exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        upsert_evidence(session, [evidence(subject_ids[0], reference="new")], entered_by="t", entered_at=NOW)
        assert export_snapshot(session) is None  # its own write would be invisible to the readers
        _, read = load_registry(session)
    assert len(read) == 11


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.postgres
def test_a_snapshot_connection_refuses_what_is_not_a_snapshot_id(database: Database) -> None:
    forged = "00000003-0000001B-1'; DROP TABLE evidence; --"
    with pytest.raises(ValueError, match="not a snapshot id"), snapshot_connection(database.engine, forged):
        pass
