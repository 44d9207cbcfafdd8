"""Jobs can end in more ways than finished or failed: cancelled by an administrator (after "cancelling"
while a running job is being stopped), stopped at their time limit, or interrupted when the server that ran
them stopped. Only the check constraint on `jobs.status` changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = ("queued", "running", "finished", "failed")
_NEW = ("queued", "running", "cancelling", "finished", "failed", "cancelled", "timed_out", "interrupted")


def _statuses(values: tuple[str, ...]) -> str:
    return f"status IN ({', '.join(repr(value) for value in values)})"


def _replace_check(values: tuple[str, ...]) -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_status_known"), _statuses(values))


def upgrade() -> None:
    _replace_check(_NEW)


def downgrade() -> None:
    # The new outcomes become "failed": the older schema knows no other way for a job to end.
    op.execute(f"UPDATE jobs SET status = 'failed' WHERE NOT ({_statuses(_OLD)})")
    _replace_check(_OLD)
