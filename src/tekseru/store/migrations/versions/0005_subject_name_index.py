"""Indexes for the registry's search: a text index of subject names, so that a search by part of a name
does not read every subject; and an index of the results by run, subject and class, so that a search by
class looks up each subject's classes at once.

SQLite: an FTS5 table with the trigram tokenizer over `subjects.name` (external content, kept up to date
by triggers); a phrase of three or more letters matches any part of a name, ignoring case in every
alphabet. PostgreSQL: a trigram GIN index (pg_trgm) that `ILIKE '%...%'` uses; when the extension cannot
be created (no privilege), the index is left out and searches read the table as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("tekseru.store")

NAME_INDEX = "subjects_name_index"  # the SQLite FTS5 table that tekseru.store.name_search queries
POSTGRES_NAME_INDEX = "ix_subjects_name_trigram"

_SQLITE_TRIGGERS = {
    "subjects_name_index_insert": (
        f"AFTER INSERT ON subjects BEGIN INSERT INTO {NAME_INDEX}(rowid, name) VALUES (new.id, new.name); END"
    ),
    "subjects_name_index_delete": (
        "AFTER DELETE ON subjects BEGIN "
        f"INSERT INTO {NAME_INDEX}({NAME_INDEX}, rowid, name) VALUES ('delete', old.id, old.name); END"
    ),
    "subjects_name_index_update": (
        "AFTER UPDATE OF name ON subjects BEGIN "
        f"INSERT INTO {NAME_INDEX}({NAME_INDEX}, rowid, name) VALUES ('delete', old.id, old.name); "
        f"INSERT INTO {NAME_INDEX}(rowid, name) VALUES (new.id, new.name); END"
    ),
}


RESULTS_INDEX = "ix_assessment_results_run_id_subject_id_risk_class"


def upgrade() -> None:
    op.create_index(RESULTS_INDEX, "assessment_results", ["run_id", "subject_id", "risk_class"])
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    op.execute(
        f"CREATE VIRTUAL TABLE {NAME_INDEX} USING fts5("
        "name, content='subjects', content_rowid='id', tokenize='trigram')"
    )
    for name, body in _SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(f"INSERT INTO {NAME_INDEX}({NAME_INDEX}) VALUES ('rebuild')")


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    # In a savepoint: a refused CREATE EXTENSION must not abort the migration's transaction.
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        bind.exec_driver_sql(
            f"CREATE INDEX {POSTGRES_NAME_INDEX} ON subjects USING gin (name public.gin_trgm_ops)"
        )
    except Exception as error:  # any refusal leaves the search working, only slower
        savepoint.rollback()
        log.warning("tekseru: no trigram index of subject names (pg_trgm unavailable: %s)", error)
    else:
        savepoint.commit()


def downgrade() -> None:
    op.drop_index(RESULTS_INDEX, table_name="assessment_results")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {POSTGRES_NAME_INDEX}")
        return
    for name in _SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {NAME_INDEX}")
