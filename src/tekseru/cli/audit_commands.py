"""`tekseru audit verify`: check that the audit log's hash chain and the records it seals are intact."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from tekseru.cli.actors import cli_actor
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import errors_console, opened_database
from tekseru.cli.language import LangOption, Words, chosen

app = typer.Typer(help="The audit log: check that nobody changed it.", no_args_is_help=True)

PROBLEMS_SHOWN = 20


@app.command()
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor", help="A head hash printed by an earlier verify: check it is still in the chain."
        ),
    ] = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Recompute the audit log's hash chain and the content hashes of completed inspections and approved
    lists; exit 1 naming the first entry or record that was edited, inserted or deleted."""
    from tekseru.services import audit

    words = Words(chosen(lang))
    with opened_database(db) as database:
        report = audit.verify(database, cli_actor(), anchor=anchor)
    if report.ok:
        Console(soft_wrap=True, highlight=False).print(
            words(
                "cli.audit.ok",
                entries=words.count(report.entries),
                records=words.count(report.records_checked),
                head=report.head_hash,
            )
        )
        return
    errors = errors_console()
    failed = words("cli.audit.failed", count=words.count(len(report.problems)))
    errors.print(f"[red]{escape(failed)}[/red]")
    for problem in report.problems[:PROBLEMS_SHOWN]:
        errors.print(f"[red]{escape(problem.message)}[/red]", highlight=False)
    if len(report.problems) > PROBLEMS_SHOWN:
        errors.print(words("cli.audit.more", count=words.count(len(report.problems) - PROBLEMS_SHOWN)))
    raise typer.Exit(1)
