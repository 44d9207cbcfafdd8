"""Two things the planner's desk needs.

Search: each subject's name folded for search (`subjects.name_key`, tekseru.store.name_keys), and the
text index of names moved onto it, so that a search matches Kazakh letters typed with their Russian or
Latin look-alikes, and a fragment of one or two letters ignores case in every alphabet on both databases.
SQLite: the FTS5 trigram table `subjects_name_index` now holds the keys (same name, same triggers on the
key column). PostgreSQL: the trigram GIN index `ix_subjects_name_trigram` now covers the keys (left out,
as in 0005, when pg_trgm cannot be created).

Rank: each subject's class in a finished run (`assessment_subject_classes`) gains the planning order's
tie-break of its leading group (gross, significant and minor counts; tekseru.planning.priority), filled
here for the runs finished before from their results and their edition's severities, and an index by run
and score, so that a table sorted by score pages without sorting the whole run.

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
down_revision: str | None = "0010"
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


CLASSES = "assessment_subject_classes"
COUNTS = ("gross_count", "significant_count", "minor_count")
PRIORITY_INDEX = "ix_assessment_subject_classes_priority"


def upgrade() -> None:
    op.add_column("subjects", sa.Column("name_key", sa.Text(), server_default="", nullable=False))
    _fill_keys()
    _index(column="name_key", old_column="name")
    for name in COUNTS:
        op.add_column(CLASSES, sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    op.create_index(PRIORITY_INDEX, CLASSES, ["run_id", "score", "gross_count"])
    _fill_tie_breaks()


def _fill_tie_breaks() -> None:
    # The catalogue and the planning order's code: a run of an edition the catalogue no longer has keeps
    # zeros. (What `tekseru.store.subject_classes.record_tie_breaks` did on the tables of this revision.)
    from tekseru.catalog_files import load_catalogue

    bind = op.get_bind()
    known = {edition.id: edition for edition in load_catalogue().editions}
    runs = sa.table("assessments", sa.column("id", sa.Uuid()), sa.column("edition_id"), sa.column("status"))
    for run_id, edition_id in bind.execute(
        sa.select(runs.c.id, runs.c.edition_id).where(runs.c.status == "finished")
    ).all():
        if edition_id in known:
            severity_of = {number: item.severity.value for number, item in known[edition_id].criteria.items()}
            _record_tie_breaks(bind, run_id, severity_of)


def _record_tie_breaks(bind: sa.Connection, run_id: object, severity_of: dict[int, str]) -> None:
    from tekseru.planning.priority import priority_values, severity_counts

    results = sa.table(
        "assessment_results",
        sa.column("run_id", sa.Uuid()),
        sa.column("subject_id", sa.Integer()),
        sa.column("score", sa.Double()),
        sa.column("violated_criteria", sa.JSON()),
    )
    classes = sa.table(
        CLASSES,
        sa.column("run_id", sa.Uuid()),
        sa.column("subject_id", sa.Integer()),
        *(sa.column(name, sa.Integer()) for name in COUNTS),
    )
    lead: dict[int, tuple[tuple[object, ...], dict[str, int]]] = {}
    query = sa.select(results.c.subject_id, results.c.score, results.c.violated_criteria).where(
        results.c.run_id == run_id
    )
    for subject_id, score, violated in bind.execute(query):
        counts = severity_counts(violated, severity_of)
        key = priority_values({"score": score, **counts, "last_visit_on": None})
        if subject_id not in lead or key < lead[subject_id][0]:
            lead[subject_id] = (key, counts)
    rows = [
        {"_run": run_id, "_subject": subject_id, **counts}
        for subject_id, (_, counts) in lead.items()
        if any(counts.values())
    ]
    statement = (
        classes.update()
        .where(
            (classes.c.run_id == sa.bindparam("_run")) & (classes.c.subject_id == sa.bindparam("_subject"))
        )
        .values({name: sa.bindparam(name) for name in COUNTS})
    )
    if rows:
        bind.execute(statement, rows)


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
    op.drop_index(PRIORITY_INDEX, table_name=CLASSES)
    for name in COUNTS:
        op.execute(f"ALTER TABLE {CLASSES} DROP COLUMN {name}")
    _index(column="name", old_column="name_key")
    # Plain ALTER on SQLite too (3.35+): a batch copy of the table would drop its triggers.
    op.execute("ALTER TABLE subjects DROP COLUMN name_key")
