"""A connected workflow: the list row an inspection came from, its unique number, the inspectors assigned
to it, and the reasons a list row will not be inspected (tekseru.store.workflow_models).

Every inspection recorded before gets its number here, in the order it was recorded: region of its subject,
year of its act, and the next sequence of that region and year.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inspection_origins",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("plan_rank", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_origins_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_inspection_origins_plan_id_plans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("inspection_id", name=op.f("pk_inspection_origins")),
        sa.UniqueConstraint("number", name=op.f("uq_inspection_origins_number")),
        sa.UniqueConstraint(
            "region", "year", "sequence", name=op.f("uq_inspection_origins_region_year_sequence")
        ),
        sa.UniqueConstraint("plan_id", "plan_rank", name=op.f("uq_inspection_origins_plan_id_plan_rank")),
    )
    op.create_table(
        "inspection_counters",
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region", "year", name=op.f("pk_inspection_counters")),
    )
    op.create_table(
        "inspection_assignments",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_assignments_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inspection_id", "username", name=op.f("pk_inspection_assignments")),
    )
    op.create_index(op.f("ix_inspection_assignments_username"), "inspection_assignments", ["username"])
    op.create_table(
        "plan_row_reasons",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_row_reasons_plan_id_plans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("plan_id", "rank", name=op.f("pk_plan_row_reasons")),
    )
    _number_recorded_inspections()


def _number_recorded_inspections() -> None:
    bind = op.get_bind()
    inspections = sa.table(
        "inspections",
        sa.column("id", sa.Integer()),
        sa.column("subject_id", sa.Integer()),
        sa.column("act_date", sa.Date()),
        sa.column("first_revision_id", sa.Integer()),
    )
    subjects = sa.table("subjects", sa.column("id", sa.Integer()), sa.column("region", sa.String()))
    query = (
        sa.select(inspections.c.id, inspections.c.act_date, subjects.c.region)
        .join(subjects, subjects.c.id == inspections.c.subject_id)
        .where(inspections.c.first_revision_id.is_(None))
        .order_by(inspections.c.id)
    )
    last: defaultdict[tuple[str, int], int] = defaultdict(int)
    origins = []
    now = datetime.now(UTC)
    for row in bind.execute(query):
        key = (row.region, row.act_date.year)
        last[key] += 1
        number = f"{row.region.upper()}-{row.act_date.year}-{last[key]:04d}"
        origins.append(
            {
                "inspection_id": row.id,
                "number": number,
                "region": row.region,
                "year": row.act_date.year,
                "sequence": last[key],
                "created_at": now,
            }
        )
    if origins:
        op.bulk_insert(_table("inspection_origins"), origins)
        counters = [{"region": r, "year": y, "last": n} for (r, y), n in sorted(last.items())]
        op.bulk_insert(_table("inspection_counters"), counters)


def _table(name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())


def downgrade() -> None:
    op.drop_table("plan_row_reasons")
    op.drop_index(op.f("ix_inspection_assignments_username"), table_name="inspection_assignments")
    op.drop_table("inspection_assignments")
    op.drop_table("inspection_counters")
    op.drop_table("inspection_origins")
