"""The audit log's hash chain and the records it seals, on SQLite and PostgreSQL: an intact log verifies;
each edit, insertion or deletion made by raw SQL with the append-only triggers out of the way is named,
the first bad entry or record first; concurrent writers never fork the chain."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection, text

from tekseru.services import audit, plans
from tekseru.services.permissions import Actor, PermissionDenied
from tekseru.store import Database
from tests.services import inspection_data, plan_data
from tests.services.audit_data import ADMIN, PLANNER, Signed, sign_records
from tests.services.plan_data import NOW, no_history


@pytest.fixture
def signed(database: Database) -> Signed:
    return sign_records(database)


def tamper(database: Database, *statements: str) -> None:
    """Run raw SQL with every user trigger of the audit log, inspections and lists out of the way."""
    with database.engine.begin() as connection:
        _drop_triggers(connection)
        for statement in statements:
            connection.execute(text(statement))


def _drop_triggers(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        for table in ("audit_log", "audit_chain_head", "inspections", "inspection_answers", "plans"):
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        return
    names = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        " AND tbl_name IN ('audit_log', 'inspections', 'inspection_answers', 'plans')"
    ).scalars()
    for name in list(names):
        connection.exec_driver_sql(f"DROP TRIGGER {name}")


def entry_ids(database: Database) -> list[int]:
    with database.engine.connect() as connection:
        return list(connection.exec_driver_sql("SELECT id FROM audit_log ORDER BY id").scalars())


def test_an_intact_log_verifies_and_seals_the_signed_records(database: Database, signed: Signed) -> None:
    report = audit.verify(database, ADMIN)
    assert report.ok, report.problems
    assert report.entries == len(entry_ids(database)) >= 5
    assert report.records_checked == 2  # the completed inspection and the approved list
    with pytest.raises(PermissionDenied):
        audit.verify(database, PLANNER)
    assert audit.verify(database, ADMIN, anchor=report.head_hash).ok
    assert [p.kind for p in audit.verify(database, ADMIN, anchor="f" * 64).problems] == ["anchor"]


def test_an_edited_entry_is_named(database: Database, signed: Signed) -> None:
    second = entry_ids(database)[1]
    tamper(database, f"UPDATE audit_log SET actor = 'someone else' WHERE id = {second}")
    report = audit.verify(database, ADMIN)
    assert not report.ok
    assert (report.problems[0].kind, report.problems[0].entry_id) == ("edited", second)
    assert f"audit entry {second} was edited" in report.problems[0].message


def test_a_deleted_entry_is_noticed_at_the_next_one(database: Database, signed: Signed) -> None:
    first, second, third = entry_ids(database)[:3]
    tamper(database, f"DELETE FROM audit_log WHERE id = {second}")
    problem = audit.verify(database, ADMIN).problems[0]
    assert (problem.kind, problem.entry_id) == ("deleted", third)
    assert f"deleted before entry {third} after entry {first}" in problem.message


def test_a_deleted_last_entry_is_noticed_at_the_head(database: Database, signed: Signed) -> None:
    *_, before_last, last = entry_ids(database)
    tamper(database, f"DELETE FROM audit_log WHERE id = {last}")
    problem = audit.verify(database, ADMIN).problems[0]
    assert (problem.kind, problem.entry_id) == ("deleted", before_last)
    assert f"names entry {last}" in problem.message


def test_an_inserted_entry_is_named(database: Database, signed: Signed) -> None:
    last = entry_ids(database)[-1]
    tamper(
        database,
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_key, previous_hash, hash)"
        f" VALUES ({last + 1}, '2026-01-01 00:00:00', 'forger', 'user.create', 'user', 'x', NULL, NULL)",
    )
    problem = audit.verify(database, ADMIN).problems[0]
    assert (problem.kind, problem.entry_id) == ("inserted", last + 1)


def test_an_entry_copied_into_the_middle_is_named(database: Database, signed: Signed) -> None:
    """A forger who copies a valid entry's hashes (it passes its own check) still breaks the chain."""
    ids = entry_ids(database)
    tamper(
        database,
        f"DELETE FROM audit_log WHERE id = {ids[2]}",
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_key, region, before, after,"
        " previous_hash, hash) SELECT "
        f"{ids[2]}, at, actor, action, entity, entity_key, region, before, after, previous_hash, hash"
        f" FROM audit_log WHERE id = {ids[0]}",
    )
    problem = audit.verify(database, ADMIN).problems[0]
    assert problem.entry_id == ids[2] and problem.kind in ("edited", "inserted")


def test_a_forged_act_number_is_named(database: Database, signed: Signed) -> None:
    tamper(database, f"UPDATE inspections SET act_number = '99-ПК' WHERE id = {signed.inspection_id}")
    report = audit.verify(database, ADMIN)
    assert [(p.kind, p.entity, p.key) for p in report.problems] == [
        ("record_edited", "inspection", str(signed.inspection_id))
    ]
    assert f"inspection {signed.inspection_id} was edited after audit entry" in report.problems[0].message


def test_a_changed_answer_and_a_changed_list_are_named(database: Database, signed: Signed) -> None:
    tamper(
        database,
        f"UPDATE inspection_answers SET answer = 'compliant' WHERE inspection_id = {signed.inspection_id}",
        f"UPDATE plans SET approved_by = 'Someone Else' WHERE id = {signed.plan_id}",
    )
    found = {(p.kind, p.entity) for p in audit.verify(database, ADMIN).problems}
    assert found == {("record_edited", "inspection"), ("record_edited", "plan")}


def test_a_record_signed_behind_the_logs_back_is_named(database: Database, signed: Signed) -> None:
    """A draft list made approved by raw SQL has no sealing entry."""
    drafted = plans.draft_plan(database, PLANNER, "2027-H2", visit_histories=no_history, now=NOW)
    tamper(
        database,
        "UPDATE plans SET status = 'approved', approved_by = 'forger', approved_at = '2026-01-01 00:00:00'"
        f" WHERE id = {drafted.id}",
    )
    problem = audit.verify(database, ADMIN).problems[0]
    assert (problem.kind, problem.key) == ("record_unsealed", str(drafted.id))


def test_concurrent_writers_never_chain_onto_the_same_entry(database: Database) -> None:
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for number in range(15):
                with database.transaction() as session:
                    audit.record(session, Actor.system(name), "test.write", "test", number)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(f"writer-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    report = audit.verify(database, ADMIN)
    assert report.ok, report.problems
    assert report.entries == 45


def test_plan_data_and_inspection_data_do_not_share_subjects() -> None:
    """The fixture above relies on the two registries being disjoint."""
    assert not set(plan_data.BINS) & set(inspection_data.BINS)
