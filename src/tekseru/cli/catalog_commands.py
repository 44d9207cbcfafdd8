"""`tekseru catalog ...`: read the act's catalogue in Kazakh, Russian or English."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from tekseru.catalog import CatalogueEdition, Severity, UnknownCatalogueEntry, load_catalogue
from tekseru.catalog.diff import diff_editions
from tekseru.catalog.export import export_edition

app = typer.Typer(
    help="Read the legal catalogue: criteria, checklists, groups, editions.", no_args_is_help=True
)


def console() -> Console:
    # Made per call, so the width follows the terminal (and COLUMNS) at the time of the command.
    return Console()


class Language(StrEnum):
    kk = "kk"
    ru = "ru"
    en = "en"


class ExportFormat(StrEnum):
    json = "json"


EditionOption = typer.Option(None, "--edition", help="Edition id (default: the one in force on --on).")
OnOption = typer.Option(None, "--on", help="Date (YYYY-MM-DD) whose edition to read (default: today).")
LanguageOption = typer.Option(Language.kk, "--lang", help="kk is official; ru and en are unofficial.")


def _edition(edition_id: str | None, on: str | None) -> CatalogueEdition:
    catalogue = load_catalogue()
    try:
        if edition_id:
            return catalogue.edition(edition_id)
        return catalogue.edition_at(date.fromisoformat(on) if on else date.today())
    except (LookupError, ValueError) as error:
        raise typer.BadParameter(str(error)) from error


def _notice(edition: CatalogueEdition, language: Language) -> None:
    if language != Language.kk:
        console().print(f"[dim]{edition.edition.unofficial_translation_notice.in_language(language)}[/dim]")


@app.command()
def criteria(
    lang: Language = LanguageOption,
    severity: Severity | None = typer.Option(None, "--severity", help="gross, significant or minor."),
    source_group: int | None = typer.Option(None, "--source-group", min=1, max=4, help="Information source."),
    edition: str | None = EditionOption,
    on: str | None = OnOption,
) -> None:
    """List the subjective criteria of Appendix 1."""
    chosen = _edition(edition, on)
    table = Table(title=f"Appendix 1 — edition {chosen.id}", show_lines=True)
    for column in ("No.", "Source", "Severity", "Criterion"):
        table.add_column(column, overflow="fold")
    for criterion in chosen.criteria_where(severity=severity, source_group=source_group):
        table.add_row(
            str(criterion.number),
            str(criterion.source_group),
            criterion.severity.value,
            criterion.text.in_language(lang),
        )
    console().print(table)
    _notice(chosen, lang)


@app.command()
def checklist(
    appendix: int = typer.Argument(..., help="Appendix number, 2 to 7."),
    lang: Language = LanguageOption,
    edition: str | None = EditionOption,
    on: str | None = OnOption,
) -> None:
    """Show one checklist with its items and the criterion each corresponds to."""
    chosen = _edition(edition, on)
    try:
        found = chosen.checklist(appendix)
    except UnknownCatalogueEntry as error:
        raise typer.BadParameter(str(error)) from error
    groups = ", ".join(group.key for group in chosen.groups_for_checklist(appendix))
    table = Table(
        title=f"Appendix {appendix}: {found.title.in_language(lang)}",
        caption=f"groups: {groups}",
        show_lines=True,
    )
    for column in ("No.", "Requirement", "Criterion"):
        table.add_column(column, overflow="fold")
    for item in found.items:
        table.add_row(str(item.number), item.text.in_language(lang), str(item.criterion or "—"))
    console().print(table)
    _notice(chosen, lang)


@app.command()
def groups(
    lang: Language = LanguageOption, edition: str | None = EditionOption, on: str | None = OnOption
) -> None:
    """List the control groups with their checklist and applicable criteria."""
    chosen = _edition(edition, on)
    table = Table(title=f"Control groups — edition {chosen.id}", show_lines=True)
    for column in ("Key", "Name", "Appendix", "High risk", "Applicable criteria"):
        table.add_column(column, overflow="fold")
    for group in chosen.groups.values():
        table.add_row(
            group.key,
            group.name.in_language(lang),
            str(group.checklist_appendix),
            "yes" if group.objective_high_risk else "no",
            ", ".join(map(str, group.applicable_criteria)),
        )
    console().print(table)
    _notice(chosen, lang)


@app.command()
def editions() -> None:
    """List the editions the catalogue holds and the date each takes effect."""
    for item in load_catalogue().editions:
        console().print(f"{item.id}\t{item.effective_from.isoformat()}\t{item.edition.title.en}")


@app.command()
def diff(edition_a: str = typer.Argument(...), edition_b: str = typer.Argument(...)) -> None:
    """List added, removed and changed criteria, items, groups and parameters between two editions."""
    catalogue = load_catalogue()
    try:
        result = diff_editions(catalogue.edition(edition_a), catalogue.edition(edition_b))
    except UnknownCatalogueEntry as error:
        raise typer.BadParameter(str(error)) from error
    if not result.changes:
        console().print(f"No differences between {edition_a} and {edition_b}.")
    for change in result.changes:
        console().print(str(change), highlight=False)


@app.command()
def export(
    format: ExportFormat = typer.Option(ExportFormat.json, "--format"),
    output: Path | None = typer.Option(None, "--output", help="File to write (default: standard output)."),
    edition: str | None = EditionOption,
    on: str | None = OnOption,
) -> None:
    """Export the whole edition in force as JSON."""
    document = json.dumps(export_edition(_edition(edition, on)), ensure_ascii=False, indent=2)
    if output:
        output.write_text(document + "\n", encoding="utf-8")
    else:
        typer.echo(document)
