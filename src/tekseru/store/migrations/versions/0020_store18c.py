"""What a run stores takes less room, and is written with less work.

Both databases drop the index of each table by subject alone: a subject's rows over the runs are found by
the primary key, once per run (`run_key IN (...) AND subject_id = ?`), as the card's score history and the
trigger of migration 0005 that keeps the subjects' regions current now ask. Each run added an entry for
each of its million rows to both indexes, in the middle of the entries of earlier runs.

Both databases drop the foreign keys of the two tables (to the run and to the subject). They were checked
row by row as a run was written: on PostgreSQL each check is a query that locks the parent row, and
they took about two thirds of the server's time to COPY a run's results. The store writes the rows of a run
it has just started, for subjects it has just read (and `store_subject_classes` checks they are still in
the registry); nothing deletes subjects or runs. What the keys' ON DELETE CASCADE did, triggers on the
parents do: deleting a run deletes its rows, deleting a subject deletes its rows in each run.

On SQLite `assessment_results` and `assessment_subject_classes` become
WITHOUT ROWID tables: the rows are kept in their primary key's order (run, subject, group), so the separate
index of the primary key (a copy of those columns with each row's rowid, about 15% of a run's bytes) is
gone, and reading a run's rows by the key reads the table itself. Nothing else about the tables changes:
their columns, checks and other indexes are as they were.

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
# A subject's rows in a table, found by the primary key in each run (0005 and 0019 had an index).
_ROWS_OF_SUBJECT = "run_key IN (SELECT run_key FROM assessments) AND subject_id = {row}.id"
# The foreign keys up to 0019 (and again after the downgrade): (column, parent table, parent column)
_FOREIGN_KEYS = (("run_key", "assessments", "run_key"), ("subject_id", "subjects", "id"))
# The triggers that delete a deleted run's or subject's rows (what the keys' ON DELETE CASCADE did).
_DELETE_TRIGGERS = {
    "assessment_rows_of_deleted_run": ("assessments", "run_key = {row}.run_key"),
    "assessment_rows_of_deleted_subject": ("subjects", _ROWS_OF_SUBJECT),
}
_WITHOUT_ROWID = re.compile(r"\s*WITHOUT\s+ROWID\s*$", re.IGNORECASE)
_FOREIGN_KEY = re.compile(r",\s*CONSTRAINT\s+\S+\s+FOREIGN\s+KEY\s*\([^)]*\)[^,]*?(?=,|\s*\)\s*$)", re.I)


def upgrade() -> None:
    _migrate(upgraded=True)


def downgrade() -> None:
    _migrate(upgraded=False)


def _migrate(*, upgraded: bool) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if upgraded:
        for table, name in _SUBJECT_INDEXES.items():
            op.drop_index(name, table_name=table)
    rows_of_subject = _ROWS_OF_SUBJECT if upgraded else "subject_id = {row}.id"
    if postgres:
        _postgresql(upgraded, rows_of_subject.format(row="NEW"))
    else:
        for name in _DELETE_TRIGGERS:  # they name the tables, which are made again
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        _rebuild(upgraded=upgraded)
        op.execute(f"DROP TRIGGER IF EXISTS {_REGION_TRIGGER}")
        op.execute(
            f"CREATE TRIGGER {_REGION_TRIGGER} AFTER UPDATE OF region ON subjects "
            "WHEN old.region IS NOT new.region BEGIN "
            f"UPDATE {_CLASSES} SET region = new.region WHERE {rows_of_subject.format(row='new')}; END"
        )
        for name, (parent, condition) in _DELETE_TRIGGERS.items():
            if upgraded:
                deletes = " ".join(
                    f"DELETE FROM {table} WHERE {condition.format(row='old')};" for table in TABLES
                )
                op.execute(f"CREATE TRIGGER {name} AFTER DELETE ON {parent} BEGIN {deletes} END")
    if not upgraded:
        for table, name in _SUBJECT_INDEXES.items():
            op.create_index(name, table, ["subject_id"])


def _postgresql(upgraded: bool, rows_of_subject: str) -> None:
    op.execute(
        f"CREATE OR REPLACE FUNCTION {_REGION_TRIGGER}() RETURNS trigger AS $$ BEGIN "
        f"UPDATE {_CLASSES} SET region = NEW.region WHERE {rows_of_subject}; RETURN NULL; "
        "END $$ LANGUAGE plpgsql"
    )
    for table in TABLES:
        for column, parent, parent_column in _FOREIGN_KEYS:
            name = f"fk_{table}_{column}_{parent}"
            if upgraded:
                op.drop_constraint(name, table, type_="foreignkey")
            else:
                op.create_foreign_key(name, table, parent, [column], [parent_column], ondelete="CASCADE")
    for name, (parent, condition) in _DELETE_TRIGGERS.items():
        if upgraded:
            deletes = " ".join(
                f"DELETE FROM {table} WHERE {condition.format(row='OLD')};" for table in TABLES
            )
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {deletes} RETURN NULL; "
                "END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER DELETE ON {parent} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {parent}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def _rebuild(*, upgraded: bool) -> None:
    """SQLite: both tables made again from their CREATE statements, WITHOUT ROWID and without the foreign
    keys (or back with both)."""
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
        statement = _FOREIGN_KEY.sub("", _WITHOUT_ROWID.sub("", create.rstrip().rstrip(";")))
        statement = re.sub(
            rf"^CREATE TABLE\s+\"?{table}\"?", f"CREATE TABLE {rebuilt}", statement, count=1, flags=re.I
        )
        if upgraded:
            statement += " WITHOUT ROWID"
        else:
            keys = "".join(
                f", CONSTRAINT fk_{table}_{column}_{parent} FOREIGN KEY({column}) "
                f"REFERENCES {parent} ({parent_column}) ON DELETE CASCADE"
                for column, parent, parent_column in _FOREIGN_KEYS
            )
            statement = statement.rstrip()[:-1].rstrip() + keys + "\n)"
        op.execute(statement)
        op.execute(f"INSERT INTO {rebuilt} SELECT * FROM {table} ORDER BY {', '.join(key)}")
        op.execute(f"DROP TABLE {table}")  # with its indexes
        op.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
        for index in indexes:
            op.execute(index)
