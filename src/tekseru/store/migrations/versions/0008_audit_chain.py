"""The audit log as a hash chain: each entry's hash and its predecessor's, and the chain's head.

The entries already there are chained in id order. Every completed inspection and every approved or
published list gets an entry (`inspection.seal`, `plan.seal`, by "migration 0008") that carries its content
hash, so that `tekseru audit verify` can tell when one is changed from now on. The append-only triggers of
0004 are set aside while the hashes are written and put back unchanged.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTOR = "migration 0008"
_SQLITE_TRIGGERS = {
    event: f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    for event in ("UPDATE", "DELETE")
}


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    _without_append_only_triggers(_chain_existing_entries)


def _chain_existing_entries() -> None:
    # The store's code, on the migration's connection: the columns it reads all exist at this revision.
    from tekseru.store import audit_chain
    from tekseru.store.record_seals import INSPECTION, PLAN, SEAL_KEY, seals

    session = Session(bind=op.get_bind())
    audit_log = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("entity", sa.String()),
        sa.column("entity_key", sa.String()),
        sa.column("after", sa.JSON()),
    )
    now = datetime.now(UTC)
    next_id = (session.execute(sa.select(sa.func.max(audit_log.c.id))).scalar_one() or 0) + 1
    for entity in (INSPECTION, PLAN):
        for key, seal in sorted(seals(session, entity).items()):
            session.execute(
                audit_log.insert().values(
                    id=next_id,
                    at=now,
                    actor=_ACTOR,
                    action=f"{entity}.seal",
                    entity=entity,
                    entity_key=str(key),
                    after={SEAL_KEY: seal},
                )
            )
            next_id += 1
    audit_chain.rehash_all(session)
    session.flush()


def _without_append_only_triggers(work: object) -> None:
    assert callable(work)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        work()
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        return
    for event in _SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{event.lower()}")
    work()
    for statement in _SQLITE_TRIGGERS.values():
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    _without_append_only_triggers(_drop_hashes)


def _drop_hashes() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("previous_hash")
