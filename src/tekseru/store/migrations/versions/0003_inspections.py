"""Inspections with their answers, attachments and follow-up of violations, and the issued documents.

A completed inspection cannot change: besides the checks in `tekseru.store.inspections`, triggers refuse
an update of a completed inspection (except recording, once, the revision that supersedes it), its
deletion, and any change to the answers and attachments of a completed inspection.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FROZEN_MESSAGE = "a completed inspection cannot change: correct it with a new revision"
# Every column of `inspections` but superseded_by_id, which is set once when a revision replaces it.
_FROZEN_COLUMNS = (
    "id",
    "subject_id",
    "edition_id",
    "appendix",
    "group_keys",
    "kind",
    "act_number",
    "act_date",
    "inspectors",
    "planned_on",
    "inspected_on",
    "status",
    "revision",
    "first_revision_id",
    "revises_id",
    "reason",
    "created_by",
    "created_at",
    "completed_by",
    "completed_at",
)
_JSON_COLUMNS = ("group_keys", "inspectors")
_CHILD_TABLES = ("inspection_answers", "inspection_attachments")


def _by(table: str) -> list[sa.Column[Any]]:
    return [
        sa.Column(f"{table}_by", sa.String(length=200), nullable=False),
        sa.Column(f"{table}_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    _create_inspections()
    _create_answers_and_attachments()
    _create_violations()
    _create_documents()
    if op.get_bind().dialect.name == "postgresql":
        _create_postgres_triggers()
    else:
        _create_sqlite_triggers()


def _create_inspections() -> None:
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.String(length=64), nullable=False),
        sa.Column("appendix", sa.Integer(), nullable=False),
        sa.Column("group_keys", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("act_number", sa.String(length=64), nullable=False),
        sa.Column("act_date", sa.Date(), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("inspected_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("first_revision_id", sa.Integer(), nullable=True),
        sa.Column("revises_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_by", sa.String(length=200), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('preventive_control', 'unscheduled_inspection', 'compliance_inspection')",
            name=op.f("ck_inspections_kind_known"),
        ),
        sa.CheckConstraint("status IN ('draft', 'completed')", name=op.f("ck_inspections_status_known")),
        sa.CheckConstraint(
            "(status = 'draft' AND completed_by IS NULL AND completed_at IS NULL"
            " AND superseded_by_id IS NULL)"
            " OR (status = 'completed' AND completed_by IS NOT NULL AND completed_at IS NOT NULL"
            " AND inspected_on IS NOT NULL)",
            name=op.f("ck_inspections_completion_recorded"),
        ),
        sa.CheckConstraint(
            "(revision = 1 AND revises_id IS NULL AND first_revision_id IS NULL AND reason IS NULL)"
            " OR (revision > 1 AND revises_id IS NOT NULL AND first_revision_id IS NOT NULL"
            " AND reason IS NOT NULL)",
            name=op.f("ck_inspections_revision_recorded"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_inspections_subject_id_subjects"),
            ondelete="RESTRICT",
        ),
        *(
            sa.ForeignKeyConstraint(
                [column],
                ["inspections.id"],
                name=op.f(f"fk_inspections_{column}_inspections"),
                ondelete="RESTRICT",
            )
            for column in ("first_revision_id", "revises_id", "superseded_by_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("revises_id", name=op.f("uq_inspections_revises_id")),
    )
    op.create_index(op.f("ix_inspections_subject_id_status"), "inspections", ["subject_id", "status"])


def _create_answers_and_attachments() -> None:
    op.create_table(
        "inspection_answers",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        *_by("answered"),
        sa.CheckConstraint(
            "answer IN ('required', 'not_required', 'compliant', 'non_compliant')",
            name=op.f("ck_inspection_answers_answer_known"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_answers_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inspection_id", "item", name=op.f("pk_inspection_answers")),
    )
    op.create_table(
        "inspection_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_as", sa.String(length=200), nullable=False),
        *_by("added"),
        sa.CheckConstraint("size >= 0", name=op.f("ck_inspection_attachments_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_attachments_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_attachments")),
    )
    op.create_index(
        op.f("ix_inspection_attachments_inspection_id"), "inspection_attachments", ["inspection_id"]
    )


def _create_violations() -> None:
    op.create_table(
        "inspection_violations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("eliminated_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_by("updated"),
        sa.CheckConstraint(
            "status IN ('open', 'eliminated')", name=op.f("ck_inspection_violations_status_known")
        ),
        sa.CheckConstraint(
            "(status = 'open' AND eliminated_on IS NULL)"
            " OR (status = 'eliminated' AND eliminated_on IS NOT NULL)",
            name=op.f("ck_inspection_violations_elimination_recorded"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_violations_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_violations")),
        sa.UniqueConstraint(
            "inspection_id", "item", name=op.f("uq_inspection_violations_inspection_id_item")
        ),
    )


def _create_documents() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=17), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("appendix", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        *_by("created"),
        sa.CheckConstraint("format IN ('pdf', 'docx')", name=op.f("ck_documents_format_known")),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_documents_inspection_id_inspections"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("file_sha256", name=op.f("uq_documents_file_sha256")),
    )
    op.create_index(op.f("ix_documents_code"), "documents", ["code"])
    op.create_index(op.f("ix_documents_inspection_id"), "documents", ["inspection_id"])


def _create_sqlite_triggers() -> None:
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in _FROZEN_COLUMNS)
    refuse = f"BEGIN SELECT RAISE(ABORT, '{_FROZEN_MESSAGE}'); END"
    op.execute(
        "CREATE TRIGGER inspections_frozen_update BEFORE UPDATE ON inspections"
        " WHEN OLD.status = 'completed' AND NOT ("
        f"OLD.superseded_by_id IS NULL AND NEW.superseded_by_id IS NOT NULL AND {unchanged}) {refuse}"
    )
    op.execute(
        f"CREATE TRIGGER inspections_frozen_delete BEFORE DELETE ON inspections"
        f" WHEN OLD.status = 'completed' {refuse}"
    )
    for table in _CHILD_TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table}"
                f" WHEN (SELECT status FROM inspections WHERE id = {row}.inspection_id) = 'completed'"
                f" {refuse}"
            )


def _create_postgres_triggers() -> None:
    # json has no equality operator in PostgreSQL: compare the JSON columns as text.
    unchanged = " AND ".join(
        f"NEW.{column}::text IS NOT DISTINCT FROM OLD.{column}::text"
        if column in _JSON_COLUMNS
        else f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}"
        for column in _FROZEN_COLUMNS
    )
    raise_frozen = f"RAISE EXCEPTION '{_FROZEN_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"
    op.execute(
        "CREATE FUNCTION inspections_refuse_frozen_change() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF OLD.status <> 'completed' THEN\n"
        "    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n"
        "    RETURN NEW;\n"
        "  END IF;\n"
        "  IF TG_OP = 'UPDATE' AND OLD.superseded_by_id IS NULL AND NEW.superseded_by_id IS NOT NULL\n"
        f"     AND {unchanged} THEN\n"
        "    RETURN NEW;\n"
        "  END IF;\n"
        f"  {raise_frozen}\n"
        "END;\n"
        "$$"
    )
    op.execute(
        "CREATE TRIGGER inspections_frozen BEFORE UPDATE OR DELETE ON inspections"
        " FOR EACH ROW EXECUTE FUNCTION inspections_refuse_frozen_change()"
    )
    op.execute(
        "CREATE FUNCTION inspection_parts_refuse_frozen_change() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "DECLARE parent integer;\n"
        "BEGIN\n"
        "  IF TG_OP = 'INSERT' THEN parent := NEW.inspection_id; ELSE parent := OLD.inspection_id; END IF;\n"
        "  IF EXISTS (SELECT 1 FROM inspections WHERE id = parent AND status = 'completed') THEN\n"
        f"    {raise_frozen}\n"
        "  END IF;\n"
        "  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n"
        "  RETURN NEW;\n"
        "END;\n"
        "$$"
    )
    for table in _CHILD_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION inspection_parts_refuse_frozen_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _CHILD_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
        op.execute("DROP TRIGGER IF EXISTS inspections_frozen ON inspections")
        op.execute("DROP FUNCTION IF EXISTS inspection_parts_refuse_frozen_change()")
        op.execute("DROP FUNCTION IF EXISTS inspections_refuse_frozen_change()")
    else:
        names = ["inspections_frozen_update", "inspections_frozen_delete"]
        names += [
            f"{table}_frozen_{event}" for table in _CHILD_TABLES for event in ("insert", "update", "delete")
        ]
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f("ix_documents_inspection_id"), table_name="documents")
    op.drop_index(op.f("ix_documents_code"), table_name="documents")
    op.drop_table("documents")
    op.drop_table("inspection_violations")
    op.drop_index(op.f("ix_inspection_attachments_inspection_id"), table_name="inspection_attachments")
    op.drop_table("inspection_attachments")
    op.drop_table("inspection_answers")
    op.drop_index(op.f("ix_inspections_subject_id_status"), table_name="inspections")
    op.drop_table("inspections")
