"""The registry of subjects, their evidence, and the runs and results of the risk engine.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bin", sa.String(length=12), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subjects")),
        sa.UniqueConstraint("bin", name=op.f("uq_subjects_bin")),
    )
    op.create_index(op.f("ix_subjects_region"), "subjects", ["region"])

    op.create_table(
        "subject_groups",
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_subject_groups_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subject_id", "group_key", name=op.f("pk_subject_groups")),
    )
    op.create_index(op.f("ix_subject_groups_group_key"), "subject_groups", ["group_key"])

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("source_group", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=500), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=True),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=500), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=True),
        sa.CheckConstraint("criterion >= 1", name=op.f("ck_evidence_criterion_positive")),
        sa.CheckConstraint("source_group >= 1", name=op.f("ck_evidence_source_group_positive")),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_evidence_subject_id_subjects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint(
            "subject_id",
            "criterion",
            "source_group",
            "observed_on",
            "reference",
            name=op.f("uq_evidence_subject_id_criterion_source_group_observed_on_reference"),
        ),
    )
    op.create_index(op.f("ix_evidence_observed_on"), "evidence", ["observed_on"])

    op.create_table(
        "assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("edition_id", sa.String(length=64), nullable=False),
        sa.Column("inputs_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subjects_total", sa.Integer(), nullable=False),
        sa.Column("subjects_done", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed')", name=op.f("ck_assessments_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_index(
        op.f("ix_assessments_inputs_fingerprint_status"), "assessments", ["inputs_fingerprint", "status"]
    )

    op.create_table(
        "assessment_results",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("risk_class", sa.String(length=8), nullable=False),
        sa.Column("significant_part", sa.Double(), nullable=False),
        sa.Column("minor_part", sa.Double(), nullable=False),
        sa.Column("gross_found", sa.Integer(), nullable=False),
        sa.Column("violated_criteria", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "risk_class IN ('low', 'medium', 'high')", name=op.f("ck_assessment_results_risk_class_known")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_results_run_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_assessment_results_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "subject_id", "group_key", name=op.f("pk_assessment_results")),
    )
    op.create_index(op.f("ix_assessment_results_subject_id"), "assessment_results", ["subject_id"])


def downgrade() -> None:
    op.drop_table("assessment_results")
    op.drop_table("assessments")
    op.drop_table("evidence")
    op.drop_table("subject_groups")
    op.drop_table("subjects")
