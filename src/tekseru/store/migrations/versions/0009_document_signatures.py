"""Electronic digital signatures of the documents of inspections and lists: one row per accepted signature,
with the detached CMS signature itself, the signer read from its certificate and its place in the order of
signing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("signer_name", sa.String(length=400), nullable=False),
        sa.Column("signer_iin", sa.String(length=12), nullable=True),
        sa.Column("signer_bin", sa.String(length=12), nullable=True),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "entity IN ('inspection', 'plan')", name=op.f("ck_document_signatures_entity_known")
        ),
        sa.CheckConstraint("position > 0", name=op.f("ck_document_signatures_position_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_signatures")),
        sa.UniqueConstraint(
            "document_sha256", "position", name=op.f("uq_document_signatures_document_sha256_position")
        ),
        sa.UniqueConstraint(
            "document_sha256",
            "certificate_sha256",
            name=op.f("uq_document_signatures_document_sha256_certificate_sha256"),
        ),
    )
    op.create_index(
        op.f("ix_document_signatures_entity_entity_id"), "document_signatures", ["entity", "entity_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_signatures_entity_entity_id"), table_name="document_signatures")
    op.drop_table("document_signatures")
