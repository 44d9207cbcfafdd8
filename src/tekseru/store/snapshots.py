"""Other connections that read exactly what one transaction sees, so that a large reading can be split
among them (threads reading ranges of evidence, worker processes reading partitions of the registry).

PostgreSQL: the transaction exports its snapshot (`pg_export_snapshot`) and each other connection's
transaction starts from it (REPEATABLE READ, then `SET TRANSACTION SNAPSHOT`) while the exporting
transaction is still open. That is the transaction's view only when every statement of it sees that one
snapshot (REPEATABLE READ or SERIALIZABLE, not READ COMMITTED) and it has written nothing (its own changes
are invisible to the importers); PostgreSQL exports none from a savepoint.

SQLite: the transaction takes the write lock with a statement that changes nothing: nobody can commit until
it ends, so any new connection reads what it reads (`hold_writers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+-[0-9]+$")  # what pg_export_snapshot gives
_ONE_SNAPSHOT_LEVELS = ("repeatable read", "serializable")


def export_snapshot(reading: Session | Connection) -> str | None:
    """The id of the PostgreSQL snapshot of `reading`'s transaction, for `snapshot_connection`; None when
    another connection importing it would not see what this transaction sees (see the module's notes)."""
    if reading.in_nested_transaction():
        return None
    level, written = reading.execute(
        text("SELECT current_setting('transaction_isolation'), pg_current_xact_id_if_assigned() IS NOT NULL")
    ).one()
    if level not in _ONE_SNAPSHOT_LEVELS or written:
        return None
    return str(reading.execute(text("SELECT pg_export_snapshot()")).scalar_one())


@contextmanager
def held_snapshot(engine: Engine) -> Iterator[str]:
    """The id of a PostgreSQL snapshot of the database as it is now, importable until the block ends."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = export_snapshot(connection)
            assert snapshot is not None  # a new REPEATABLE READ transaction that has written nothing
            yield snapshot


@contextmanager
def snapshot_connection(engine: Engine, snapshot: str) -> Iterator[Connection]:
    """A connection of `engine` in a transaction that sees the snapshot `snapshot` (PostgreSQL), ended
    with the block."""
    if not _SNAPSHOT_ID.match(snapshot):
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            yield connection


def sqlite_file(session: Session) -> str | None:
    """The path of the SQLite file the session works on; None for other databases and memory."""
    url = session.connection().engine.url
    name = url.database
    return name if url.get_backend_name() == "sqlite" and name and name != ":memory:" else None


def hold_writers(session: Session) -> bool:
    """Take SQLite's write lock for this transaction, without waiting; False when another connection
    holds it or has committed since this transaction began reading. The transaction must not have
    written anything yet (readers on other connections would not see it)."""
    waited = session.execute(text("PRAGMA busy_timeout")).scalar_one()
    session.execute(text("PRAGMA busy_timeout = 0"))
    try:
        with session.begin_nested():
            session.execute(text("DELETE FROM evidence WHERE 0"))
    except OperationalError:
        return False
    finally:
        session.execute(text(f"PRAGMA busy_timeout = {int(waited)}"))
    return True
