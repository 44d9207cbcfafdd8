"""The information systems' data (source group 3): recipient rosters, service-delivery records,
accessibility findings and the stored reports that evidence for rows 78 to 84 refers to.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roster_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("provider_bin", sa.String(length=12), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('provider', 'esobes', 'portal')", name=op.f("ck_roster_entries_source_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_entries")),
        sa.UniqueConstraint(
            "iin",
            "provider_bin",
            "source",
            "starts_on",
            name=op.f("uq_roster_entries_iin_provider_bin_source_starts_on"),
        ),
    )
    op.create_index(op.f("ix_roster_entries_last_seen_at"), "roster_entries", ["last_seen_at"])
    op.create_index(
        op.f("ix_roster_entries_iin_provider_bin_source_starts_on_form_ends_on"),
        "roster_entries",
        ["iin", "provider_bin", "source", "starts_on", "form", "ends_on"],
    )
    op.create_table(
        "service_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("provider_bin", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_deliveries")),
        sa.UniqueConstraint(
            "iin",
            "provider_bin",
            "kind",
            "delivered_on",
            name=op.f("uq_service_deliveries_iin_provider_bin_kind_delivered_on"),
        ),
    )
    op.create_index(
        op.f("ix_service_deliveries_provider_bin_delivered_on"),
        "service_deliveries",
        ["provider_bin", "delivered_on"],
    )
    op.create_index(op.f("ix_service_deliveries_last_seen_at"), "service_deliveries", ["last_seen_at"])
    op.create_table(
        "accessibility_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object", sa.String(length=500), nullable=False),
        sa.Column("subject_bin", sa.String(length=12), nullable=False),
        sa.Column("element", sa.String(length=32), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accessibility_findings")),
        sa.UniqueConstraint(
            "subject_bin",
            "object",
            "element",
            "found_on",
            name=op.f("uq_accessibility_findings_subject_bin_object_element_found_on"),
        ),
    )
    op.create_index(
        op.f("ix_accessibility_findings_last_seen_at"), "accessibility_findings", ["last_seen_at"]
    )
    op.create_table(
        "system_reports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("provider_bin", sa.String(length=12), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("facts", sa.Integer(), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "kind IN ('reconciliation', 'fulfilment', 'accessibility')",
            name=op.f("ck_system_reports_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_reports")),
    )
    op.create_index(op.f("ix_system_reports_provider_bin"), "system_reports", ["provider_bin"])


def downgrade() -> None:
    op.drop_table("system_reports")
    op.drop_table("accessibility_findings")
    op.drop_table("service_deliveries")
    op.drop_table("roster_entries")
