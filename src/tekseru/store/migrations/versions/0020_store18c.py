"""What a run stores takes less room, and is written with less work.

Both databases drop the index of each table by subject alone: a subject's rows over the runs are found by
the primary key, once per run (`run_key IN (...) AND subject_id = ?`), as the card's score history and the
trigger of migration 0005 that keeps the subjects' regions current now ask. Each run added an entry for
each of its million rows to both indexes, in the middle of the entries of earlier runs.

On SQLite `assessment_results` and `assessment_subject_classes` become
WITHOUT ROWID tables: the rows are kept in their primary key's order (run, subject, group), so the separate
index of the primary key (a copy of those columns with each row's rowid, about 15% of a run's bytes) is
gone, and reading a run's rows by the key reads the table itself. Nothing else about the tables changes:
their columns, constraints and other indexes are as they were.

SQLite rebuilds both tables (a table cannot gain or lose its rowid in place), each from its own CREATE
statement with WITHOUT ROWID added (or removed by the downgrade), its rows copied in the primary key's order.

Revision ID: 0020_store18c
Revises: 0019_runkey18
Create Date: 2026-12-07
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0020_store18c"
down_revision: str | None = "0019_runkey18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "assessment_results": ("run_key", "subject_id", "group_key"),
    "assessment_subject_classes": ("run_key", "subject_id"),
}
_REGION_TRIGGER = "subjects_region_in_classes"  # migration 0005: it names the classes' table
_SUBJECT_INDEXES = {table: f"ix_{table}_subject_id" for table in TABLES}
_CLASSES = "assessment_subject_classes"
# The subject's rows in the classes' table, found by the primary key in each run (0005 had an index).
_ROWS_OF_SUBJECT = {
    True: "run_key IN (SELECT run_key FROM assessments) AND subject_id = new.id",
    False: "subject_id = new.id",
}
_WITHOUT_ROWID = re.compile(r"\s*WITHOUT\s+ROWID\s*$", re.IGNORECASE)


def upgrade() -> None:
    _migrate(upgraded=True)


def downgrade() -> None:
    _migrate(upgraded=False)


def _migrate(*, upgraded: bool) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if upgraded:
        for table, name in _SUBJECT_INDEXES.items():
            op.drop_index(name, table_name=table)
    if postgres:
        condition = _ROWS_OF_SUBJECT[upgraded].replace("new.", "NEW.")
        op.execute(
            f"CREATE OR REPLACE FUNCTION {_REGION_TRIGGER}() RETURNS trigger AS $$ BEGIN "
            f"UPDATE {_CLASSES} SET region = NEW.region WHERE {condition}; RETURN NULL; "
            "END $$ LANGUAGE plpgsql"
        )
    else:
        _rebuild(without_rowid=upgraded)
        op.execute(f"DROP TRIGGER IF EXISTS {_REGION_TRIGGER}")
        op.execute(
            f"CREATE TRIGGER {_REGION_TRIGGER} AFTER UPDATE OF region ON subjects "
            "WHEN old.region IS NOT new.region BEGIN "
            f"UPDATE {_CLASSES} SET region = new.region WHERE {_ROWS_OF_SUBJECT[upgraded]}; END"
        )
    if not upgraded:
        for table, name in _SUBJECT_INDEXES.items():
            op.create_index(name, table, ["subject_id"])


def _rebuild(*, without_rowid: bool) -> None:
    connection = op.get_bind()
    op.execute(f"DROP TRIGGER IF EXISTS {_REGION_TRIGGER}")  # it names the classes' table (made again after)
    for table, key in TABLES.items():
        create, *indexes = (
            sql
            for (sql,) in connection.execute(
                text(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = :table AND sql IS NOT NULL "
                    "ORDER BY type = 'index', name"
                ),
                {"table": table},
            )
        )
        rebuilt = f"{table}_{revision}"
        statement = _WITHOUT_ROWID.sub("", create.rstrip().rstrip(";"))
        statement = re.sub(
            rf"^CREATE TABLE\s+\"?{table}\"?", f"CREATE TABLE {rebuilt}", statement, count=1, flags=re.I
        )
        op.execute(statement + (" WITHOUT ROWID" if without_rowid else ""))
        op.execute(f"INSERT INTO {rebuilt} SELECT * FROM {table} ORDER BY {', '.join(key)}")
        op.execute(f"DROP TABLE {table}")  # with its indexes
        op.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
        for index in indexes:
            op.execute(index)
