"""`tekseru demo --history` and `tekseru backtest` as a planner uses them, on SQLite and PostgreSQL, in kk
and ru; bad input gets the reader's words and exit code 1, never a traceback."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from tekseru.cli import assess_commands, backtest_commands
from tekseru.services.backtest import run_backtest
from tekseru.services.permissions import Actor
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.cli.reader_language import assert_reader_language
from tests.databases import (
    DATABASE_KINDS,
    PostgresTestServer,
    database,
    database_url,
    postgres_server,
    shared_database,
)

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()
PERIOD = ("--from", "2024-H1", "--to", "2025-H1")


@functools.cache  # one app, its click commands built once (tests/conftest.py)
def root_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.command()(assess_commands.demo)
    app.command()(backtest_commands.backtest)
    return app


def invoker(database_url: str) -> Any:
    def run(*args: str, code: int = 0) -> Result:
        env = {"TEKSERU_DATABASE_URL": database_url, "COLUMNS": "200"}
        result = runner.invoke(root_app(), list(args), env=env)
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result

    return run


@pytest.fixture
def invoke(database: Database, database_url: str) -> Any:
    return invoker(database_url)


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def history_database(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: PostgresTestServer | None,
) -> Iterator[tuple[Any, Database]]:
    """One synthetic history per database kind, written once: the tests that use it only read it (the
    second `demo --history` is refused before it writes, and its test checks that nothing changed)."""
    with shared_database(request.param, tmp_path_factory.mktemp("history"), postgres_server) as (url, db):
        invoke = invoker(url)
        loaded = invoke("demo", "--history", "--seed", "5", "--lang", "kk")
        assert "Синтетикалық тарих жазылды: 120 субъект" in loaded.stdout
        # the range in the cases the phrase needs
        assert "2024 жылғы бірінші жартыжылдықтан 2026 жылғы бірінші жартыжылдыққа дейін" in loaded.stdout, (
            loaded.stdout
        )
        assert "tekseru backtest --from 2024-H1 --to 2026-H1" in loaded.stdout
        yield invoke, db


@pytest.fixture
def history(history_database: tuple[Any, Database]) -> Any:
    return history_database[0]


def test_the_json_is_the_service_report(history_database: tuple[Any, Database]) -> None:
    history, database = history_database
    printed = json.loads(history("backtest", *PERIOD, "--first-n", "10", "--format", "json").stdout)
    report = run_backtest(
        database, Actor.system(), start="2024-H1", end="2025-H1", first_n=10, catalogue=CATALOGUE
    )
    assert printed == json.loads(json.dumps(report.to_dict()))
    assert printed["format"] == "tekseru-backtest/1" and printed["first_n"] == 10
    assert [half["half_year"] for half in printed["half_years"]] == ["2024-H1", "2024-H2", "2025-H1"]


@pytest.mark.parametrize(
    ("lang", "title", "order"),
    [
        ("kk", "Реттерді салыстыру", "tekseru тәуекел реті"),
        ("ru", "Сравнение порядков", "Порядок риска tekseru"),
    ],
)
def test_the_table_speaks_the_readers_language(history: Any, lang: str, title: str, order: str) -> None:
    shown = history("backtest", *PERIOD, "--lang", lang).stdout
    assert title in shown and order in shown
    assert_reader_language(shown)


def test_the_workbook_has_a_sheet_per_table(history: Any, tmp_path: Path) -> None:
    out = tmp_path / "figures.xlsx"
    history("backtest", *PERIOD, "--format", "xlsx", "--lang", "kk", "--output", str(out))
    workbook = load_workbook(out)
    assert len(workbook.sheetnames) == 5
    orders = workbook[workbook.sheetnames[0]]
    assert orders["A1"].value == "Реттерді салыстыру"
    assert orders["B4"].value == "tekseru тәуекел реті"
    assert all(cell.data_type == "s" for row in orders.iter_rows(min_row=4) for cell in row)
    # Each row is as high as its longest wrapped cell, so printed lines do not run over the next row.
    for row in orders.iter_rows(min_row=3):
        width = {cell.column_letter: orders.column_dimensions[cell.column_letter].width for cell in row}
        longest = max(len(str(cell.value or "")) / (width[cell.column_letter] - 1) for cell in row)
        assert (orders.row_dimensions[row[0].row].height or 0) >= 13 * max(1, -(-longest // 1))


def test_a_second_history_is_refused_and_nothing_changes(history: Any) -> None:
    before = history("backtest", *PERIOD, "--format", "json").stdout
    again = history("demo", "--history", "--lang", "ru", code=1)  # a refusal ends with a non-zero code
    assert "Реестр не пуст (120 субъектов" in again.stderr and not again.stdout
    assert history("backtest", *PERIOD, "--format", "json").stdout == before


@pytest.mark.parametrize(
    ("args", "lang", "words"),
    [
        (("--from", "2024-H3", "--to", "2025-H1"), "ru", "2024-H3 не полугодие"),
        (("--from", "2026-H1", "--to", "2024-H1"), "kk", "алдымен ертерек жартыжылдықты көрсетіңіз"),
        (("--from", "1990-H1", "--to", "2030-H1"), "ru", "Не более 40 полугодий за раз"),
        ((*PERIOD, "--first-n", "0"), "kk", "кемінде 1 болуы тиіс"),
    ],
)
def test_bad_input_is_refused_in_the_readers_language(
    invoke: Any, args: tuple[str, ...], lang: str, words: str
) -> None:
    refused = invoke("backtest", *args, "--lang", lang, code=1)
    assert words in refused.output
