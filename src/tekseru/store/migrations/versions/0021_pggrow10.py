"""A run's rows take less room on PostgreSQL (issue 18: one run adds at most 200 MB).

PostgreSQL aligns each fixed-width column of a row to its width, pads between them, and gives every row
that has a NULL column a bitmap of its columns (8 more bytes from 9 columns up). Both tables of a run's
rows had their run's number as their last column and kept the column `run_id` that migration 0019 dropped:
a dropped column is NULL in every row written since, so every row of the subjects' classes carried the
bitmap, and the doubles of both tables came after variable-length text, with padding before them. Both
tables are made again with their columns in the order of their widths (8-byte, then 4-byte, then
variable-length, the column that may be NULL last), their rows copied in the primary key's order.

The two indexes of the subjects' classes by class (and region) lose their last column, the subject:
PostgreSQL then keeps each key (run, region, class) once with the list of its rows (deduplication, 6
bytes a row), where each subject had an entry of 28 to 44 bytes, and the index by region was half empty
(each run adds its subjects in the order of their ids, in the middle of 60 runs of entries, one per region
and class). A class is still counted on its index; its subjects are paged in id order on the primary key,
the class checked on each row. SQLite's index entries end with the primary key's columns whatever the
index names, so there the indexes hold the same and still give a class's subjects in id order.

The indexes of both tables get a fillfactor of 100: PostgreSQL's B-trees keep 10% of each page free for
later inserts in the middle, but a run's rows only ever come after those of the runs before it (its number
is the highest), and nothing writes between them afterwards.

Measured by bench/bench_end_to_end.py at its full size (1,000,000 subject-groups, 870,205 subjects, one
run), PostgreSQL: the run added 447 MB before, 343 MB after (results 174 + 48 MB -> 166 + 44 MB, classes
72 + 148 MB -> 65 + 63 MB, table + indexes).

Apart from the two indexes, nothing changes on SQLite (no alignment, no NULL bitmap; 0020 made both tables
again). The downgrade makes both tables and their indexes again as they were.

Revision ID: 0021_pggrow10
Revises: 0020_store18c
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0021_pggrow10"
down_revision: str | None = "0020_store18c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each table: its primary key, its columns in this revision's order and in the order before it.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "assessment_results": (
        ("run_key", "subject_id", "group_key"),
        (
            "score",
            "significant_part",
            "minor_part",
            "run_key",
            "subject_id",
            "gross_found",
            "group_key",
            "risk_class",
            "violated_criteria",
            "evidence_statuses",
            "explanation",
        ),
        (
            "subject_id",
            "group_key",
            "score",
            "risk_class",
            "significant_part",
            "minor_part",
            "gross_found",
            "violated_criteria",
            "explanation",
            "evidence_statuses",
            "run_key",
        ),
    ),
    "assessment_subject_classes": (
        ("run_key", "subject_id"),
        (
            "score",
            "run_key",
            "subject_id",
            "gross_count",
            "significant_count",
            "minor_count",
            "region",
            "risk_class",
        ),
        (
            "subject_id",
            "region",
            "risk_class",
            "score",
            "gross_count",
            "significant_count",
            "minor_count",
            "run_key",
        ),
    ),
}
# The indexes besides the primary keys: their columns in this revision and before it.
INDEXES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "ix_assessment_subject_classes_run_region_class": (
        "assessment_subject_classes",
        ("run_key", "region", "risk_class"),
        ("run_key", "region", "risk_class", "subject_id"),
    ),
    "ix_assessment_subject_classes_run_class": (
        "assessment_subject_classes",
        ("run_key", "risk_class"),
        ("run_key", "risk_class", "subject_id"),
    ),
    "ix_assessment_subject_classes_priority": (
        "assessment_subject_classes",
        ("run_key", "score", "gross_count"),
        ("run_key", "score", "gross_count"),
    ),
}
FILLFACTOR = " WITH (fillfactor = 100)"
# Each column's type, NOT NULL and default, as PostgreSQL writes them.
_COLUMNS = text(
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
    "|| CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END "
    "|| coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') "
    "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
)
_CHECKS = text(
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE conrelid = CAST(:table AS regclass) AND contype = 'c' ORDER BY conname"
)


def upgrade() -> None:
    _rebuild(upgraded=True)


def downgrade() -> None:
    _rebuild(upgraded=False)


def _rebuild(*, upgraded: bool) -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        for name, (table, indexed, earlier) in INDEXES.items():
            if indexed != earlier:
                op.drop_index(name, table_name=table)
                op.create_index(name, table, list(indexed if upgraded else earlier))
        return
    storage = FILLFACTOR if upgraded else ""
    for table, (key, ordered, earlier) in TABLES.items():
        order = ordered if upgraded else earlier
        columns = {name: kind for name, kind in connection.execute(_COLUMNS, {"table": table})}
        if set(columns) != set(order):
            raise RuntimeError(f"{table} has the columns {sorted(columns)}, not {sorted(order)}")
        checks = [(name, check) for name, check in connection.execute(_CHECKS, {"table": table})]
        rebuilt = f"{table}_{revision}"
        names = ", ".join(order)
        op.execute(f"CREATE TABLE {rebuilt} ({', '.join(f'{name} {columns[name]}' for name in order)})")
        op.execute(f"INSERT INTO {rebuilt} ({names}) SELECT {names} FROM {table} ORDER BY {', '.join(key)}")
        op.execute(f"DROP TABLE {table}")  # with its indexes and constraints (no trigger is on it)
        op.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(key)}){storage}")
        for name, definition in checks:
            op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for name, (of_table, indexed, earlier) in INDEXES.items():
            if of_table == table:
                chosen = ", ".join(indexed if upgraded else earlier)
                op.execute(f"CREATE INDEX {name} ON {table} ({chosen}){storage}")
