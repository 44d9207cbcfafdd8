"""Migration 0008 chains the audit entries already there and seals the records already signed, on SQLite
and PostgreSQL: a database taken back to 0005 and brought up again verifies, with one seal entry per
completed inspection and approved list; its downgrade takes the chain away again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from tekseru.services import audit
from tekseru.services.audit import AuditFilter
from tekseru.store import Database
from tekseru.store.audit_chain import GENESIS
from tekseru.store.migrate import alembic_config, upgrade
from tests.services.audit_data import ADMIN, sign_records


def audit_columns(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns("audit_log")}


def test_the_migration_chains_existing_entries_and_seals_signed_records(database: Database) -> None:
    signed = sign_records(database)
    before = audit.verify(database, ADMIN).entries
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0005")
    assert {"hash", "previous_hash"}.isdisjoint(audit_columns(database))
    upgrade(database.engine)
    assert {"hash", "previous_hash"} <= audit_columns(database)
    report = audit.verify(database, ADMIN)
    assert report.ok, report.problems
    assert report.entries == before + 2 and report.records_checked == 2
    for entity, key in (("inspection", signed.inspection_id), ("plan", signed.plan_id)):
        seals = audit.browse(database, ADMIN, AuditFilter(action=f"{entity}.seal")).entries
        assert [(s.actor, s.entity_key) for s in seals] == [("migration 0008", str(key))]
    first = audit.browse(database, ADMIN, per_page=500).entries[-1]
    assert first.id == 1
    with database.engine.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT previous_hash FROM audit_log WHERE id = 1").scalar() == GENESIS
        )
