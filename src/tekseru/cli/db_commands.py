"""`tekseru db`: migrate the database explicitly and check that the migrations match the models."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console

from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail
from tekseru.cli.language import LangOption, Words, chosen

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.services.database import Database


app = typer.Typer(help="The database: migrations and checks.", no_args_is_help=True)


def open_database_or_exit(db: str | None, console: Console) -> Database:
    """The database for a command; a readable message and exit code 1 when it cannot be used."""
    from tekseru.services.database import (
        DatabaseNeedsUpgrade,
        DatabaseTooNew,
        DatabaseUnreachable,
        open_database_for,
    )

    try:
        return open_database_for(db)
    except (DatabaseNeedsUpgrade, DatabaseTooNew, DatabaseUnreachable) as error:
        fail(error)


@app.command()
def upgrade(db: DbOption = None, lang: LangOption = None) -> None:
    """Create the database if needed and migrate it to the newest revision."""
    from tekseru.services.database import DatabaseUnreachable, upgrade_database_for

    words = Words(chosen(lang))
    try:
        revision = upgrade_database_for(db)
    except DatabaseUnreachable as error:
        fail(error, words.language)
    Console(soft_wrap=True).print(words("cli.db.upgraded", revision=revision))


@app.command()
def check(db: DbOption = None, lang: LangOption = None) -> None:
    """Exit 1 when the migrated database differs from the models (a migration is missing)."""
    from tekseru.services.database import (
        DatabaseNeedsUpgrade,
        DatabaseTooNew,
        DatabaseUnreachable,
        migration_differences,
    )

    console, words = Console(soft_wrap=True), Words(chosen(lang))
    try:
        found = migration_differences(db)
    except (DatabaseNeedsUpgrade, DatabaseTooNew, DatabaseUnreachable) as error:
        fail(error, words.language)
    for difference in found:
        console.print(f"[red]{words('cli.db.differs')}[/red] {difference}", highlight=False)
    if found:
        raise typer.Exit(1)
    console.print(words("cli.db.match"))
