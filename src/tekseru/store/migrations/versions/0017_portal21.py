"""Signing in with an electronic signature: the one-time challenges a subject signs.

Revision ID: 0017_portal21
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_portal21"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signin_challenges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_challenges")),
    )
    op.create_index(op.f("ix_signin_challenges_expires_at"), "signin_challenges", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signin_challenges_expires_at"), table_name="signin_challenges")
    op.drop_table("signin_challenges")
