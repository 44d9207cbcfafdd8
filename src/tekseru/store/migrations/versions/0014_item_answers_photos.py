"""Phone-first checklists and photos per item.

- `inspection_answers.deadline`: the remediation deadline an inspector proposes on the item when marking it
  non-compliant; completing the inspection carries it into the violation's follow-up. Existing answers
  have none (NULL).
- `users.translation_notice_dismissed`: the user closed the unofficial-translation notice; it is not shown
  to them again. Existing users see it until they close it (false).

Attachments per item need no new column (`inspection_attachments.item` exists since 0003).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no table copy): SQLite keeps the triggers that freeze completed records.
    op.add_column("inspection_answers", sa.Column("deadline", sa.Date(), nullable=True))
    op.add_column(
        "users",
        sa.Column("translation_notice_dismissed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # SQLite 3.35 and later drop a column in place, keeping the table's triggers.
    op.execute("ALTER TABLE users DROP COLUMN translation_notice_dismissed")
    op.execute("ALTER TABLE inspection_answers DROP COLUMN deadline")
