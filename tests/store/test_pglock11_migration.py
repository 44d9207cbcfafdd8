"""Migration 0023: PostgreSQL checks the subject of new evidence once per statement by triggers instead of
the foreign key's check row by row; SQLite keeps the key. On both databases, before and after it (and after
its downgrade), evidence names only subjects in the registry and a subject with evidence cannot be deleted
or renumbered; on PostgreSQL inserts and deletes take turns (`turns.EVIDENCE_SUBJECTS`) from their checks
to their commits, so a delete and an insert at once cannot leave evidence without its subject."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import delete, inspect, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tekseru.store import Database, EvidenceData, migrate
from tekseru.store.evidence import count_evidence, upsert_evidence
from tekseru.store.models import Evidence, Subject, SubjectGroup
from tekseru.store.turns import EVIDENCE_SUBJECTS, take_turns
from tests.store.factories import add_subjects

NOW = datetime(2024, 6, 30, 9, 0, tzinfo=UTC)
KEY = "fk_evidence_subject_id_subjects"
TRIGGERS = {
    "evidence_subjects_exist",
    "evidence_moved_subject_exists",
    "subjects_evidence_restrict",
    "subjects_id_evidence_restrict",
}


def _evidence(subject_id: int, day: int) -> EvidenceData:
    return EvidenceData(subject_id, 1, 1, date(2024, 1, day), f"act {day}", None, f"e.csv:{day}")


def _foreign_keys(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return {key["name"] for key in inspect(connection).get_foreign_keys("evidence")}


def _triggers(database: Database) -> set[str]:
    if database.engine.dialect.name != "postgresql":
        return set()
    with database.engine.connect() as connection:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = ANY(:tables)"
        tables = [
            connection.execute(text("SELECT CAST(:t AS regclass)::oid"), {"t": t}).scalar_one()
            for t in ("evidence", "subjects")
        ]
        return set(connection.execute(text(query), {"tables": tables}).scalars()) & TRIGGERS


def _refused(database: Database, change: str, ids: list[int]) -> bool:
    """Whether `change` is refused as the foreign key would refuse it (nothing of it kept)."""
    statements = {
        "insert missing": lambda session: upsert_evidence(
            session, [_evidence(ids[1], 9), _evidence(ids[-1] + 1000, 9)], entered_by="x", entered_at=NOW
        ),
        "move to missing": lambda session: session.execute(
            update(Evidence).where(Evidence.subject_id == ids[0]).values(subject_id=ids[-1] + 1000)
        ),
        "delete referenced": lambda session: session.execute(delete(Subject).where(Subject.id == ids[0])),
        "renumber referenced": lambda session: _renumber(session, ids[0], ids[-1] + 1000),
    }
    try:
        with database.transaction() as session:
            statements[change](session)
    except Exception as error:  # which one: asserted
        assert _key_error(error), error
        return True
    return False


def _renumber(session: Session, subject_id: int, new_id: int) -> None:
    """Give the subject another id (its groups first let go of it: their own key would refuse it)."""
    session.execute(delete(SubjectGroup).where(SubjectGroup.subject_id == subject_id))
    session.execute(update(Subject).where(Subject.id == subject_id).values(id=new_id))


def _key_error(error: BaseException) -> bool:
    """Whether `error` (SQLAlchemy's, or the driver's from a COPY) is the foreign key's own: SQLite's, or
    PostgreSQL's SQLSTATE and message naming the key, as callers knew it before the triggers."""
    found = getattr(error, "orig", error)
    if getattr(found, "sqlstate", None) == "23503":
        return KEY in str(found)
    return "FOREIGN KEY constraint failed" in str(found)


def _keeps_its_subjects(database: Database, ids: list[int], spare: int) -> None:
    """Evidence of ids[0] is stored; ids[1] and `spare` have none."""
    for change in ("insert missing", "move to missing", "delete referenced", "renumber referenced"):
        assert _refused(database, change, ids), change
    with database.reading() as session:
        assert count_evidence(session) == 1 and count_evidence(session, subject_id=ids[1]) == 0
    with database.transaction() as session:  # a subject without evidence may still go, and evidence move
        session.execute(delete(Subject).where(Subject.id == spare))
        session.execute(update(Evidence).values(subject_id=ids[1]))
        session.execute(update(Evidence).values(subject_id=ids[0]))
        assert session.get(Subject, spare) is None


def test_evidence_keeps_to_registered_subjects_through_the_migration_and_its_downgrade(
    database: Database,
) -> None:
    ids = add_subjects(database, 5)  # the last three deleted one by one
    with database.transaction() as session:
        upsert_evidence(session, [_evidence(ids[0], 1)], entered_by="x", entered_at=NOW)
    postgres = database.engine.dialect.name == "postgresql"
    assert _foreign_keys(database) == (set() if postgres else {KEY})
    assert _triggers(database) == (TRIGGERS if postgres else set())
    assert migrate.differences(database.engine) == []
    _keeps_its_subjects(database, ids, ids[2])
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0022_pggrow11")
    assert _foreign_keys(database) == {KEY} and _triggers(database) == set()
    _keeps_its_subjects(database, ids, ids[3])
    migrate.upgrade(database.engine)
    assert _foreign_keys(database) == (set() if postgres else {KEY})
    assert _triggers(database) == (TRIGGERS if postgres else set())
    _keeps_its_subjects(database, ids, ids[4])
    with database.reading() as session:
        assert count_evidence(session, subject_id=ids[0]) == 1


def _postgres_only(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take turns on the whole database")


@pytest.mark.parametrize("inserting_isolation", ["READ COMMITTED", "REPEATABLE READ"])
def test_a_delete_waits_for_an_insert_of_its_evidence_and_then_is_refused(
    database: Database, inserting_isolation: str
) -> None:
    """The insert takes the turn (READ COMMITTED) or locks the subject's row (otherwise)."""
    _postgres_only(database)
    ids = add_subjects(database, 1)
    with (
        database.engine.connect().execution_options(isolation_level=inserting_isolation) as inserting,
        database.engine.connect() as deleting,
    ):
        inserting.execute(  # its transaction stays open
            text(
                "INSERT INTO evidence (subject_id, criterion, source_group, observed_on, reference, "
                "entered_by, entered_at, origin) VALUES (:id, 1, 1, '2024-01-01', 'a', 'x', now(), 'e')"
            ),
            {"id": ids[0]},
        )
        deleting.execute(text("SET lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):  # the insert holds the turn
            deleting.execute(delete(Subject).where(Subject.id == ids[0]))
        deleting.rollback()
        inserting.commit()
        with pytest.raises(IntegrityError) as raised:
            deleting.execute(delete(Subject).where(Subject.id == ids[0]))
        assert _key_error(raised.value)


def test_a_delete_takes_the_turn_of_evidence_and_subjects(database: Database) -> None:
    """The triggers' advisory lock is the one `take_turns` names EVIDENCE_SUBJECTS."""
    _postgres_only(database)
    ids = add_subjects(database, 1)
    with database.transaction() as holding, database.engine.connect() as deleting:
        take_turns(holding, EVIDENCE_SUBJECTS)
        deleting.execute(text("SET lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            deleting.execute(delete(Subject).where(Subject.id == ids[0]))


def test_a_subject_is_deleted_only_in_read_committed(database: Database) -> None:
    """Outside READ COMMITTED a delete could not see evidence committed while it waited its turn."""
    _postgres_only(database)
    ids = add_subjects(database, 1)
    with (
        database.engine.connect().execution_options(isolation_level="REPEATABLE READ") as deleting,
        pytest.raises(OperationalError, match="READ COMMITTED"),
    ):
        deleting.execute(delete(Subject).where(Subject.id == ids[0]))


def _waits_for_a_lock(database: Database) -> bool:
    """Whether a session of this database comes to wait for a lock within ten seconds."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with database.engine.connect() as connection:
        for _ in range(200):
            if connection.execute(query).scalar_one():
                return True
            connection.rollback()
            time.sleep(0.05)
    return False


def test_an_insert_waits_for_a_delete_of_its_subject_and_then_is_refused(database: Database) -> None:
    _postgres_only(database)
    ids = add_subjects(database, 2)
    failures: list[BaseException] = []
    with database.engine.connect() as deleting:
        deleting.execute(delete(Subject).where(Subject.id == ids[0]))

        def insert() -> None:
            try:
                with database.transaction() as session:
                    rows = [_evidence(ids[1], 1), _evidence(ids[0], 1)]
                    upsert_evidence(session, rows, entered_by="x", entered_at=NOW)
            except BaseException as error:
                failures.append(error)

        thread = threading.Thread(target=insert)
        thread.start()
        assert _waits_for_a_lock(database)  # the insert's check waits for the delete's turn
        deleting.commit()
        thread.join()
    assert len(failures) == 1 and _key_error(failures[0])
    with database.reading() as session:
        assert count_evidence(session) == 0
