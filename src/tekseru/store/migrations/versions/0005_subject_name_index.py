"""For the registry's search: a text index of subject names, so that a search by part of a name does not
read every subject; and each subject's class in each finished run (the highest of its groups'), so that a
search or a count by class does not group the run's results.

Names. SQLite: an FTS5 table with the trigram tokenizer over `subjects.name` (external content, kept up to
date by triggers); a phrase of three or more letters matches any part of a name, ignoring case in every
alphabet. PostgreSQL: a trigram GIN index (pg_trgm) that `ILIKE '%...%'` uses; when the extension cannot
be created (no privilege), the index is left out and searches read the table as before.

Classes. `assessment_subject_classes`, filled here for the runs already finished and from now on when a
run finishes; a trigger keeps its copy of the subject's region current.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("tekseru.store")

NAME_INDEX = "subjects_name_index"  # the SQLite FTS5 table that tekseru.store.name_search queries
POSTGRES_NAME_INDEX = "ix_subjects_name_trigram"
CLASSES = "assessment_subject_classes"

_SQLITE_NAME_TRIGGERS = {
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
_REGION_TRIGGER = "subjects_region_in_classes"

# The highest class of a subject's groups in a run, and its highest score (written again in
# tekseru.store.assessments.summarise_run, which the code uses from now on).
_BACKFILL = f"""
INSERT INTO {CLASSES} (run_id, subject_id, region, risk_class, score)
SELECT r.run_id, r.subject_id, s.region,
       CASE max(CASE r.risk_class WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END)
           WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END,
       max(r.score)
FROM assessment_results r
JOIN subjects s ON s.id = r.subject_id
JOIN assessments a ON a.id = r.run_id
WHERE a.status = 'finished'
GROUP BY r.run_id, r.subject_id, s.region
"""


def upgrade() -> None:
    _create_classes()
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    op.execute(
        f"CREATE VIRTUAL TABLE {NAME_INDEX} USING fts5("
        "name, content='subjects', content_rowid='id', tokenize='trigram')"
    )
    for name, body in _SQLITE_NAME_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(f"INSERT INTO {NAME_INDEX}({NAME_INDEX}) VALUES ('rebuild')")
    op.execute(
        f"CREATE TRIGGER {_REGION_TRIGGER} AFTER UPDATE OF region ON subjects "
        "WHEN old.region IS NOT new.region BEGIN "
        f"UPDATE {CLASSES} SET region = new.region WHERE subject_id = new.id; END"
    )


def _create_classes() -> None:
    op.create_table(
        CLASSES,
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("risk_class", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.CheckConstraint(
            "risk_class IN ('low', 'medium', 'high')", name=op.f(f"ck_{CLASSES}_risk_class_known")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessments.id"],
            name=op.f(f"fk_{CLASSES}_run_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f(f"fk_{CLASSES}_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "subject_id", name=op.f(f"pk_{CLASSES}")),
    )
    op.create_index(
        op.f(f"ix_{CLASSES}_run_id_region_risk_class_subject_id"),
        CLASSES,
        ["run_id", "region", "risk_class", "subject_id"],
    )
    op.create_index(
        op.f(f"ix_{CLASSES}_run_id_risk_class_subject_id"), CLASSES, ["run_id", "risk_class", "subject_id"]
    )
    op.create_index(op.f(f"ix_{CLASSES}_subject_id"), CLASSES, ["subject_id"])
    op.execute(_BACKFILL)


def _upgrade_postgresql() -> None:
    op.execute(
        "CREATE FUNCTION subjects_region_in_classes() RETURNS trigger AS $$ BEGIN "
        f"UPDATE {CLASSES} SET region = NEW.region WHERE subject_id = NEW.id; RETURN NULL; "
        "END $$ LANGUAGE plpgsql"
    )
    op.execute(
        f"CREATE TRIGGER {_REGION_TRIGGER} AFTER UPDATE OF region ON subjects FOR EACH ROW "
        "WHEN (OLD.region IS DISTINCT FROM NEW.region) EXECUTE FUNCTION subjects_region_in_classes()"
    )
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {POSTGRES_NAME_INDEX}")
        op.execute(f"DROP TRIGGER IF EXISTS {_REGION_TRIGGER} ON subjects")
        op.execute("DROP FUNCTION IF EXISTS subjects_region_in_classes()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {_REGION_TRIGGER}")
        for name in _SQLITE_NAME_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {NAME_INDEX}")
    op.drop_table(CLASSES)
