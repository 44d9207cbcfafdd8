"""`tekseru db`: migrate the database explicitly and check that the migrations match the models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tekseru.services.database import (
    Database,
    DatabaseNeedsUpgrade,
    DatabaseTooNew,
    migration_differences,
    open_database_for,
    upgrade_database_for,
)

app = typer.Typer(help="The database: migrations and checks.", no_args_is_help=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        dir_okay=False,
        help="SQLite database file to use instead of TEKSERU_DATABASE_URL (default: tekseru.sqlite3).",
    ),
]


def open_database_or_exit(db: Path | None, console: Console) -> Database:
    """The database for a command; a readable message and exit code 1 when it cannot be used."""
    try:
        return open_database_for(db)
    except (DatabaseNeedsUpgrade, DatabaseTooNew) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None


@app.command()
def upgrade(db: DbOption = None) -> None:
    """Create the database if needed and migrate it to the newest revision."""
    revision = upgrade_database_for(db)
    Console(soft_wrap=True).print(f"The database is at revision {revision}.")


@app.command()
def check(db: DbOption = None) -> None:
    """Exit 1 when the migrated database differs from the models (a migration is missing)."""
    console = Console(soft_wrap=True)
    try:
        found = migration_differences(db)
    except (DatabaseNeedsUpgrade, DatabaseTooNew) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    for difference in found:
        console.print(f"[red]differs:[/red] {difference}", highlight=False)
    if found:
        raise typer.Exit(1)
    console.print("The migrations match the models.")
