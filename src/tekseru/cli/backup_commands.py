"""`tekseru backup FILE` and `tekseru restore FILE`: the whole database to a file and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail
from tekseru.cli.language import LangOption, Words, chosen


def backup(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="The new file to write the copy to.")],
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Copy the database to FILE, consistently, while the server runs (SQLite: its online backup;
    PostgreSQL: pg_dump --format=custom, which must be installed)."""
    from tekseru.i18n import say_error
    from tekseru.services.backup import BackupError, back_up_database
    from tekseru.services.database import database_url_for

    words = Words(chosen(lang))
    try:
        back_up_database(database_url_for(db), cli_actor(by), file)
    except BackupError as error:
        fail(words("cli.backup.failed", error=say_error(words.language, error)))
    Console(soft_wrap=True, highlight=False).print(words("cli.backup.done", file=file), markup=False)


def restore(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="A file `tekseru backup` wrote.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data of a database that is not empty.")
    ] = False,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Fill an empty database from FILE; a database that holds data is refused unless --force. Stop the
    server first."""
    from tekseru.i18n import say_error
    from tekseru.services.backup import BackupError, restore_database
    from tekseru.services.database import database_url_for

    words = Words(chosen(lang))
    try:
        audited = restore_database(database_url_for(db), cli_actor(by), file, force=force)
    except BackupError as error:
        fail(words("cli.restore.failed", error=say_error(words.language, error)))
    console = Console(soft_wrap=True, highlight=False)
    console.print(words("cli.restore.done", file=file), markup=False)
    if not audited:
        console.print(words("cli.restore.older"), markup=False)
