"""The `tekseru` command: each sub-command lives in its own module and only calls services."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from tekseru.cli import (
    assess_commands,
    audit_commands,
    backtest_commands,
    backup_commands,
    catalog_commands,
    checklist_commands,
    db_commands,
    import_commands,
    inspection_commands,
    jobs_commands,
    outbox_commands,
    plan_commands,
    roster_commands,
    serve_command,
    signature_commands,
    users_commands,
    visit_commands,
)
from tekseru.cli.usage_words import speaking
from tekseru.i18n import LANGUAGES, say_error
from tekseru.settings import SettingError, Settings, environment_variable


class _Group(TyperGroup):
    """The root group, keeping the words of the command line for a refusal before any setting is read, and
    saying click's usage errors in the language they ask for."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        words = list(sys.argv[1:] if args is None else args)
        with speaking(language_in(words)):
            return super().main(args, *rest, **options)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        ctx.meta[_ARGUMENTS] = list(args)
        return super().parse_args(ctx, args)


_ARGUMENTS = "tekseru.arguments"

app = typer.Typer(
    cls=_Group,
    name="tekseru",
    help="Risk-based state control of special social services and of the social protection of persons "
    "with disabilities (Kazakhstan).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def check_settings(context: typer.Context) -> None:
    """Every command reads the settings from the environment: a bad one stops it at once, named, with no
    traceback."""
    try:
        Settings.from_environment()
    except SettingError as error:
        typer.echo(f"tekseru: {say_error(_language_asked(context), error)}", err=True)
        raise typer.Exit(2) from None


def _language_asked(context: typer.Context) -> str:
    return language_in([str(word) for word in context.meta.get(_ARGUMENTS, ())])


def language_in(rest: Sequence[str]) -> str:
    """The language of a refusal before any setting can be read: the command's `--lang`, else the language
    setting when it is itself valid, else kk (the default)."""
    for index, word in enumerate(rest):
        asked = (
            rest[index + 1] if word == "--lang" and index + 1 < len(rest) else word.removeprefix("--lang=")
        )
        if (word == "--lang" or word.startswith("--lang=")) and asked in LANGUAGES:
            return asked
    setting = os.environ.get(environment_variable("language"), "")
    return setting if setting in LANGUAGES else Settings.model_fields["language"].default


app.command()(serve_command.serve)
app.command()(assess_commands.demo)
app.add_typer(catalog_commands.app, name="catalog")
app.add_typer(import_commands.app, name="import")
app.command()(assess_commands.assess)
app.command()(assess_commands.explain)
plan_commands.register(app)
app.add_typer(checklist_commands.app, name="checklist")
visit_commands.register(inspection_commands.app)
app.add_typer(inspection_commands.app, name="inspection")
app.command()(checklist_commands.verify)
app.command()(signature_commands.sign)
app.add_typer(users_commands.app, name="users")
app.add_typer(db_commands.app, name="db")
app.add_typer(audit_commands.app, name="audit")
app.command()(backup_commands.backup)
app.command()(backup_commands.restore)
app.add_typer(jobs_commands.app, name="jobs")
app.add_typer(roster_commands.app, name="rosters")
app.add_typer(outbox_commands.app, name="outbox")
app.command()(backtest_commands.backtest)


if __name__ == "__main__":
    app()
