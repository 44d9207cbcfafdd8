"""Subjects' accounts and their remediation reports (issue 21).

- `users.role` may be `subject`: the constraint `ck_users_role_known` gains it. On PostgreSQL the
  constraint is dropped and made again. On SQLite a table's constraint cannot be altered, and recreating
  `users` (what Alembic's batch mode does) would delete every session through their foreign key, as foreign
  keys are on and cannot be turned off inside the migration's transaction; so the constraint's text is
  widened in the schema itself, the procedure SQLite documents for changing a CHECK constraint ("ALTER
  TABLE", section 7): every stored row meets the wider constraint.
- `subject_account_bins`: the BINs each subject's account acts for.
- `remediation_reports` and `remediation_files`: what a subject reports it remedied for one violation, its
  files (kept as inspection attachments are) and an inspector's decision.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_ROLES = "role IN ('admin', 'planner', 'inspector', 'viewer')"
_NEW_ROLES = "role IN ('admin', 'planner', 'inspector', 'viewer', 'subject')"
_CONSTRAINT = "ck_users_role_known"


def _roles(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(_CONSTRAINT), "users", type_="check")
        op.create_check_constraint(op.f(_CONSTRAINT), "users", new)
        return
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")
    ).scalar()
    if sql is None or old not in sql:
        raise RuntimeError(f"the users table has no constraint {old!r} to change")
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'users'"),
        {"sql": sql.replace(old, new)},
    )
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))


def upgrade() -> None:
    _roles(_OLD_ROLES, _NEW_ROLES)
    op.create_table(
        "subject_account_bins",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("bin", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_subject_account_bins_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "bin", name=op.f("pk_subject_account_bins")),
    )
    op.create_index(op.f("ix_subject_account_bins_bin"), "subject_account_bins", ["bin"])
    op.create_table(
        "remediation_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("violation_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('submitted', 'accepted', 'rejected')",
            name=op.f("ck_remediation_reports_status_known"),
        ),
        sa.CheckConstraint(
            "(status = 'submitted' AND reviewed_by IS NULL AND reviewed_at IS NULL)"
            " OR (status <> 'submitted' AND reviewed_by IS NOT NULL AND reviewed_at IS NOT NULL)",
            name=op.f("ck_remediation_reports_review_recorded"),
        ),
        sa.ForeignKeyConstraint(
            ["violation_id"],
            ["inspection_violations.id"],
            name=op.f("fk_remediation_reports_violation_id_inspection_violations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_remediation_reports_inspection_id_inspections"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_remediation_reports_subject_id_subjects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remediation_reports")),
    )
    op.create_index(op.f("ix_remediation_reports_violation_id"), "remediation_reports", ["violation_id"])
    op.create_index(
        op.f("ix_remediation_reports_subject_id_status"), "remediation_reports", ["subject_id", "status"]
    )
    op.create_table(
        "remediation_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_as", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_remediation_files_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["remediation_reports.id"],
            name=op.f("fk_remediation_files_report_id_remediation_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remediation_files")),
    )
    op.create_index(op.f("ix_remediation_files_report_id"), "remediation_files", ["report_id"])
    op.create_index(op.f("ix_remediation_files_sha256"), "remediation_files", ["sha256"])


def downgrade() -> None:
    op.drop_table("remediation_files")
    op.drop_table("remediation_reports")
    op.drop_table("subject_account_bins")
    op.execute(sa.text("DELETE FROM users WHERE role = 'subject'"))
    _roles(_NEW_ROLES, _OLD_ROLES)
