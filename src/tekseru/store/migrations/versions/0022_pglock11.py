"""PostgreSQL checks the subject of new evidence once per statement, not once per row (issue 18: an evidence
import holds the imports' turn for at most a fifth of its time).

The foreign key evidence.subject_id -> subjects.id (ON DELETE RESTRICT) was checked row by row: PostgreSQL
runs a query for each inserted row that looks the subject up and locks it, and those queries took most of
the server's time to COPY an import's rows, in the turn. On PostgreSQL the key is replaced by triggers
that keep what it kept:

- after each statement that inserts evidence, its new rows' subjects are locked FOR KEY SHARE (as the key's
  check locked them, each once however many rows name it, so that no transaction can delete one until this
  one ends) and one anti-join finds a row whose subject is not in the registry: the statement then fails
  with the key's error (SQLSTATE 23503, foreign_key_violation), as it did;
- a row of evidence moved to another subject is checked the same way, row by row (nothing does it today);
- deleting a subject that has evidence, or changing its id, fails with the key's error (RESTRICT). The
  evidence's unique index, which begins with the subject, finds its rows.

The triggers' queries run after the lock waits, each with a snapshot of its own (READ COMMITTED): an import
that locks a subject being deleted waits and then finds it gone; a delete that waits on an import's lock
then finds the import's rows.

SQLite keeps its foreign key: its check is an index look-up in the same process, and its import holds the
write lock for less than a fifth of its time with it. The models keep the key too (what SQLite has, and
what documents the column); `store.migrate.differences` does not ask PostgreSQL for it. The downgrade
drops the triggers and adds the key again (checking the stored rows).

Revision ID: 0022_pglock11
Revises: 0021_pggrow10
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022_pglock11"
down_revision: str | None = "0021_pggrow10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_evidence_subject_id_subjects"
# The errors say what the key's said, with its name and SQLSTATE, so that callers tell them apart as before.
_MISSING = (
    'RAISE EXCEPTION \'insert or update on table "evidence" violates foreign key constraint "{key}"\' '
    "USING ERRCODE = 'foreign_key_violation', "
    "DETAIL = format('Key (subject_id)=(%s) is not present in table \"subjects\".', {subject});"
)
_REFERENCED = (
    'RAISE EXCEPTION \'update or delete on table "subjects" violates foreign key constraint "{key}" on '
    "table \"evidence\"' USING ERRCODE = 'foreign_key_violation', "
    "DETAIL = format('Key (id)=(%s) is still referenced from table \"evidence\".', OLD.id);"
)
# Each function: its body, and the triggers that run it (name, table, when, level and condition).
FUNCTIONS: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "evidence_subjects_exist": (
        "DECLARE missing integer; BEGIN "
        "PERFORM 1 FROM subjects WHERE id IN (SELECT subject_id FROM new_rows) FOR KEY SHARE; "
        "SELECT n.subject_id INTO missing FROM new_rows n "
        "WHERE NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = n.subject_id) LIMIT 1; "
        f"IF FOUND THEN {_MISSING.format(key=FOREIGN_KEY, subject='missing')} END IF; "
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
        "BEGIN PERFORM 1 FROM subjects WHERE id = NEW.subject_id FOR KEY SHARE; "
        f"IF NOT FOUND THEN {_MISSING.format(key=FOREIGN_KEY, subject='NEW.subject_id')} END IF; "
        "RETURN NULL; END",
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
        "BEGIN IF EXISTS (SELECT 1 FROM evidence WHERE subject_id = OLD.id) THEN "
        f"{_REFERENCED.format(key=FOREIGN_KEY)} END IF; RETURN NULL; END",
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
