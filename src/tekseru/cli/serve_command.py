"""`tekseru serve`: the web application and the HTTP API (/api/v1) on one uvicorn process.

For several worker processes, run uvicorn (or gunicorn) on the factory directly; see docs/web.md.
"""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn

from tekseru.settings import Settings
from tekseru.web.app import create_app


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port to listen on."),
    db: Path | None = typer.Option(
        None, "--db", help="SQLite database file (default: TEKSERU_DATABASE_URL, else tekseru.sqlite3 here)."
    ),
) -> None:
    """Serve the web application and the HTTP API until interrupted (Ctrl+C)."""
    settings = Settings.from_environment()
    if db is not None:
        settings = settings.with_database_path(db)
    typer.echo(f"tekseru: http://{host}:{port}/ (API: /api/v1, database: {settings.database_url})")
    uvicorn.run(create_app(settings), host=host, port=port)
