"""How every command fails: a readable message in red on standard error and exit code 1; and the database
of a command, opened (or the reason it cannot be) and closed when the command ends."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from tekseru.cli.catalogue import cli_catalogue

if TYPE_CHECKING:  # imported where used: a command's `--help` needs neither the database nor the settings
    from tekseru.services.database import Database


def errors_console() -> Console:
    """A console on standard error, made per use: it reads the terminal's width when it prints."""
    return Console(stderr=True, soft_wrap=True)


def fail(message: str | BaseException, language: str | None = None) -> NoReturn:
    """Print `message` in red and end the command; a refusal (an exception) is said in `language` (default:
    the command line's `--lang`, else the `language` setting) when it carries a message
    (`tekseru.message.Explained`), a region in it named from the command line's catalogue."""
    if isinstance(message, BaseException):
        from tekseru.cli.language import chosen
        from tekseru.i18n import say_error

        language = language or chosen(None)
        message = say_error(language, message, cli_catalogue().regions)
    errors_console().print(f"[red]{escape(message)}[/red]", highlight=False)
    raise typer.Exit(1)


def print_problems(problems: Iterable[object], language: str | None = None) -> None:
    """Each problem (a row error of an import, an answer that cannot be stored) on a line of its own, in
    `language` (default: the `language` setting) when the problem can describe itself in it."""
    console = errors_console()
    for problem in problems:
        console.print(f"[red]{escape(describe(problem, language))}[/red]", highlight=False)


def describe(problem: object, language: str | None = None) -> str:
    describe_in = getattr(problem, "describe", None)
    if callable(describe_in):
        from tekseru.settings import Settings

        return str(describe_in(language or Settings.from_environment().language))
    return str(problem)


@contextmanager
def opened_database(db: str | None) -> Iterator[Database]:
    """The database of `--db` (else the settings'); a database another tekseru migrated fails the command."""
    from tekseru.services.database import (
        DatabaseNeedsUpgrade,
        DatabaseTooNew,
        DatabaseUnreachable,
        open_database_for,
    )

    try:
        database = open_database_for(db)
    except (DatabaseNeedsUpgrade, DatabaseTooNew, DatabaseUnreachable) as error:
        fail(error)
    try:
        yield database
    finally:
        database.close()
