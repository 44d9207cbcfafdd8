"""Which database a command works on, opened for the interfaces (they never import the store)."""

from __future__ import annotations

from pathlib import Path

from tekseru.message import Explained
from tekseru.settings import Settings
from tekseru.store import Database as Database
from tekseru.store import DatabaseBusy as DatabaseBusy
from tekseru.store import DatabaseNeedsUpgrade as DatabaseNeedsUpgrade
from tekseru.store import DatabaseTooNew as DatabaseTooNew
from tekseru.store import DatabaseUnreachable as DatabaseUnreachable
from tekseru.store import open_database, sqlite_url, upgrade_database
from tekseru.store.driver_errors import DriverDataError as DriverDataError
from tekseru.store.driver_errors import DriverError as DriverError
from tekseru.store.driver_errors import lost_database as lost_database
from tekseru.store.driver_errors import number_out_of_range as number_out_of_range
from tekseru.store.migrate import differences
from tekseru.store.text import InvalidText as InvalidText

__all__ = [
    "Database",
    "DatabaseBusy",
    "DatabaseNeedsUpgrade",
    "DatabaseTooNew",
    "DatabaseUnreachable",
    "DriverDataError",
    "DriverError",
    "UnknownDatabaseScheme",
    "database_url",
    "database_url_for",
    "lost_database",
    "migration_differences",
    "number_out_of_range",
    "open_database_for",
    "upgrade_database_for",
]


# The kinds of database tekseru works on, as a URL names them (SQLAlchemy's names of dialect and driver).
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


class UnknownDatabaseScheme(Explained, ValueError):
    """A database URL of a kind tekseru does not work on (`mysql://...`, a typo such as `postgres://...`)."""


def database_url(db: str | Path) -> str:
    """`--db` as a database URL: a URL of a known kind (sqlite:///FILE, postgresql+psycopg://USER@HOST/NAME)
    as it is, anything without "://" a SQLite file's path; UnknownDatabaseScheme for any other URL (never a
    file of that name: `postgresql+psycopg:` is not a folder to create)."""
    text = str(db)
    scheme, separator, _ = text.partition("://")
    if not separator:
        return sqlite_url(text)
    if scheme.lower() not in DATABASE_SCHEMES:
        refused = UnknownDatabaseScheme(f"tekseru works on SQLite or PostgreSQL databases, not {scheme}://")
        raise refused.saying("today13.db.unknown_scheme", scheme=scheme, known=", ".join(DATABASE_SCHEMES))
    return text


def database_url_for(db: str | Path | None, settings: Settings | None = None) -> str:
    """`--db` (a SQLite file or a database URL, `database_url`); without it TEKSERU_DATABASE_URL, else the
    default (tekseru.sqlite3)."""
    if db is not None:
        return database_url(db)
    return (settings or Settings.from_environment()).database_url


def open_database_for(db: str | Path | None, settings: Settings | None = None) -> Database:
    """The database of `database_url_for`, created and migrated when new.

    DatabaseNeedsUpgrade or DatabaseTooNew when it was migrated by another version of tekseru.
    """
    return open_database(database_url_for(db, settings))


def upgrade_database_for(db: str | Path | None, settings: Settings | None = None) -> str:
    """Migrate the database to the newest revision (creating it when missing); that revision."""
    return upgrade_database(database_url_for(db, settings))


def migration_differences(db: str | Path | None, settings: Settings | None = None) -> list[str]:
    """How the migrated database differs from the models (a migration is missing); empty when they match."""
    database = open_database_for(db, settings)
    try:
        return [str(difference) for difference in differences(database.engine)]
    finally:
        database.close()
