"""`tekseru catalog ...`: read the act's catalogue in Kazakh, Russian or English."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.clock import cli_today
from tekseru.cli.language import Language, LanguageOption, Words, chosen
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.catalog import CatalogueEdition


app = typer.Typer(
    help="Read the legal catalogue: criteria, checklists, groups, editions.", no_args_is_help=True
)


def console() -> Console:
    # Made per call, so the width follows the terminal (and COLUMNS) at the time of the command.
    return Console()


class ExportFormat(StrEnum):
    json = "json"


class SeverityChoice(StrEnum):
    """The act's degrees of violation (`tekseru.catalog.Severity`) as `--severity` offers them, named here so
    that a command's `--help` does not import the catalogue (tests/cli/test_help_imports.py)."""

    gross = "gross"
    significant = "significant"
    minor = "minor"


EditionOption = typer.Option(None, "--edition", help="Edition id (default: the one in force on --on).")
OnOption = typer.Option(None, "--on", help="Date (YYYY-MM-DD) whose edition to read (default: today).")


def _edition(edition_id: str | None, on: str | None, language: str) -> CatalogueEdition:
    from tekseru.i18n import say_error

    catalogue = cli_catalogue()
    try:
        if edition_id:
            return catalogue.edition(edition_id)
        return catalogue.edition_at(date.fromisoformat(on) if on else cli_today())
    except (LookupError, ValueError) as error:
        raise typer.BadParameter(say_error(language, error)) from error


def _words(option: Language | None) -> tuple[str, Words]:
    language = chosen(option)
    return language, Words(language)


def _notice(edition: CatalogueEdition, language: str) -> None:
    if language != Language.kk:
        console().print(f"[dim]{edition.edition.unofficial_translation_notice.in_language(language)}[/dim]")


@app.command()
def criteria(
    lang: Language | None = LanguageOption,
    severity: SeverityChoice | None = typer.Option(None, "--severity", help="gross, significant or minor."),
    source_group: int | None = typer.Option(None, "--source-group", min=1, max=4, help="Information source."),
    edition: str | None = EditionOption,
    on: str | None = OnOption,
) -> None:
    """List the subjective criteria of Appendix 1."""
    from tekseru.catalog import Severity

    language, words = _words(lang)
    found = _edition(edition, on, language)
    table = Table(title=words("cli.catalog.criteria_title", edition=found.id), show_lines=True)
    for column in ("cli.column.number", "cli.column.source", "cli.column.severity", "cli.column.criterion"):
        table.add_column(words(column), overflow="fold")
    wanted = None if severity is None else Severity(severity.value)
    for criterion in found.criteria_where(severity=wanted, source_group=source_group):
        table.add_row(
            str(criterion.number),
            str(criterion.source_group),
            words(f"severity.{criterion.severity.value}"),
            criterion.text.in_language(language),
        )
    print_table(console(), table)
    _notice(found, language)


@app.command()
def checklist(
    appendix: int = typer.Argument(..., help="Appendix number, 2 to 7."),
    lang: Language | None = LanguageOption,
    edition: str | None = EditionOption,
    on: str | None = OnOption,
) -> None:
    """Show one checklist with its items and the criterion each corresponds to."""
    from tekseru.catalog import UnknownCatalogueEntry
    from tekseru.i18n import say_error

    language, words = _words(lang)
    read = _edition(edition, on, language)
    try:
        found = read.checklist(appendix)
    except UnknownCatalogueEntry as error:
        raise typer.BadParameter(say_error(language, error)) from error
    groups = "; ".join(group.name.in_language(language) for group in read.groups_for_checklist(appendix))
    table = Table(
        title=words(
            "cli.catalog.checklist_title", appendix=appendix, title=found.title.in_language(language)
        ),
        caption=words("cli.catalog.checklist_groups", groups=groups),
        show_lines=True,
    )
    for column in ("cli.column.number", "cli.column.requirement", "cli.column.criterion"):
        table.add_column(words(column), overflow="fold")
    for item in found.items:
        table.add_row(str(item.number), item.text.in_language(language), str(item.criterion or "—"))
    print_table(console(), table)
    _notice(read, language)


@app.command()
def groups(
    lang: Language | None = LanguageOption, edition: str | None = EditionOption, on: str | None = OnOption
) -> None:
    """List the control groups with their checklist and applicable criteria."""
    language, words = _words(lang)
    found = _edition(edition, on, language)
    table = Table(title=words("cli.catalog.groups_title", edition=found.id), show_lines=True)
    columns = ("name", "group_key", "appendix", "objective_high_risk", "applicable_criteria")
    for column in columns:
        table.add_column(words(f"cli.column.{column}"), overflow="fold")
    for group in found.groups.values():
        table.add_row(
            group.name.in_language(language),
            group.key,
            str(group.checklist_appendix),
            words.yes_no(group.objective_high_risk),
            ", ".join(map(str, group.applicable_criteria)),
        )
    print_table(console(), table)
    _notice(found, language)


@app.command()
def editions(lang: Language | None = LanguageOption) -> None:
    """List the editions the catalogue holds and the date each takes effect."""
    from tekseru.i18n import format_date

    language, words = _words(lang)
    for item in cli_catalogue().editions:
        line = words(
            "cli.catalog.edition_line",
            edition=item.id,
            date=format_date(item.effective_from, language),
            title=item.edition.title.in_language(language),
        )
        console().print(line, highlight=False)


@app.command()
def diff(
    edition_a: str = typer.Argument(...),
    edition_b: str = typer.Argument(...),
    lang: Language | None = LanguageOption,
) -> None:
    """List added, removed and changed criteria, items, groups and parameters between two editions."""
    from tekseru.catalog import UnknownCatalogueEntry
    from tekseru.catalog.diff import diff_editions
    from tekseru.i18n import say_error

    catalogue = cli_catalogue()
    try:
        result = diff_editions(catalogue.edition(edition_a), catalogue.edition(edition_b))
    except UnknownCatalogueEntry as error:
        raise typer.BadParameter(say_error(chosen(lang), error)) from error
    words = _words(lang)[1]
    if not result.changes:
        console().print(words("cli.catalog.no_differences", first=edition_a, second=edition_b))
    for change in result.changes:  # said as the web page says them (the fields are the data's own names)
        detail = f" ({', '.join(change.fields)})" if change.fields else ""
        kind = words(f"diff.kind.{change.kind.replace(' ', '_')}")
        console().print(
            f"{words(f'diff.change.{change.change}')}: {kind} {change.key}{detail}", highlight=False
        )


@app.command()
def export(
    format: ExportFormat = typer.Option(
        ExportFormat.json, "--format", help="json: the edition as one JSON document (the only format)."
    ),
    output: Path | None = typer.Option(None, "--output", help="File to write (default: standard output)."),
    edition: str | None = EditionOption,
    on: str | None = OnOption,
    lang: Language | None = LanguageOption,
) -> None:
    """Export the whole edition in force as JSON."""
    from tekseru.catalog.export import export_edition
    from tekseru.i18n import format_date

    language, words = _words(lang)
    exported = _edition(edition, on, language)
    document = json.dumps(export_edition(exported), ensure_ascii=False, indent=2)
    if output:
        output.write_text(document + "\n", encoding="utf-8")
        since = format_date(exported.effective_from, language)
        said = words("lang13.catalog.exported", since=since, path=output)
        Console(soft_wrap=True).print(said, markup=False, highlight=False)
    else:
        typer.echo(document)
