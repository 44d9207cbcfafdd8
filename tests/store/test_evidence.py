"""The evidence repository: natural-key upsert, reading by period and marking use."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from tekseru.store import Database, WriteCounts
from tekseru.store.evidence import (
    count_evidence,
    evidence_for_subjects,
    iter_evidence,
    mark_used,
    upsert_evidence,
)
from tekseru.store.models import Evidence
from tests.store.factories import NOW, add_subjects, evidence


def test_upsert_is_idempotent_by_natural_key(database: Database) -> None:
    [subject_id] = add_subjects(database, 1)
    rows = [evidence(subject_id, 1), evidence(subject_id, 2), evidence(subject_id, 1, reference="act 99")]
    with database.transaction() as session:
        assert upsert_evidence(session, rows, entered_by="ann", entered_at=NOW) == WriteCounts(created=3)
    with database.transaction() as session:
        again = upsert_evidence(session, rows, entered_by="bob", entered_at=NOW + timedelta(days=1))
        assert again == WriteCounts(unchanged=3)
        stored = evidence_for_subjects(session, [subject_id])
        assert count_evidence(session) == 3
    assert {record.entered_by for record in stored} == {"ann"}


def test_a_complaint_confirmed_later_is_updated(database: Database) -> None:
    [subject_id] = add_subjects(database, 1)
    complaint = evidence(subject_id, 85, source_group=4, reference="complaint 7", confirmed=None)
    with database.transaction() as session:
        upsert_evidence(session, [complaint], entered_by="ann", entered_at=NOW)
    confirmed = evidence(subject_id, 85, source_group=4, reference="complaint 7", confirmed=True)
    with database.transaction() as session:
        assert upsert_evidence(session, [confirmed], entered_by="ann", entered_at=NOW) == WriteCounts(
            updated=1
        )
        [stored] = evidence_for_subjects(session, [subject_id])
    assert stored.confirmed is True


def test_the_database_itself_refuses_a_duplicate_natural_key(database: Database) -> None:
    [subject_id] = add_subjects(database, 1)
    row = evidence(subject_id)
    values = {
        "subject_id": row.subject_id,
        "criterion": row.criterion,
        "source_group": row.source_group,
        "observed_on": row.observed_on,
        "reference": row.reference,
        "confirmed": None,
        "entered_by": "ann",
        "entered_at": NOW,
        "origin": "test",
    }
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.execute(insert(Evidence), [values, values])


def test_upsert_refuses_repeated_keys_in_one_call(database: Database) -> None:
    [subject_id] = add_subjects(database, 1)
    with database.transaction() as session, pytest.raises(ValueError, match="distinct natural keys"):
        upsert_evidence(session, [evidence(subject_id), evidence(subject_id)], entered_by="a", entered_at=NOW)


def test_reading_by_subjects_and_period(database: Database) -> None:
    first, second = add_subjects(database, 2)
    rows = [
        evidence(first, 1, observed_on=date(2023, 1, 1)),
        evidence(first, 2, observed_on=date(2024, 1, 1)),
        evidence(second, 1, observed_on=date(2024, 2, 1)),
    ]
    with database.transaction() as session:
        upsert_evidence(session, rows, entered_by="ann", entered_at=NOW)
        in_2024 = evidence_for_subjects(
            session, observed_from=date(2024, 1, 1), observed_to=date(2024, 12, 31)
        )
        assert [(r.subject_id, r.criterion) for r in in_2024] == [(first, 2), (second, 1)]
        assert [r.criterion for r in evidence_for_subjects(session, [first])] == [1, 2]
        assert [
            r.criterion for r in evidence_for_subjects(session, [second], observed_to=date(2024, 1, 31))
        ] == []
        assert len(list(iter_evidence(session, batch_size=2))) == 3
        assert count_evidence(session) == 3
        assert count_evidence(session, subject_id=first) == 2


def test_marking_evidence_used_for_a_visit(database: Database) -> None:
    [subject_id] = add_subjects(database, 1)
    with database.transaction() as session:
        upsert_evidence(
            session, [evidence(subject_id, 1), evidence(subject_id, 2)], entered_by="a", entered_at=NOW
        )
        ids = [record.id for record in evidence_for_subjects(session, [subject_id])]
        assert mark_used(session, ids[:1], date(2024, 7, 1)) == 1
        used = {record.criterion: record.used_on for record in evidence_for_subjects(session, [subject_id])}
    assert used == {1: date(2024, 7, 1), 2: None}
