"""The `tekseru` command: each sub-command lives in its own module and only calls services."""

from __future__ import annotations

import typer

from tekseru.cli import catalog_commands, db_commands, import_commands, plan_commands, serve_command

app = typer.Typer(
    name="tekseru",
    help="Risk-based state control of special social services and of the social protection of persons "
    "with disabilities (Kazakhstan).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog_commands.app, name="catalog")
app.add_typer(import_commands.app, name="import")
app.add_typer(db_commands.app, name="db")
plan_commands.register(app)
app.command()(serve_command.serve)


if __name__ == "__main__":
    app()
