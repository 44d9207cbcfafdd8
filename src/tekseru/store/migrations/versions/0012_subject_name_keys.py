"""Each subject's name folded for search (`subjects.name_key`, tekseru.store.name_keys), and the text index
of names moved onto it, so that a search matches Kazakh letters typed with their Russian or Latin
look-alikes, and a fragment of one or two letters ignores case in every alphabet on both databases.

SQLite: the FTS5 trigram table `subjects_name_index` now holds the keys (same name, same triggers on the
key column). PostgreSQL: the trigram GIN index `ix_subjects_name_trigram` now covers the keys (left out,
as in 0005, when pg_trgm cannot be created).

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("tekseru.store")

NAME_INDEX = "subjects_name_index"
POSTGRES_NAME_INDEX = "ix_subjects_name_trigram"
_BATCH = 2000


def _sqlite_triggers(column: str) -> dict[str, str]:
    return {
        "subjects_name_index_insert": (
            f"AFTER INSERT ON subjects BEGIN INSERT INTO {NAME_INDEX}(rowid, {column}) "
            f"VALUES (new.id, new.{column}); END"
        ),
        "subjects_name_index_delete": (
            f"AFTER DELETE ON subjects BEGIN INSERT INTO {NAME_INDEX}({NAME_INDEX}, rowid, {column}) "
            f"VALUES ('delete', old.id, old.{column}); END"
        ),
        "subjects_name_index_update": (
            f"AFTER UPDATE OF {column} ON subjects BEGIN "
            f"INSERT INTO {NAME_INDEX}({NAME_INDEX}, rowid, {column}) "
            f"VALUES ('delete', old.id, old.{column}); "
            f"INSERT INTO {NAME_INDEX}(rowid, {column}) VALUES (new.id, new.{column}); END"
        ),
    }


def upgrade() -> None:
    op.add_column("subjects", sa.Column("name_key", sa.Text(), server_default="", nullable=False))
    _fill_keys()
    _index(column="name_key", old_column="name")


def _fill_keys() -> None:
    # The store's fold, on the migration's connection: the same function writes every key from now on.
    from tekseru.store.name_keys import search_key

    bind = op.get_bind()
    subjects = sa.table("subjects", sa.column("id", sa.Integer()), sa.column("name", sa.Text()))
    keys = sa.table("subjects", sa.column("id", sa.Integer()), sa.column("name_key", sa.Text()))
    statement = keys.update().where(keys.c.id == sa.bindparam("_id")).values(name_key=sa.bindparam("_key"))
    last = 0
    while True:
        query = subjects.select().where(subjects.c.id > last).order_by(subjects.c.id).limit(_BATCH)
        rows = bind.execute(query).all()
        if not rows:
            return
        bind.execute(statement, [{"_id": row.id, "_key": search_key(row.name)} for row in rows])
        last = rows[-1].id


def _index(*, column: str, old_column: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {POSTGRES_NAME_INDEX}")
        _postgres_trigram_index(column)
        return
    for name in _sqlite_triggers(old_column):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {NAME_INDEX}")
    op.execute(
        f"CREATE VIRTUAL TABLE {NAME_INDEX} USING fts5("
        f"{column}, content='subjects', content_rowid='id', tokenize='trigram')"
    )
    for name, body in _sqlite_triggers(column).items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(f"INSERT INTO {NAME_INDEX}({NAME_INDEX}) VALUES ('rebuild')")


def _postgres_trigram_index(column: str) -> None:
    bind = op.get_bind()
    # In a savepoint: a refused CREATE EXTENSION must not abort the migration's transaction.
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        bind.exec_driver_sql(
            f"CREATE INDEX {POSTGRES_NAME_INDEX} ON subjects USING gin ({column} public.gin_trgm_ops)"
        )
    except Exception as error:  # any refusal leaves the search working, only slower
        savepoint.rollback()
        log.warning("tekseru: no trigram index of subject names (pg_trgm unavailable: %s)", error)
    else:
        savepoint.commit()


def downgrade() -> None:
    _index(column="name", old_column="name_key")
    # Plain ALTER on SQLite too (3.35+): a batch copy of the table would drop its triggers.
    op.execute("ALTER TABLE subjects DROP COLUMN name_key")
