"""How commands fail: a message on standard error and exit code 1, also for a database they cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tekseru.cli.failures import fail, opened_database, print_problems
from tekseru.intake.errors import ErrorKind, RowError
from tekseru.store import migrate, open_database, sqlite_url
from tekseru.store.plans import PlanFrozen
from tests.cli.reader_language import assert_reader_language


def _command(body: typer.models.CommandFunctionType) -> typer.Typer:
    app = typer.Typer()
    app.command()(body)
    return app


def test_fail_says_why_on_standard_error_and_exits_1() -> None:
    result = CliRunner().invoke(_command(lambda: fail("the [file] is empty")), [])
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (1, "", "the [file] is empty")


def test_a_database_of_a_newer_tekseru_stops_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "newer.sqlite3"
    open_database(sqlite_url(path)).close()
    monkeypatch.setattr(migrate, "is_known_revision", lambda revision: False)
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999")

    def use() -> None:
        with opened_database(path):
            raise AssertionError("the command must not run")

    result = CliRunner().invoke(_command(use), [])
    assert result.exit_code == 1 and "ол бұл tekseru нұсқасына белгісіз" in result.stderr


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "s.csv, 2-жол, region:"),  # the `language` setting: Kazakh by default
        ("ru", "s.csv, строка 2, region:"),
        ("en", "s.csv, row 2, region: unknown region 'Atlantis'"),
    ],
)
def test_problems_are_printed_in_the_chosen_language(language: str | None, expected: str) -> None:
    problem = RowError.of("s.csv", 2, "region", ErrorKind.UNKNOWN_REGION, "unknown_region", text="Atlantis")
    result = CliRunner(env={"TEKSERU_LANGUAGE": None}).invoke(
        _command(lambda: print_problems([problem, "a plain [text]"], language)), []
    )
    assert result.stderr.splitlines()[0].startswith(expected)
    assert result.stderr.splitlines()[1] == "a plain [text]"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "№ 7 тізім – бекітілген, оны енді өзгертуге болмайды: жою мүмкін емес"),  # Kazakh by default
        ("ru", "список № 7 – утверждён и уже не может меняться: удаление невозможно"),
        ("en", "plan 7 is approved and cannot change: cannot delete it"),
    ],
)
def test_a_refusal_of_a_service_is_said_in_the_chosen_language(language: str | None, expected: str) -> None:
    refused = PlanFrozen(7, "approved", "delete")
    result = CliRunner(env={"TEKSERU_LANGUAGE": None}).invoke(_command(lambda: fail(refused, language)), [])
    assert (result.exit_code, result.stderr.strip()) == (1, expected)
    if language != "en":
        assert_reader_language(result.stderr)


def test_a_refusal_without_a_message_and_hostile_markup_print_as_they_are() -> None:
    result = CliRunner().invoke(_command(lambda: fail(ValueError("[bold]x[/bold] <script>"), "ru")), [])
    assert result.stderr.strip() == "[bold]x[/bold] <script>"
