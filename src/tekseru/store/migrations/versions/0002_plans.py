"""Semi-annual lists of preventive control with a visit: drafts, approved and published lists.

An approved or published list cannot change: besides the check in `tekseru.store.plans`, triggers refuse
an update of such a row (except approved -> published, with nothing else changed) and its deletion.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns that must stay as they are once a list is approved (published_* may still be set, once).
_FROZEN_COLUMNS = (
    "id",
    "half_year",
    "as_of",
    "assessment_id",
    "edition_id",
    "plan",
    "capacity",
    "created_by",
    "created_at",
    "approved_by",
    "approved_at",
    "previous_plan_id",
)
_FROZEN_MESSAGE = "an approved or published plan cannot change"


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("half_year", sa.String(length=7), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("edition_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=200), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("previous_plan_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'published')", name=op.f("ck_plans_status_known")
        ),
        sa.CheckConstraint(
            "(status = 'draft' AND approved_by IS NULL AND approved_at IS NULL)"
            " OR (status <> 'draft' AND approved_by IS NOT NULL AND approved_at IS NOT NULL)",
            name=op.f("ck_plans_approval_recorded"),
        ),
        sa.CheckConstraint(
            "(status = 'published' AND published_by IS NOT NULL AND published_at IS NOT NULL)"
            " OR (status <> 'published' AND published_by IS NULL AND published_at IS NULL)",
            name=op.f("ck_plans_publication_recorded"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_plans_assessment_id_assessments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["previous_plan_id"],
            ["plans.id"],
            name=op.f("fk_plans_previous_plan_id_plans"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index(op.f("ix_plans_half_year_status"), "plans", ["half_year", "status"])
    op.create_index(op.f("ix_plans_assessment_id"), "plans", ["assessment_id"])
    if op.get_bind().dialect.name == "postgresql":
        _create_postgres_triggers()
    else:
        _create_sqlite_triggers()


def _create_sqlite_triggers() -> None:
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in _FROZEN_COLUMNS)
    op.execute(
        "CREATE TRIGGER plans_frozen_update BEFORE UPDATE ON plans"
        " WHEN OLD.status <> 'draft' AND NOT ("
        f"OLD.status = 'approved' AND NEW.status = 'published' AND {unchanged})"
        f" BEGIN SELECT RAISE(ABORT, '{_FROZEN_MESSAGE}'); END"
    )
    op.execute(
        "CREATE TRIGGER plans_frozen_delete BEFORE DELETE ON plans WHEN OLD.status <> 'draft'"
        f" BEGIN SELECT RAISE(ABORT, '{_FROZEN_MESSAGE}'); END"
    )


def _create_postgres_triggers() -> None:
    # json has no equality operator in PostgreSQL: compare the JSON columns as text.
    unchanged = " AND ".join(
        f"NEW.{column}::text IS NOT DISTINCT FROM OLD.{column}::text"
        if column in ("plan", "capacity")
        else f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}"
        for column in _FROZEN_COLUMNS
    )
    op.execute(
        "CREATE FUNCTION plans_refuse_frozen_change() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF OLD.status = 'draft' THEN\n"
        "    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n"
        "    RETURN NEW;\n"
        "  END IF;\n"
        "  IF TG_OP = 'UPDATE' THEN\n"
        f"    IF OLD.status = 'approved' AND NEW.status = 'published' AND {unchanged} THEN\n"
        "      RETURN NEW;\n"
        "    END IF;\n"
        "  END IF;\n"
        f"  RAISE EXCEPTION '{_FROZEN_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';\n"
        "END;\n"
        "$$"
    )
    op.execute(
        "CREATE TRIGGER plans_frozen BEFORE UPDATE OR DELETE ON plans"
        " FOR EACH ROW EXECUTE FUNCTION plans_refuse_frozen_change()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS plans_frozen ON plans")
        op.execute("DROP FUNCTION IF EXISTS plans_refuse_frozen_change()")
    else:
        op.execute("DROP TRIGGER IF EXISTS plans_frozen_update")
        op.execute("DROP TRIGGER IF EXISTS plans_frozen_delete")
    op.drop_index(op.f("ix_plans_assessment_id"), table_name="plans")
    op.drop_index(op.f("ix_plans_half_year_status"), table_name="plans")
    op.drop_table("plans")
