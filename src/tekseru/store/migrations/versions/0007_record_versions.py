"""A version counter on every record people edit: the answers to checklist items, the follow-up of
violations and the semi-annual lists. A write names the version it read and is refused when the stored
one differs (`UPDATE ... WHERE version = :expected`), so that a page loaded earlier and submitted later
cannot silently revert another user's change. Existing rows start at version 1.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("inspection_answers", "inspection_violations", "plans")


def upgrade() -> None:
    for table in TABLES:
        # A plain ADD COLUMN (no table copy): SQLite keeps the triggers that freeze completed records.
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    for table in TABLES:
        # SQLite 3.35 and later drop a column in place, keeping the table's triggers.
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
