"""`tekseru backtest` and `tekseru demo --history`: how well the order finds violations, replayed from the
stored history (docs/backtesting.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tekseru.cli.actors import cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail, opened_database
from tekseru.cli.language import LangOption, Words, chosen
from tekseru.cli.tables import print_table
from tekseru.planning.backtest import DEFAULT_FIRST_N, DEFAULT_SEED

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.planning import HalfYear


class BacktestFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    XLSX = "xlsx"


def backtest(
    start: Annotated[
        str, typer.Option("--from", metavar="HALF_YEAR", help="The first half-year, e.g. 2024-H1.")
    ],
    end: Annotated[str, typer.Option("--to", metavar="HALF_YEAR", help="The last half-year, e.g. 2026-H1.")],
    output_format: Annotated[BacktestFormat, typer.Option("--format", help="table, json or xlsx.")] = (
        BacktestFormat.TABLE
    ),
    first_n: Annotated[int, typer.Option("--first-n", help="The first visits counted in each half-year.")] = (
        DEFAULT_FIRST_N
    ),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random baseline order.")] = DEFAULT_SEED,
    lang: LangOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="Where to write (default: backtest-FROM-TO.xlsx)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Replay the half-years FROM..TO from stored data and compare the risk order with the baselines."""
    from tekseru.documents.backtest_tables import backtest_tables
    from tekseru.documents.backtest_xlsx import render_backtest_xlsx
    from tekseru.i18n import format_half_year
    from tekseru.services.backtest import run_backtest

    words = Words(chosen(lang))
    with opened_database(db) as database, _errors(words):
        report = run_backtest(
            database,
            cli_actor(),
            start=_half_year(start),
            end=_half_year(end),
            first_n=first_n,
            seed=seed,
            catalogue=cli_catalogue(),
        )
    if output_format is BacktestFormat.JSON:
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
            Console(soft_wrap=True).print(escape(words("backtest.written", path=str(output))))
        return
    if output_format is BacktestFormat.XLSX:
        target = output or Path(f"backtest-{start.strip()}-{end.strip()}.xlsx")
        render_backtest_xlsx(report, language=words.language, out=target)
        Console(soft_wrap=True).print(escape(words("backtest.written", path=str(target))))
        return
    console = Console(soft_wrap=True, highlight=False)
    heading = words(
        "backtest.heading",
        start=format_half_year(_half_year(start), words.language),
        end=format_half_year(_half_year(end), words.language),
        n=first_n,
        seed=seed,
    )
    console.print(f"[bold]{escape(heading)}[/bold]")
    for table in backtest_tables(report, words.language):
        shown = Table(title=escape(table.title), title_justify="left")
        for heading_text in table.headings:
            shown.add_column(escape(heading_text), overflow="fold")
        for row in table.rows:
            shown.add_row(*(escape(cell) for cell in row))
        print_table(console, shown)


def _half_year(text: str) -> HalfYear:
    from tekseru.planning import HalfYear, InvalidHalfYear
    from tekseru.services.backtest import BacktestError

    try:
        return HalfYear.parse(text)
    except InvalidHalfYear:
        raise BacktestError("backtest.error.half_year", f"{text!r} is not a half-year", value=text) from None


@contextmanager
def _errors(words: Words) -> Iterator[None]:
    from tekseru.services.backtest import BacktestError
    from tekseru.services.permissions import PermissionDenied

    try:
        yield
    except BacktestError as error:
        fail(error, words.language)
    except PermissionDenied:
        fail(words("backtest.error.denied"))


def demo_history(language: str, db: str | None, seed: int | None, by: str | None = None) -> None:
    """`tekseru demo --history`: write the synthetic history into an empty database and say what is next."""
    from tekseru.i18n import format_half_year_range
    from tekseru.services.backtest_history import HistoryDesign, write_history

    words = Words(language)
    design = HistoryDesign() if seed is None else HistoryDesign(seed=seed)
    console = Console(soft_wrap=True, highlight=False)
    with opened_database(db) as database:
        loaded = write_history(database, design, actor=cli_actor(by), catalogue=cli_catalogue())
    if not loaded.loaded:
        counts = {"subjects": words.count(loaded.subjects), "evidence": words.count(loaded.evidence)}
        fail(words("backtest.history.not_empty", **counts))  # a refusal: on standard error, exit code 1
    first, last = str(loaded.half_years[0]), str(loaded.half_years[-1])
    console.print(
        escape(
            words(
                "polish.history.loaded",
                subjects=words.count(loaded.subjects),
                evidence=words.count(loaded.evidence),
                inspections=words.count(loaded.inspections),
                lists=words.count(loaded.lists),
                range=format_half_year_range(loaded.half_years[0], loaded.half_years[-1], language),
            )
        )
    )
    console.print(escape(words("backtest.history.next", start=first, end=last)))
