"""Which database a command works on, opened for the interfaces (they never import the store)."""

from __future__ import annotations

from pathlib import Path

from tekseru.settings import Settings
from tekseru.store import Database as Database
from tekseru.store import DatabaseBusy as DatabaseBusy
from tekseru.store import DatabaseNeedsUpgrade as DatabaseNeedsUpgrade
from tekseru.store import DatabaseTooNew as DatabaseTooNew
from tekseru.store import open_database, sqlite_url, upgrade_database
from tekseru.store.migrate import differences
from tekseru.store.text import InvalidText as InvalidText

__all__ = [
    "Database",
    "DatabaseBusy",
    "DatabaseNeedsUpgrade",
    "DatabaseTooNew",
    "database_url_for",
    "migration_differences",
    "open_database_for",
    "upgrade_database_for",
]


def database_url_for(db: Path | None, settings: Settings | None = None) -> str:
    """`--db PATH` as a SQLite URL; without it TEKSERU_DATABASE_URL, else the default (tekseru.sqlite3)."""
    if db is not None:
        return sqlite_url(db)
    return (settings or Settings.from_environment()).database_url


def open_database_for(db: Path | None, settings: Settings | None = None) -> Database:
    """The database of `database_url_for`, created and migrated when new.

    DatabaseNeedsUpgrade or DatabaseTooNew when it was migrated by another version of tekseru.
    """
    return open_database(database_url_for(db, settings))


def upgrade_database_for(db: Path | None, settings: Settings | None = None) -> str:
    """Migrate the database to the newest revision (creating it when missing); that revision."""
    return upgrade_database(database_url_for(db, settings))


def migration_differences(db: Path | None, settings: Settings | None = None) -> list[str]:
    """How the migrated database differs from the models (a migration is missing); empty when they match."""
    database = open_database_for(db, settings)
    try:
        return [str(difference) for difference in differences(database.engine)]
    finally:
        database.close()
