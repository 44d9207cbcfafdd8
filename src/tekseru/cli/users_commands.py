"""`tekseru users`: create users, list them, set a password. Wire it into the root app with
`app.add_typer(users_commands.app, name="users")`.

Passwords are random unless `--ask` prompts for one (never on the command line, where the shell history
would keep it). A new or reset password is printed once; tekseru keeps only its argon2 hash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.database_option import DbOption
from tekseru.cli.db_commands import open_database_or_exit
from tekseru.cli.language import LangOption, Words, chosen, region_name
from tekseru.cli.tables import print_table
from tekseru.services.permissions import Role  # light: the roles are the `--role` option's choices

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.services.accounts import Credentials


app = typer.Typer(help="User accounts: create, list, set a password.", no_args_is_help=True)

AskOption = Annotated[bool, typer.Option("--ask", help="Type the password (hidden) instead of a random one.")]


def _password(ask: bool, words: Words) -> str | None:
    if not ask:
        return None
    return str(typer.prompt(words("cli.column.password"), hide_input=True, confirmation_prompt=True))


def _show(console: Console, credentials: Credentials, what: str, words: Words) -> None:
    role = words(f"role.{credentials.role.value}")
    console.print(words(what, username=f"[bold]{credentials.username}[/bold]", role=role))
    console.print(
        words("cli.users.password", password=f"[bold]{credentials.password}[/bold]"), highlight=False
    )


@app.command()
def create(
    username: Annotated[str, typer.Argument(help="2 to 64 of a-z, 0-9, '.', '_', '-'.")],
    role: Annotated[
        Role, typer.Option("--role", help="admin, planner, inspector, viewer or subject.")
    ] = Role.VIEWER,
    full_name: Annotated[str, typer.Option("--full-name", help="The person's name.")] = "",
    region: Annotated[
        str | None, typer.Option("--region", help="An inspector's region: key or name (e.g. astana).")
    ] = None,
    bins: Annotated[
        list[str] | None,
        typer.Option("--bin", help="A subject's BIN its account acts for (repeat for several)."),
    ] = None,
    ask: AskOption = False,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Create an active user; prints the password once."""
    from tekseru.i18n import say_error
    from tekseru.services.accounts import InvalidUser, create_user
    from tekseru.services.passwords import Passwords

    console, words = Console(soft_wrap=True), Words(chosen(lang))
    database = open_database_or_exit(db, console)
    try:
        _, credentials = create_user(
            database,
            cli_actor(by),
            username=username,
            full_name=full_name,
            role=role.value,
            region=region,
            bins=bins or (),
            password=_password(ask, words),
            passwords=Passwords(),
            regions=cli_catalogue().regions,
        )
    except InvalidUser as problem:
        console.print(f"[red]{escape(say_error(words.language, problem))}[/red]", highlight=False)
        raise typer.Exit(1) from None
    finally:
        database.close()
    _show(console, credentials, "cli.users.created", words)


@app.command("list")
def list_(db: DbOption = None, lang: LangOption = None) -> None:
    """Every user with role, region and whether active."""
    from tekseru.services.accounts import list_users

    console, words = Console(soft_wrap=True), Words(chosen(lang))
    database = open_database_or_exit(db, console)
    try:
        users = list_users(database, cli_actor())
    finally:
        database.close()
    headers = ("username", "full_name", "role", "region", "active")
    table = Table(*(words(f"cli.column.{header}") for header in headers))
    for user in users:
        table.add_row(
            user.username,
            user.full_name,
            words(f"role.{user.role}"),
            region_name(user.region, words.language) if user.region else "",
            words.yes_no(user.active),
        )
    print_table(console, table)


@app.command("set-password")
def set_password_(
    username: Annotated[str, typer.Argument(help="The user whose password to set.")],
    ask: AskOption = False,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Give the user a new password (random unless --ask); the user's sessions end."""
    from tekseru.i18n import say_error
    from tekseru.services.accounts import InvalidUser, UserNotFound, set_password
    from tekseru.services.passwords import Passwords

    console, words = Console(soft_wrap=True), Words(chosen(lang))
    database = open_database_or_exit(db, console)
    try:
        credentials = set_password(
            database, cli_actor(by), username, _password(ask, words), passwords=Passwords()
        )
    except (InvalidUser, UserNotFound) as problem:
        console.print(f"[red]{escape(say_error(words.language, problem))}[/red]", highlight=False)
        raise typer.Exit(1) from None
    finally:
        database.close()
    _show(console, credentials, "cli.users.new_password", words)
