"""PostgreSQL checks the subject of new evidence once per statement, not once per row (issue 18: an evidence
import holds the imports' turn for at most a fifth of its time).

The foreign key evidence.subject_id -> subjects.id (ON DELETE RESTRICT) was checked row by row: PostgreSQL
runs a query for each inserted row that looks the subject up and locks it (FOR KEY SHARE), and those
queries took most of the server's time to COPY an import's rows, in the turn. On PostgreSQL the key is
replaced by triggers that keep what it kept:

- after each statement that inserts evidence, one anti-join of its new rows with the subjects finds a row
  whose subject is not in the registry: the statement then fails with the key's error (SQLSTATE 23503,
  foreign_key_violation), as it did. A row of evidence moved to another subject is checked the same way,
  row by row (nothing does it today);
- deleting a subject that has evidence, or changing its id, fails with the key's error (RESTRICT). The
  evidence's unique index, which begins with the subject, finds its rows.

Rather than each subject's row, writers of evidence and deleters of subjects lock one advisory lock (the
turn `evidence subjects`, as `store.turns` names them): writers share it, a deleter holds it alone, each
from its check until its transaction ends, and each check runs after the lock is granted, with a snapshot
of its own (READ COMMITTED). An insert whose check runs while a delete holds the turn waits, then finds the
subject gone (or there, if the delete was undone); a delete whose check runs while an insert holds it
waits, then finds the inserted rows. Outside READ COMMITTED a statement's snapshot is older than its wait:
new evidence then locks its subjects' rows as the key did, and a subject is not deleted (nothing does
either; the store writes in READ COMMITTED).

SQLite keeps its foreign key: its check is an index look-up in the same process, and its import holds the
write lock for less than a fifth of its time with it. The models keep the key too (what SQLite has, and
what documents the column); `store.migrate.differences` does not ask PostgreSQL for it. The downgrade
drops the triggers and adds the key again (checking the stored rows).

Revision ID: 0023_pglock11
Revises: 0022_pggrow11
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from alembic import op

revision: str = "0023_pglock11"
down_revision: str | None = "0022_pggrow11"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_evidence_subject_id_subjects"


def _turn(topic: str) -> int:
    """The advisory lock of `topic`, as `store.turns.take_turns` names it."""
    return int.from_bytes(hashlib.sha256(f"tekseru.{topic}".encode()).digest()[:8], "big", signed=True)


# Writers of evidence hold it shared, deleters of subjects alone (store.turns.EVIDENCE_SUBJECTS).
TURN = _turn("evidence subjects")
_READ_COMMITTED = "current_setting('transaction_isolation') = 'read committed'"
# The errors say what the key's said, with its name and SQLSTATE, so that callers tell them apart as before.
_KEY_ERROR = (
    'RAISE EXCEPTION \'{action} on table "{table}" violates foreign key constraint "%s"{on}\' '
    "USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key ({column})=(%%s) is {what}.', {value});"
)
_MISSING = _KEY_ERROR.format(
    action="insert or update", table="evidence", on="", column="subject_id",
    what='not present in table \"subjects\"', value="{subject}",
) % FOREIGN_KEY  # fmt: skip
_REFERENCED = _KEY_ERROR.format(
    action="update or delete", table="subjects", on=' on table \"evidence\"', column="id",
    what='still referenced from table \"evidence\"', value="OLD.id",
) % FOREIGN_KEY  # fmt: skip
# Outside READ COMMITTED a statement cannot see what was committed while it waited for the turn: new
# evidence then locks its subjects row by row as the key did, and a subject is not deleted at all.
_SNAPSHOT = (
    "RAISE EXCEPTION 'a subject is deleted or renumbered only in a READ COMMITTED transaction' "
    "USING ERRCODE = 'serialization_failure';"
)
# Each function: its body, and the triggers that run it (name, table, when, level and condition).
FUNCTIONS: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "evidence_subjects_exist": (
        "DECLARE missing integer; BEGIN "
        f"IF {_READ_COMMITTED} THEN PERFORM pg_advisory_xact_lock_shared({TURN}); "
        "ELSE PERFORM 1 FROM subjects WHERE id IN (SELECT subject_id FROM new_rows) FOR KEY SHARE; END IF; "
        # min(), not LIMIT 1: the planner then hashes the subjects once rather than probing row by row
        "SELECT min(n.subject_id) INTO missing FROM new_rows n "
        "WHERE NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = n.subject_id); "
        f"IF missing IS NOT NULL THEN {_MISSING.format(subject='missing')} END IF; "
        "RETURN NULL; END",
        (
            (
                "evidence_subjects_exist",
                "evidence",
                "AFTER INSERT ON evidence REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT",
            ),
        ),
    ),
    "evidence_moved_subject_exists": (
        f"BEGIN IF {_READ_COMMITTED} THEN PERFORM pg_advisory_xact_lock_shared({TURN}); "
        "ELSE PERFORM 1 FROM subjects WHERE id = NEW.subject_id FOR KEY SHARE; END IF; "
        "IF NOT EXISTS (SELECT 1 FROM subjects WHERE id = NEW.subject_id) THEN "
        f"{_MISSING.format(subject='NEW.subject_id')} END IF; RETURN NULL; END",
        (
            (
                "evidence_moved_subject_exists",
                "evidence",
                "AFTER UPDATE OF subject_id ON evidence FOR EACH ROW "
                "WHEN (OLD.subject_id IS DISTINCT FROM NEW.subject_id)",
            ),
        ),
    ),
    "subjects_evidence_restrict": (
        f"BEGIN IF NOT {_READ_COMMITTED} THEN {_SNAPSHOT} END IF; "
        f"PERFORM pg_advisory_xact_lock({TURN}); "
        f"IF EXISTS (SELECT 1 FROM evidence WHERE subject_id = OLD.id) THEN {_REFERENCED} END IF; "
        "RETURN NULL; END",
        (
            ("subjects_evidence_restrict", "subjects", "AFTER DELETE ON subjects FOR EACH ROW"),
            (
                "subjects_id_evidence_restrict",
                "subjects",
                "AFTER UPDATE OF id ON subjects FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)",
            ),
        ),
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint(FOREIGN_KEY, "evidence", type_="foreignkey")
    for function, (body, triggers) in FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {function}() RETURNS trigger AS $$ {body} $$ LANGUAGE plpgsql")
        for name, _, event in triggers:
            op.execute(f"CREATE TRIGGER {name} {event} EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for function, (_, triggers) in FUNCTIONS.items():
        for name, table, _ in triggers:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.create_foreign_key(FOREIGN_KEY, "evidence", "subjects", ["subject_id"], ["id"], ondelete="RESTRICT")
