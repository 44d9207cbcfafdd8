"""A run's rows take less room on PostgreSQL (issue 18: one run adds at most 200 MB), second step.

Each result keeps its explanation in one column: `evidence_statuses`, the codes of `explanation_codes`
(the risk engine's runs since migration 0018) or, for the runs before and the results stored one by one,
the JSON text of the mapping, moved there from the column `explanation`, which is dropped. That column was
NULL in every new row, and a row with a NULL has a bitmap of its columns after its header: 2 bytes, 8 with
PostgreSQL's alignment of the columns after it (header 32 bytes, not 24). On PostgreSQL the table is made
again (a dropped column stays in the table's rows as a NULL, the bitmap with it: 0021), its columns in
0021's order, its rows copied in the primary key's order; SQLite drops the column.

The counts of criteria a run writes for each subject-group (`gross_found`) and each subject (the planning
order's tie-break `gross_count`, `significant_count`, `minor_count`) are at most the number of an edition's
criteria: they become `smallint`, 2 bytes each instead of 4 (PostgreSQL aligns them after the 4-byte
columns, so nothing is padded in their place). ALTER ... TYPE writes each table again, its rows in the
order they had and its indexes made again with their options (fillfactor 100 of 0021).

The planning order's index of the subjects' classes keeps its columns: with the score alone its entries
would take 28 bytes, not 36, but the first page of the registry by score then sorted the ~96,000 subjects
of the top score of a run of a million (200 ms instead of 3). ALTER ... TYPE makes it again.

Measured by bench/bench_end_to_end.py at its full size (1,000,000 subject-groups, 870,205 subjects, one
run), PostgreSQL: the run added 342.7 MB before, 328.0 MB after (results' rows 165.6 -> 155.3 MB, their
key 43.7 MB as before; classes' rows 64.9 -> 60.4 MB).

SQLite keeps its types (it stores an integer in as few bytes as its value needs: the model's type there
stays INTEGER) and drops the column. The downgrade gives back the 4-byte integers and the column.

Revision ID: 0022_pggrow11
Revises: 0021_pggrow10
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0022_pggrow11"
down_revision: str | None = "0021_pggrow10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each table's columns that become smallint.
SMALL_COLUMNS: dict[str, tuple[str, ...]] = {
    "assessment_results": ("gross_found",),
    "assessment_subject_classes": ("gross_count", "significant_count", "minor_count"),
}
RESULTS = "assessment_results"
FILLFACTOR = " WITH (fillfactor = 100)"  # the key's, as 0021 made it
RESULTS_KEY = ("run_key", "subject_id", "group_key")
# The results' columns after this revision, in PostgreSQL's order (0021's without `explanation`).
RESULT_COLUMNS = (
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
# An explanation kept as JSON text starts with "{" (`explanation_codes.read`), codes with their format.
_IS_JSON = {
    "postgresql": "substring(evidence_statuses FROM 1 FOR 1) = '\\x7b'::bytea",
    "sqlite": "substr(evidence_statuses, 1, 1) = X'7B'",
}
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
    if op.get_bind().dialect.name == "postgresql":
        _rebuild_results(upgraded=True)
    else:
        op.execute(
            f"UPDATE {RESULTS} SET evidence_statuses = CAST(explanation AS BLOB) "
            "WHERE evidence_statuses IS NULL"
        )
        op.execute(f"ALTER TABLE {RESULTS} DROP COLUMN explanation")
    _small_counts(upgraded=True)


def downgrade() -> None:
    _small_counts(upgraded=False)
    if op.get_bind().dialect.name == "postgresql":
        _rebuild_results(upgraded=False)
    else:
        op.execute(f"ALTER TABLE {RESULTS} ADD COLUMN explanation JSON")
        op.execute(
            f"UPDATE {RESULTS} SET explanation = CAST(evidence_statuses AS TEXT), evidence_statuses = NULL "
            f"WHERE {_IS_JSON['sqlite']}"
        )


def _rebuild_results(*, upgraded: bool) -> None:
    """PostgreSQL: the results made again without `explanation` (its JSON moved into `evidence_statuses`)
    and with the gross count as smallint, or back."""
    connection = op.get_bind()
    columns = {name: kind for name, kind in connection.execute(_COLUMNS, {"table": RESULTS})}
    checks = list(connection.execute(_CHECKS, {"table": RESULTS}))
    if upgraded:
        order = list(RESULT_COLUMNS)
        kinds = {**columns, "gross_found": "smallint NOT NULL"}
        values = {
            **{name: name for name in order},
            "evidence_statuses": "coalesce(evidence_statuses, convert_to(CAST(explanation AS text), 'UTF8'))",
        }
    else:
        order = [*RESULT_COLUMNS, "explanation"]
        kinds = {**columns, "gross_found": "integer NOT NULL", "explanation": "json"}
        json_text = _IS_JSON["postgresql"]
        values = {
            **{name: name for name in order},
            "evidence_statuses": f"CASE WHEN {json_text} THEN NULL ELSE evidence_statuses END",
            "explanation": (
                f"CASE WHEN {json_text} THEN CAST(convert_from(evidence_statuses, 'UTF8') AS json) END"
            ),
        }
    rebuilt = f"{RESULTS}_{revision}"
    op.execute(f"CREATE TABLE {rebuilt} ({', '.join(f'{name} {kinds[name]}' for name in order)})")
    op.execute(
        f"INSERT INTO {rebuilt} ({', '.join(order)}) SELECT {', '.join(values[name] for name in order)} "
        f"FROM {RESULTS} ORDER BY {', '.join(RESULTS_KEY)}"
    )
    op.execute(f"DROP TABLE {RESULTS}")  # with its key and checks (no trigger is on it)
    op.execute(f"ALTER TABLE {rebuilt} RENAME TO {RESULTS}")
    key = ", ".join(RESULTS_KEY)
    op.execute(f"ALTER TABLE {RESULTS} ADD CONSTRAINT pk_{RESULTS} PRIMARY KEY ({key}){FILLFACTOR}")
    for name, definition in checks:
        op.execute(f"ALTER TABLE {RESULTS} ADD CONSTRAINT {name} {definition}")


def _small_counts(*, upgraded: bool) -> None:
    """PostgreSQL: the subjects' classes' counts as smallint, or back (the results' count is made with
    their table: `_rebuild_results`)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    kind = "smallint" if upgraded else "integer"
    for table, names in SMALL_COLUMNS.items():
        if table != RESULTS:
            op.execute(
                f"ALTER TABLE {table} {', '.join(f'ALTER COLUMN {name} TYPE {kind}' for name in names)}"
            )
