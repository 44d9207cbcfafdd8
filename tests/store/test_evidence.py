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
    prepare_evidence,
    upsert_evidence,
    write_prepared,
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


def _record_values(database: Database, subject_id: int) -> list[tuple[object, ...]]:
    with database.reading() as session:
        return sorted(
            (r.criterion, r.source_group, r.observed_on, r.reference, r.confirmed, r.entered_by, r.entered_at,
             r.origin, r.used_on)
            for r in evidence_for_subjects(session, [subject_id])
        )  # fmt: skip


def test_prepared_evidence_is_stored_as_upsert_stores_it(database: Database) -> None:
    """Compared before the write transaction (issue 18), written in it: the same rows and counts as
    `upsert_evidence`, dates and times read back alike."""
    first, second = add_subjects(database, 2)
    stored = evidence(first, 85, source_group=4, reference="complaint 7", confirmed=None)
    with database.transaction() as session:
        upsert_evidence(session, [evidence(first, 1), stored], entered_by="ann", entered_at=NOW)
        again = evidence(second, 85, source_group=4, reference="complaint 7", confirmed=None)
        upsert_evidence(session, [evidence(second, 1), again], entered_by="ann", entered_at=NOW)
    batch = [
        evidence(first, 1),  # stored, unchanged
        evidence(first, 85, source_group=4, reference="complaint 7", confirmed=True),  # confirmed now
        evidence(first, 2, observed_on=date(2023, 12, 31)),  # new
        evidence(first, 3, confirmed=False),  # new
    ]
    with database.reading() as session:
        prepared = prepare_evidence(session, batch, entered_by="bob", entered_at=NOW + timedelta(hours=1))
    with database.transaction() as session:
        assert write_prepared(session, prepared) == WriteCounts(created=2, updated=1, unchanged=1)
    replay = [
        evidence(second, 1),
        evidence(second, 85, source_group=4, reference="complaint 7", confirmed=True),
        evidence(second, 2, observed_on=date(2023, 12, 31)),
        evidence(second, 3, confirmed=False),
    ]
    with database.transaction() as session:
        upsert_evidence(session, replay, entered_by="bob", entered_at=NOW + timedelta(hours=1))
    assert _record_values(database, first) == _record_values(database, second)


@pytest.mark.parametrize("meanwhile", ["stored", "confirmed"])
def test_prepared_evidence_changed_meanwhile_is_not_written(database: Database, meanwhile: str) -> None:
    """Another writer stores one of the batch's new rows, or changes a `confirmed` the batch changes,
    after the batch was prepared: none of the batch is written (the caller compares again), and what the
    other writer stored stays."""
    [subject_id] = add_subjects(database, 1)
    complaint = evidence(subject_id, 85, source_group=4, reference="complaint 7", confirmed=None)
    with database.transaction() as session:
        upsert_evidence(session, [complaint], entered_by="ann", entered_at=NOW)
    confirmed = evidence(subject_id, 85, source_group=4, reference="complaint 7", confirmed=True)
    batch = [evidence(subject_id, 1), evidence(subject_id, 2), confirmed]
    with database.reading() as session:
        prepared = prepare_evidence(session, batch, entered_by="bob", entered_at=NOW)
    other = (
        evidence(subject_id, 2)
        if meanwhile == "stored"
        else evidence(subject_id, 85, source_group=4, reference="complaint 7", confirmed=False)
    )
    with database.transaction() as session:
        upsert_evidence(session, [other], entered_by="carl", entered_at=NOW)
    before = _record_values(database, subject_id)
    with database.transaction() as session:
        assert write_prepared(session, prepared) is None
        assert count_evidence(session) == len(before)
    assert _record_values(database, subject_id) == before
    with database.transaction() as session:
        again = upsert_evidence(session, batch, entered_by="bob", entered_at=NOW)
    expected = WriteCounts(created=1, updated=1, unchanged=1)
    assert again == (expected if meanwhile == "stored" else WriteCounts(created=2, updated=1))


def test_preparing_waits_for_no_writer(database: Database) -> None:
    """Evidence is compared before the import's write transaction, while another import may hold the
    write lock: comparing only reads (its scratch table is the connection's own), so it does not wait."""
    [subject_id] = add_subjects(database, 1)
    with database.transaction() as session:
        upsert_evidence(session, [evidence(subject_id, 1)], entered_by="ann", entered_at=NOW)
    batch = [evidence(subject_id, 1), evidence(subject_id, 2)]
    with database.transaction() as writer:
        upsert_evidence(writer, [evidence(subject_id, 3)], entered_by="carl", entered_at=NOW)  # locked
        with database.reading() as session:
            prepared = prepare_evidence(session, batch, entered_by="bob", entered_at=NOW)
    assert prepared.counts == WriteCounts(created=1, unchanged=1)
