"""The `tekseru` command as a whole: a bad setting stops any sub-command with a message naming it."""

from __future__ import annotations

from typer.testing import CliRunner

from tekseru.cli.main import app


def test_a_bad_setting_is_named_without_a_traceback() -> None:
    result = CliRunner().invoke(app, ["catalog", "criteria"], env={"TEKSERU_SESSION_HOURS": "twelve"})
    assert result.exit_code == 2
    assert "TEKSERU_SESSION_HOURS" in result.output and "twelve" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_good_settings_let_the_command_run() -> None:
    result = CliRunner().invoke(app, ["catalog", "criteria"], env={"TEKSERU_SESSION_HOURS": "8"})
    assert result.exit_code == 0, result.output
    assert "1" in result.output
