"""Changes that must take turns across connections: two planners approving lists of one half-year, two
imports writing the same subjects. SQLite's write transaction serialises writers already; on PostgreSQL
the second would read before the first commits and then fail on a unique key (or store a second list), so
it waits on a transaction-level advisory lock named after what is changed, released at commit or rollback.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

# Every import that writes (registry, evidence, rosters): they upsert by one key and read each other's rows.
IMPORTS = "imports"
# Writers of evidence (shared) and deleters of subjects (alone) on PostgreSQL: migration 0023's triggers
# take it in place of the foreign key's lock on each subject's row; nothing in Python takes it.
EVIDENCE_SUBJECTS = "evidence subjects"


def take_turns(session: Session, topic: str) -> None:
    """Wait until no other transaction holds `topic`, then hold it until this transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"tekseru.{topic}".encode()).digest()
    session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest[:8], "big", signed=True))))
