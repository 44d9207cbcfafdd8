"""The planning order's index keys a subject's score by its hundredths, which PostgreSQL deduplicates (issue
18: one run adds at most 200 MB).

`ix_assessment_subject_classes_priority` (run, score, gross count) had one entry per subject of a run: 36
bytes on PostgreSQL (8 of header, the run's 4, the score's 8 aligned to 8, the count's 2, aligned to 8, and
the line pointer's 4), 34 MB for a run of a million subject-groups. PostgreSQL's B-tree keeps equal keys
once with the list of their rows (6 bytes a row), but not for a float: two equal doubles may differ in their
bits (0 and -0), so it never deduplicates them. The scores are published rounded to two decimals
(`tekseru.scoring.formula.round_score`): their hundredths, `CAST(round(score * 100) AS integer)`, are whole
numbers in the same order, and a run of a million subject-groups has about 210 distinct (run, hundredths,
gross count) keys. The index is made again on that expression (the queries of the planning order sort by
the same expression, `models.score_hundredths`), with fillfactor 100 as 0021 made it.

SQLite makes the same index (it does not deduplicate, and its entries then hold an integer of 1-2 bytes
instead of the float's 8). The downgrade makes the index on the score again.

Revision ID: 0024_pggrow12
Revises: 0023_pglock11
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0024_pggrow12"
down_revision: str | None = "0023_pglock11"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_assessment_subject_classes_priority"
TABLE = "assessment_subject_classes"
# The score's hundredths as `models.score_hundredths` writes them (SCORE_DECIMALS 2 when this was written).
HUNDREDTHS = "CAST(round(score * 100) AS INTEGER)"


def upgrade() -> None:
    _make_index(("run_key", HUNDREDTHS, "gross_count"))


def downgrade() -> None:
    _make_index(("run_key", "score", "gross_count"))


def _make_index(columns: tuple[str, ...]) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(f"DROP INDEX {INDEX}")
    options = " WITH (fillfactor = 100)" if postgres else ""
    op.execute(f"CREATE INDEX {INDEX} ON {TABLE} ({', '.join(columns)}){options}")
