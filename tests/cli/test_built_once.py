"""The tests build the click commands of an app once (tests/conftest.py), as the `tekseru` program does per
process: an invocation after another gets the same command, and what it prints is still its own (its
language, its options), never the previous invocation's."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from tekseru.cli.main import app
from tests.conftest import built_command


def test_an_app_is_built_once_and_each_run_says_its_own_words() -> None:
    runner = CliRunner()
    pages = {}
    for language in ("ru", "kk", "en", "ru"):
        result = runner.invoke(app, ["--lang", language, "plans", "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        pages.setdefault(language, result.output)
        assert result.output == pages[language]  # ru again: as the first time
    assert len(set(pages.values())) == 3
    assert "Usage:" in pages["en"] and "Usage:" not in pages["ru"] and "Usage:" not in pages["kk"]
    assert built_command(app) is built_command(app)
    wrong = runner.invoke(app, ["plans", "list", "--no-such-option"], env={"COLUMNS": "200"})
    assert wrong.exit_code == 2 and "--no-such-option" in wrong.output


def test_another_app_gets_its_own_command() -> None:
    first, second = typer.Typer(), typer.Typer()
    first.command("hello")(lambda: print("first"))
    second.command("hello")(lambda: print("second"))
    assert CliRunner().invoke(first, []).stdout == "first\n"
    assert CliRunner().invoke(second, []).stdout == "second\n"
    assert built_command(first) is not built_command(second)
