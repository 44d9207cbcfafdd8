"""Results keep their explanation as compact codes (`tekseru.store.explanation_codes`): a new column
`evidence_statuses`, and `explanation` (the JSON of runs before this revision) may be empty. Old results
keep their JSON and read back as before; no row is rewritten.

Revision ID: 0018_bulk18
Revises: 0017_portal21
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_bulk18"
down_revision: str | None = "0017_portal21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment_results") as batch:
        batch.add_column(sa.Column("evidence_statuses", sa.LargeBinary(), nullable=True))
        batch.alter_column("explanation", existing_type=sa.JSON(), nullable=True)


def downgrade() -> None:
    # The older schema has only the JSON: write it back from the codes before the column goes.
    from tekseru.store.explanation_codes import decode

    connection = op.get_bind()
    table = sa.table(
        "assessment_results",
        sa.column("run_id", sa.Uuid()),
        sa.column("subject_id", sa.Integer()),
        sa.column("group_key", sa.String()),
        sa.column("explanation", sa.JSON()),
        sa.column("evidence_statuses", sa.LargeBinary()),
    )
    rows = connection.execute(
        sa.select(table.c.run_id, table.c.subject_id, table.c.group_key, table.c.evidence_statuses).where(
            table.c.explanation.is_(None)
        )
    ).all()
    for run_id, subject_id, group_key, data in rows:
        connection.execute(
            table.update()
            .where(table.c.run_id == run_id)
            .where(table.c.subject_id == subject_id)
            .where(table.c.group_key == group_key)
            .values(explanation=decode(data) if data is not None else {"counted": {}, "ignored": {}})
        )
    with op.batch_alter_table("assessment_results") as batch:
        batch.alter_column("explanation", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("evidence_statuses")
