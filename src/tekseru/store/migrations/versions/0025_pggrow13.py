"""A run's results name their group by a 2-byte code, not by its key (issue 18: one run adds at most 200 MB).

Each result carried its group's key (up to 64 characters, 19 bytes on average in the 10M benchmark) in its
row and again in its primary key's entry (run, subject, group). The new table `result_groups` gives each
key a code (smallint: the catalogue's groups are a handful; a key gets its code when a run first stores a
result of it, `tekseru.store.result_groups`), and the results keep the code in `group_code`, in the key
in the group's place. Readers still see the key: the model `AssessmentResult` is the results joined with
their groups.

PostgreSQL: the results are made again with `group_code` among the other 2-byte columns (after the 4-byte
ones, nothing padded), their rows copied in the primary key's order, the key made again with fillfactor
100 (0021). A key's entry is then 8 bytes of header + 10 of columns (24 aligned) instead of 8 + 27 (40);
the row loses 17 bytes. SQLite makes the table again the same way (without rowid, as 0020), the code
stored in 1 byte instead of the key's 10-20.

Measured by bench/bench_end_to_end.py at its full size (1,000,000 subject-groups, one run): PostgreSQL's
growth 299.9 -> 268 MB (results' rows 155.3 -> 138.3 MB, their key 43.6 -> 28.5 MB), SQLite's 177 -> 158 MB.

The existing keys get their codes in alphabetical order. The downgrade puts the keys back in the rows
and drops `result_groups`.

Revision ID: 0025_pggrow13
Revises: 0024_pggrow12
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = "0025_pggrow13"
down_revision: str | None = "0024_pggrow12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESULTS = "assessment_results"
GROUPS = "result_groups"
FILLFACTOR = " WITH (fillfactor = 100)"  # the key's, as 0021 made it
# The results' columns in PostgreSQL's order (0022's), before this revision and after it.
_BEFORE = (
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
)
_AFTER = tuple(name for name in _BEFORE if name != "group_key")
_AFTER = (
    *_AFTER[: _AFTER.index("gross_found") + 1],
    "group_code",
    *_AFTER[_AFTER.index("gross_found") + 1 :],
)
_KEYS = {False: ("run_key", "subject_id", "group_key"), True: ("run_key", "subject_id", "group_code")}
# What each column of the made table is filled with (the results `r`, their groups `g`).
_VALUES = {"group_code": "g.code", "group_key": "g.group_key"}
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
# SQLite's results (0020's statement, without the column that 0022 dropped), before and after.
_SQLITE_TABLE = """CREATE TABLE {table} (
\trun_key INTEGER NOT NULL,
\tsubject_id INTEGER NOT NULL,
\t{group},
\tscore DOUBLE NOT NULL,
\trisk_class VARCHAR(8) NOT NULL,
\tsignificant_part DOUBLE NOT NULL,
\tminor_part DOUBLE NOT NULL,
\tgross_found INTEGER NOT NULL,
\tviolated_criteria JSON NOT NULL,
\tevidence_statuses BLOB,
\tCONSTRAINT pk_assessment_results PRIMARY KEY (run_key, subject_id, {key}),
\tCONSTRAINT ck_assessment_results_risk_class_known CHECK (risk_class IN ('low', 'medium', 'high'))
) WITHOUT ROWID"""
_SQLITE_GROUP = {False: "group_key VARCHAR(64) NOT NULL", True: "group_code INTEGER NOT NULL"}
# SQLite's triggers that name the results (0020): dropped while the table is made again.
_SQLITE_TRIGGERS = ("assessment_rows_of_deleted_run", "assessment_rows_of_deleted_subject")


def upgrade() -> None:
    op.create_table(
        GROUPS,
        # SQLite: INTEGER PRIMARY KEY numbers new rows itself; PostgreSQL: smallserial.
        sa.Column("code", sa.SmallInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("group_key", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=f"pk_{GROUPS}"),
        sa.UniqueConstraint("group_key", name=f"uq_{GROUPS}_group_key"),
    )
    op.execute(
        f"INSERT INTO {GROUPS} (group_key) SELECT DISTINCT group_key FROM {RESULTS} ORDER BY group_key"
    )
    _rebuild(coded=True)


def downgrade() -> None:
    _rebuild(coded=False)
    op.drop_table(GROUPS)


def _rebuild(*, coded: bool) -> None:
    """The results made again with the groups' codes (or their keys), their rows in the key's order."""
    postgres = op.get_bind().dialect.name == "postgresql"
    rebuilt = f"{RESULTS}_{revision}"
    order = _AFTER if coded else _BEFORE
    if postgres:
        connection = op.get_bind()
        kinds = {name: kind for name, kind in connection.execute(_COLUMNS, {"table": RESULTS})}
        kinds.update(group_code="smallint NOT NULL", group_key="character varying(64) NOT NULL")
        checks = list(connection.execute(_CHECKS, {"table": RESULTS}))
        op.execute(f"CREATE TABLE {rebuilt} ({', '.join(f'{name} {kinds[name]}' for name in order)})")
    else:
        checks = []
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        key = _KEYS[coded][-1]
        op.execute(_SQLITE_TABLE.format(table=rebuilt, group=_SQLITE_GROUP[coded], key=key))
    values = ", ".join(_VALUES.get(name, f"r.{name}") for name in order)
    join = "r.group_key = g.group_key" if coded else "r.group_code = g.code"
    op.execute(
        f"INSERT INTO {rebuilt} ({', '.join(order)}) SELECT {values} FROM {RESULTS} r "
        f"JOIN {GROUPS} g ON {join} ORDER BY r.run_key, r.subject_id, {_VALUES[_KEYS[coded][-1]]}"
    )
    op.execute(f"DROP TABLE {RESULTS}")  # with its key and checks (no trigger is on it)
    op.execute(f"ALTER TABLE {rebuilt} RENAME TO {RESULTS}")
    if postgres:
        key = ", ".join(_KEYS[coded])
        op.execute(f"ALTER TABLE {RESULTS} ADD CONSTRAINT pk_{RESULTS} PRIMARY KEY ({key}){FILLFACTOR}")
        for name, definition in checks:
            op.execute(f"ALTER TABLE {RESULTS} ADD CONSTRAINT {name} {definition}")
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    """0020's triggers that delete a deleted run's or subject's rows, made again after the table."""
    rows_of_subject = "run_key IN (SELECT run_key FROM assessments) AND subject_id = old.id"
    for name, parent, condition in (
        (_SQLITE_TRIGGERS[0], "assessments", "run_key = old.run_key"),
        (_SQLITE_TRIGGERS[1], "subjects", rows_of_subject),
    ):
        deletes = " ".join(
            f"DELETE FROM {table} WHERE {condition};" for table in (RESULTS, "assessment_subject_classes")
        )
        op.execute(f"CREATE TRIGGER {name} AFTER DELETE ON {parent} BEGIN {deletes} END")
