"""Runs get a small number, `assessments.run_key`, which the rows of each subject in a run carry instead of
the run's id: `assessment_results` and `assessment_subject_classes` (a million rows per run each, and on
SQLite the id was 32 characters of text in the row and in each of their index entries). The id stays
what people and the API know a run by. The results lose their index by run, class and subject: the
registry filters by class on `assessment_subject_classes` since 0005, and a run's page of results reads
the run by the primary key.

Existing runs are numbered in the order they started; their rows are converted. SQLite rebuilds both
tables (it cannot change a primary key in place); PostgreSQL changes them in place.

Revision ID: 0019_runkey18
Revises: 0018_bulk18
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0019_runkey18"
down_revision: str | None = "0018_bulk18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESULTS = "assessment_results"
CLASSES = "assessment_subject_classes"
SEQUENCE = "assessments_run_key_seq"
RUN_KEY_INDEX = "ix_assessments_run_key"
RESULTS_CLASS_INDEX = "ix_assessment_results_run_id_risk_class_subject_id"  # dropped by this revision
_REGION_TRIGGER = "subjects_region_in_classes"  # migration 0005: it names the classes' table
_SQLITE_REGION_TRIGGER = (
    f"CREATE TRIGGER {_REGION_TRIGGER} AFTER UPDATE OF region ON subjects "
    "WHEN old.region IS NOT new.region BEGIN "
    f"UPDATE {CLASSES} SET region = new.region WHERE subject_id = new.id; END"
)

# The columns of each table after the run's column (same in both directions).
Columns = tuple[tuple[str, sa.types.TypeEngine[Any], bool], ...]
_RESULT_COLUMNS: Columns = (
    ("subject_id", sa.Integer(), False),
    ("group_key", sa.String(length=64), False),
    ("score", sa.Double(), False),
    ("risk_class", sa.String(length=8), False),
    ("significant_part", sa.Double(), False),
    ("minor_part", sa.Double(), False),
    ("gross_found", sa.Integer(), False),
    ("violated_criteria", sa.JSON(), False),
    ("explanation", sa.JSON(), True),
    ("evidence_statuses", sa.LargeBinary(), True),
)
_CLASS_COLUMNS: Columns = (
    ("subject_id", sa.Integer(), False),
    ("region", sa.String(length=32), False),
    ("risk_class", sa.String(length=8), False),
    ("score", sa.Double(), False),
    ("gross_count", sa.Integer(), False),
    ("significant_count", sa.Integer(), False),
    ("minor_count", sa.Integer(), False),
)
_PRIMARY_KEYS = {RESULTS: ("subject_id", "group_key"), CLASSES: ("subject_id",)}


def _indexes(run: str, *, upgraded: bool) -> dict[str, list[tuple[str, list[str]]]]:
    """The indexes of the two tables, named by the naming convention after the run's column `run`."""
    results = [(f"ix_{RESULTS}_subject_id", ["subject_id"])]
    if not upgraded:
        results.append((RESULTS_CLASS_INDEX, [run, "risk_class", "subject_id"]))
    # The names of the convention with `run_key` are too long for PostgreSQL: the models name them.
    by_region, by_class = (
        (f"ix_{CLASSES}_run_region_class", f"ix_{CLASSES}_run_class")
        if upgraded
        else (f"ix_{CLASSES}_{run}_region_risk_class_subject_id", f"ix_{CLASSES}_{run}_risk_class_subject_id")
    )
    classes = [
        (by_region, [run, "region", "risk_class", "subject_id"]),
        (by_class, [run, "risk_class", "subject_id"]),
        (f"ix_{CLASSES}_subject_id", ["subject_id"]),
        (f"ix_{CLASSES}_priority", [run, "score", "gross_count"]),
    ]
    return {RESULTS: results, CLASSES: classes}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(f"CREATE SEQUENCE {SEQUENCE}")
    op.add_column(
        "assessments",
        # SQLite adds a NOT NULL column only with a default; every run gets its number below.
        sa.Column("run_key", sa.Integer(), nullable=postgres, server_default=None if postgres else "0"),
    )
    op.execute(
        "UPDATE assessments SET run_key = numbered.number FROM "
        "(SELECT id, row_number() OVER (ORDER BY started_at, id) AS number FROM assessments) AS numbered "
        "WHERE assessments.id = numbered.id"
    )
    if postgres:
        op.execute(f"SELECT setval('{SEQUENCE}', coalesce(max(run_key), 0) + 1, false) FROM assessments")
        op.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY assessments.run_key")
        op.alter_column(
            "assessments", "run_key", nullable=False, server_default=sa.text(f"nextval('{SEQUENCE}')")
        )
    op.create_index(RUN_KEY_INDEX, "assessments", ["run_key"], unique=True)
    _convert(source="run_id", target="run_key", postgres=postgres)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _convert(source="run_key", target="run_id", postgres=postgres)
    op.drop_index(RUN_KEY_INDEX, table_name="assessments")
    op.drop_column("assessments", "run_key")
    if postgres:
        op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


def _convert(*, source: str, target: str, postgres: bool) -> None:
    """Both tables from the run's column `source` (run_id: the id; run_key: the number) to `target`."""
    upgraded = target == "run_key"
    # The other column of `assessments` that each value of `source` is found by
    found_by = "id" if upgraded else "run_key"
    given = "run_key" if upgraded else "id"
    if not postgres:
        op.execute(f"DROP TRIGGER IF EXISTS {_REGION_TRIGGER}")
    for table, columns in ((RESULTS, _RESULT_COLUMNS), (CLASSES, _CLASS_COLUMNS)):
        if postgres:
            _convert_postgresql(table, source, target, found_by, given)
        else:
            _convert_sqlite(table, columns, source, target, found_by, given)
        for name, indexed in _indexes(target, upgraded=upgraded)[table]:
            # PostgreSQL keeps the indexes that do not name the run (SQLite's rebuilt table has none).
            if not postgres or target in indexed:
                op.create_index(op.f(name), table, indexed)
    if not postgres:
        op.execute(_SQLITE_REGION_TRIGGER)


def _run_type(target: str) -> sa.types.TypeEngine[Any]:
    return sa.Integer() if target == "run_key" else sa.Uuid()


def _convert_postgresql(table: str, source: str, target: str, found_by: str, given: str) -> None:
    op.add_column(table, sa.Column(target, _run_type(target), nullable=True))
    op.execute(
        f"UPDATE {table} SET {target} = assessments.{given} FROM assessments "
        f"WHERE assessments.{found_by} = {table}.{source}"
    )
    op.alter_column(table, target, nullable=False)
    # Dropping the column drops the primary key, the foreign key and the indexes that name it.
    op.drop_column(table, source)
    op.create_primary_key(f"pk_{table}", table, [target, *_PRIMARY_KEYS[table]])
    op.create_foreign_key(
        f"fk_{table}_{target}_assessments", table, "assessments", [target], [given], ondelete="CASCADE"
    )


def _convert_sqlite(
    table: str,
    columns: Columns,
    source: str,
    target: str,
    found_by: str,
    given: str,
) -> None:
    rebuilt = f"{table}_{revision}"
    defaults = {"gross_count", "significant_count", "minor_count"}
    op.create_table(
        rebuilt,
        sa.Column(target, _run_type(target), nullable=False),
        *(
            sa.Column(name, kind, nullable=nullable, server_default="0" if name in defaults else None)
            for name, kind, nullable in columns
        ),
        sa.CheckConstraint(
            "risk_class IN ('low', 'medium', 'high')", name=op.f(f"ck_{table}_risk_class_known")
        ),
        sa.ForeignKeyConstraint(
            [target],
            [f"assessments.{given}"],
            name=op.f(f"fk_{table}_{target}_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f(f"fk_{table}_subject_id_subjects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(target, *_PRIMARY_KEYS[table], name=op.f(f"pk_{table}")),
    )
    names = ", ".join(name for name, _, _ in columns)
    picked = ", ".join(f"t.{name}" for name, _, _ in columns)
    op.execute(
        f"INSERT INTO {rebuilt} ({target}, {names}) SELECT a.{given}, {picked} FROM {table} AS t "
        f"JOIN assessments AS a ON a.{found_by} = t.{source} ORDER BY a.{given}, t.subject_id"
    )
    op.drop_table(table)  # with its indexes
    op.rename_table(rebuilt, table)
