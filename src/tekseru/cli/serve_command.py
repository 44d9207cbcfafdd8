"""`tekseru serve`: the web application and the HTTP API (/api/v1) on uvicorn, in one process or several.

Before serving it opens (and on first use creates) the database; on a database without users it creates
the admin `admin` with a random password and prints how to sign in. Jobs a previous server left unfinished
are marked interrupted. With `--workers N`, uvicorn starts N processes of the app factory, which read the
settings from the environment this process passes on; see docs/web.md.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer
import uvicorn

from tekseru.services.accounts import Credentials, create_demo_users, ensure_first_admin
from tekseru.services.assessments import run_assessment
from tekseru.services.auth import open_app_database
from tekseru.services.database import Database, DatabaseNeedsUpgrade, DatabaseTooNew
from tekseru.services.demo import load_demo
from tekseru.services.jobs import interrupt_stale
from tekseru.settings import Settings
from tekseru.web.app import create_app

APP_FACTORY = "tekseru.web.app:create_app"


def prepare(settings: Settings, address: str) -> None:
    """Open the database, create the first admin when there is no user, fail interrupted jobs."""
    try:
        database = open_app_database(settings)
    except (DatabaseNeedsUpgrade, DatabaseTooNew) as error:
        typer.echo(f"tekseru: {error}", err=True)
        raise typer.Exit(1) from None
    try:
        created = ensure_first_admin(database)
        interrupted = interrupt_stale(database)
        demo_users = _demo_when_empty(database)
    finally:
        database.close()
    for user in demo_users:
        region = f", region {user.region}" if user.region else ""
        typer.echo(
            f"tekseru: demo user {user.username} ({user.role.value}{region}), password: {user.password}"
        )
    if created is not None:
        typer.echo(
            "tekseru: first start, so an administrator was created.\n"
            f"  Sign in at {address}login as '{created.username}' with the password: {created.password}\n"
            "  The password is shown only now: change it on the 'My account' page, or with\n"
            f"  `tekseru users set-password {created.username}`."
        )
    if interrupted:
        typer.echo(
            f"tekseru: {interrupted} job(s) left unfinished by the previous server were marked interrupted "
            "(nothing of them was kept; start them again)."
        )


def _demo_when_empty(database: Database) -> list[Credentials]:
    """An empty registry gets the demo data, an assessment and one demo user per role (printed once)."""
    today = date.today()
    loaded = load_demo(database, today=today)
    if not loaded.loaded:
        return []
    typer.echo(f"tekseru: the database was empty, so {loaded.message}.")
    run_assessment(database, as_of=today)
    return create_demo_users(database)


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port to listen on."),
    db: Path | None = typer.Option(
        None, "--db", help="SQLite database file (default: TEKSERU_DATABASE_URL, else tekseru.sqlite3 here)."
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        help="Worker processes answering requests (about one per CPU; each keeps its own connections).",
    ),
    access_log: bool = typer.Option(
        True, "--access-log/--no-access-log", help="Log each request (off when a reverse proxy logs them)."
    ),
) -> None:
    """Serve the web application and the HTTP API until interrupted (Ctrl+C)."""
    settings = Settings.from_environment()
    if db is not None:
        settings = settings.with_database_path(db)
    address = f"http://{host}:{port}/"
    prepare(settings, address)
    processes = f", {workers} worker processes" if workers > 1 else ""
    typer.echo(f"tekseru: {address} (API: /api/v1, database: {settings.database_url}{processes})")
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, access_log=access_log)
        return
    os.environ.update(settings.environment())  # what each worker's create_app() reads
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers, access_log=access_log)
