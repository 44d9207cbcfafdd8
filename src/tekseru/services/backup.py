"""Backing up and restoring the whole database (see `tekseru.store.backup` for how, on each database).

A restore is audited in the restored database (`database.restore`), after the entries it brought back, so
the log says who put this copy in place and from which file; its hash chain verifies as before.
"""

from __future__ import annotations

from pathlib import Path

from tekseru.services import audit
from tekseru.services.permissions import Actor, Permission
from tekseru.store import DatabaseNeedsUpgrade, DatabaseTooNew, open_database
from tekseru.store.backup import BackupError as BackupError
from tekseru.store.backup import TargetNotEmpty as TargetNotEmpty
from tekseru.store.backup import restore_backup, write_backup


def back_up_database(url: str, actor: Actor, target: Path) -> None:
    """Copy the database at `url` into the new file `target`, consistently, while others write to it."""
    actor.require(Permission.MANAGE_DATABASE)
    write_backup(url, target)


def restore_database(url: str, actor: Actor, source: Path, *, force: bool = False) -> bool:
    """Fill the database at `url` from the backup `source` (TargetNotEmpty when it holds data, unless
    `force`); whether the restore could be audited (not when the copy needs `tekseru db upgrade` first)."""
    actor.require(Permission.MANAGE_DATABASE)
    restore_backup(url, source, force=force)
    try:
        database = open_database(url)
    except (DatabaseNeedsUpgrade, DatabaseTooNew):
        return False
    try:
        with database.transaction() as session:
            after = {"file": source.name, "replaced_data": force}
            audit.record(session, actor, "database.restore", "database", source.name[-100:], after=after)
    finally:
        database.close()
    return True
