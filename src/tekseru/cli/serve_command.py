"""`tekseru serve`: the web application and the HTTP API (/api/v1) on uvicorn, in one process or several.

Before serving it opens (and on first use creates) the database and prints one block: the address and, on
first use, a table of the users it created with their passwords (the demo's one user per role on an empty
registry, else the admin `admin` on a database without users). Jobs a previous server left unfinished are
marked interrupted. uvicorn's own lines are said in the reader's language (`serve_log`). With
`--workers N`, uvicorn starts N processes of the app factory, which read the settings from the environment
this process passes on; see docs/web.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from tekseru.cli import serve_workers
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.clock import cli_today
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail
from tekseru.cli.language import Language, LanguageOption, Words, chosen, region_name
from tekseru.cli.serve_log import log_config

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.services.accounts import Credentials
    from tekseru.services.demo import DemoLoad
    from tekseru.settings import Settings


APP_FACTORY = "tekseru.web.app:create_served_app"
WORKER_STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Startup:
    """What preparing the database did, for the one block `serve` prints."""

    users: list[Credentials] = field(default_factory=list)  # new accounts, their passwords shown once
    demo: DemoLoad | None = None  # what was loaded into an empty registry
    interrupted: int = 0  # jobs of a previous server marked interrupted


def prepare(settings: Settings, language: str | None = None) -> Startup:
    """Open the database, mark interrupted jobs failed, and on first use fill it: an empty registry gets the
    demo (with one user per role, an administrator among them); a database still without users gets the
    administrator `admin`."""
    from tekseru.services.accounts import ensure_first_admin
    from tekseru.services.auth import open_app_database
    from tekseru.services.database import DatabaseNeedsUpgrade, DatabaseTooNew, DatabaseUnreachable
    from tekseru.services.demo import start_demo_when_empty
    from tekseru.services.jobs import interrupt_stale
    from tekseru.services.passwords import Passwords

    try:
        database = open_app_database(settings)
    except (DatabaseNeedsUpgrade, DatabaseTooNew, DatabaseUnreachable) as error:
        fail(error, language)
    try:
        interrupted = interrupt_stale(database)
        passwords = Passwords()
        demo = start_demo_when_empty(
            database, today=cli_today(), passwords=passwords, catalogue=cli_catalogue()
        )
        admin = ensure_first_admin(database, passwords)
    finally:
        database.close()
    users = (demo.users if demo else []) + ([admin] if admin else [])
    return Startup(users, demo.load if demo else None, interrupted)


def startup_block(address: str, database_url: str, workers: int, startup: Startup, words: Words) -> str:
    """The address, and on first use who can sign in: one short block, printed once, in the reader's
    language (the passwords are shown here only)."""
    processes = words("cli.serve.processes", count=workers) if workers > 1 else ""
    lines = [words("cli.serve.address", address=address, database=database_url, processes=processes)]
    if startup.demo:
        loaded = startup.demo
        subjects, evidence = words.count(loaded.subjects), words.count(loaded.evidence)
        lines.append("  " + words("cli.serve.demo_loaded", subjects=subjects, evidence=evidence))
    if startup.interrupted:
        lines.append("  " + words("cli.serve.interrupted", count=startup.interrupted))
    if startup.users:
        lines.append("  " + words("cli.serve.sign_in", address=address))
        rows = [tuple(words(f"cli.serve.column.{name}") for name in ("user", "role", "region", "password"))]
        rows += [
            (
                u.username,
                words(f"role.{u.role.value}"),
                region_name(u.region, words.language) if u.region else "",
                u.password,
            )
            for u in startup.users
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        lines += [
            "    " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.append("  " + words("cli.serve.change_password"))
    return "\n".join(lines)


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port to listen on."),
    db: DbOption = None,
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        help="Worker processes answering requests (about one per CPU; each keeps its own connections).",
    ),
    access_log: bool = typer.Option(
        True, "--access-log/--no-access-log", help="Log each request (off when a reverse proxy logs them)."
    ),
    lang: Language | None = LanguageOption,
) -> None:
    """Serve the web application and the HTTP API until interrupted (Ctrl+C)."""
    import uvicorn

    from tekseru.services.database import database_url
    from tekseru.settings import Settings
    from tekseru.web.app import create_served_app

    settings = Settings.from_environment()
    if db is not None:
        settings = settings.with_database_url(database_url(db))
    address = f"http://{host}:{port}/"
    words = Words(chosen(lang))
    typer.echo(
        startup_block(address, settings.database_url, workers, prepare(settings, words.language), words)
    )
    if workers == 1:
        uvicorn.run(
            create_served_app(settings),
            host=host,
            port=port,
            access_log=access_log,
            log_config=log_config(words.language, address),
        )
        return
    os.environ.update(settings.environment())  # what each worker's create_app() reads
    # A worker imports the whole application before it answers uvicorn's first health check; on a busy
    # machine that takes longer than uvicorn's 5 s, and it would kill and restart workers for ever.
    serve_workers.run(  # each worker with its own socket: connections spread evenly over them
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_config=log_config(words.language, address),
        timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
    )
