"""The `--db` option of every command that works on a database: a SQLite file or a database URL, one text
for all of them. A URL of an unknown kind is refused as the command line is read, in the reader's language,
before anything is opened or created."""

from __future__ import annotations

from typing import Annotated

import typer

DB_HELP = (
    "The database: a SQLite file, or a database URL (sqlite:///FILE, postgresql+psycopg://USER@HOST/NAME), "
    "to use instead of TEKSERU_DATABASE_URL (default: tekseru.sqlite3)."
)


def checked(value: str | None) -> str | None:
    """`--db` as given, once it is known to name a database tekseru works on."""
    if value is not None:
        from tekseru.cli.failures import fail  # imported here: `--help` needs none of the database
        from tekseru.services.database import UnknownDatabaseScheme, database_url

        try:
            database_url(value)
        except UnknownDatabaseScheme as error:
            from tekseru.cli.usage_words import spoken_language

            fail(error, spoken_language())
    return value


DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP, callback=checked)]
