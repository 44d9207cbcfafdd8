"""Which of the driver's errors say that the database server is gone, not that a statement failed."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DatabaseError, DataError, OperationalError

# The driver's errors the interfaces answer (`tekseru.http.errors`), named for them: they never import
# SQLAlchemy (tests/test_architecture.py). `lost_database` tells which of them say the database is gone.
DriverError = DatabaseError
DriverDataError = DataError

# SQLSTATE classes of a server that cannot be reached or has gone: connection exceptions (08), an
# administrator's or a crash's shutdown (57P), the database no longer there (3D000)
_LOST_STATES = ("08", "57P", "3D000")
# SQLite's SQLITE_NOTADB: the file at the database's path is no SQLite database (replaced under the running
# process by another file, or damaged)
_SQLITE_NOT_A_DATABASE = 26


class DatabaseFileGone(sqlite3.OperationalError):
    """The SQLite file a running process works on is no longer at its path (deleted or moved away): a new
    connection would make an empty database there (`tekseru.store.sqlite_file`)."""


def lost_database(error: DatabaseError) -> bool:
    """Whether the driver's error says the database server is gone, not that a statement failed: the
    connection was found broken (SQLAlchemy invalidated it), the SQLite file is gone or is no SQLite
    database any more (deleted or replaced under the running process), or PostgreSQL's driver could not
    connect (an OperationalError without SQLSTATE) or was cut off."""
    if error.connection_invalidated or isinstance(error.orig, DatabaseFileGone):
        return True
    if getattr(error.orig, "sqlite_errorcode", None) == _SQLITE_NOT_A_DATABASE:
        return True
    if not type(error.orig).__module__.startswith("psycopg"):
        return False
    state = getattr(error.orig, "sqlstate", None)
    if state is None:
        return isinstance(error, OperationalError)
    return str(state).startswith(_LOST_STATES)


def number_out_of_range(error: DataError) -> bool:
    """Whether PostgreSQL refused a whole number wider than its column ("integer out of range", SQLSTATE
    22003): an id of 4 bytes asked for as 3000000000 in an address. SQLite keeps 8 bytes in every column,
    and Python's driver refuses a wider number itself (OverflowError)."""
    return getattr(error.orig, "sqlstate", None) == "22003"
