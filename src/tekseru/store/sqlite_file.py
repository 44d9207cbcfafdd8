"""A SQLite file deleted, moved away or replaced under a running process (a restore by hand, a mistaken
`rm`): the process notices it before a connection is handed out.

An open SQLite connection keeps reading and writing the file it opened, even once that file has no name any
more: without this check the server would go on answering from a deleted database and lose every change
it accepts, and a new connection would silently make an empty database at the path (every page then a 500).
So each connection remembers which file it opened (device and inode); a connection whose file is no longer
the one at the path is dropped with every other pooled connection; a new one is refused while the path is
empty (`DatabaseFileGone`: 503, `tekseru.store.driver_errors`) and opens the file put back or put in its
place, so the server recovers by itself."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import InvalidatePoolError

from tekseru.store.driver_errors import DatabaseFileGone

_OPENED = "tekseru_sqlite_file"  # the key in a pooled connection's `info`: the identity of its file


def _identity(path: str) -> tuple[int, int] | None:
    """The file at `path` (device, inode); None when there is none."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def watch_file(engine: Engine, path: str) -> None:
    """Refuse connections to `path` once the file that the engine opened first is gone from it, and drop
    the pooled connections to a file no longer there (see the module's text)."""
    opened = False  # before the first connection, opening the path may make the database (a new file)

    def connecting(_dialect: Any, _record: Any, _args: Any, _params: Any) -> None:
        if opened and _identity(path) is None:
            raise DatabaseFileGone(f"the database file {path} is gone (deleted or moved away)")

    def connected(_dbapi_connection: Any, record: Any) -> None:
        nonlocal opened
        opened = True
        record.info[_OPENED] = _identity(path)

    def handed_out(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _identity(path) != record.info.get(_OPENED):
            raise InvalidatePoolError(f"the database file {path} was deleted or replaced")

    event.listen(engine, "do_connect", connecting)
    event.listen(engine, "connect", connected)
    event.listen(engine, "checkout", handed_out)
