"""`--lang` is taken after a group's name as after a command's (README: "every help page in kk, ru or en"):
`tekseru plans --help --lang ru` is the group's help in Russian, not a refusal "no such option --lang", and
`tekseru catalog --lang ru criteria` speaks Russian as `tekseru --lang ru catalog criteria` does."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tekseru.cli.main import COMMANDS, app, load_command

GROUPS = [name for name in COMMANDS if hasattr(load_command(name), "commands")]
USAGE = {"kk": "Қолданылуы: tekseru", "ru": "Использование: tekseru", "en": "Usage: tekseru"}


def test_there_are_groups_to_check() -> None:
    assert {"plans", "import", "catalog", "inspection"} <= set(GROUPS)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("group", GROUPS)
def test_a_groups_help_takes_lang_after_it(group: str, language: str) -> None:
    for words in ([group, "--help", "--lang", language], [group, f"--lang={language}", "--help"]):
        result = CliRunner().invoke(app, words, env={"COLUMNS": "200", "TEKSERU_LANGUAGE": "kk"})
        assert result.exit_code == 0, result.output
        assert f"{USAGE[language]} {group} " in result.output, result.output


def test_a_groups_lang_is_the_commands_language() -> None:
    runner = CliRunner()
    env = {"COLUMNS": "200", "TEKSERU_LANGUAGE": "kk"}
    after_group = runner.invoke(app, ["catalog", "--lang", "ru", "criteria", "--severity", "gross"], env=env)
    at_root = runner.invoke(app, ["--lang", "ru", "catalog", "criteria", "--severity", "gross"], env=env)
    assert after_group.exit_code == 0, after_group.output
    assert after_group.output == at_root.output
    assert "Степень нарушения" in after_group.output


def test_a_groups_lang_is_checked_when_the_command_runs() -> None:
    result = CliRunner().invoke(app, ["catalog", "--lang", "xx", "criteria"], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "xx" in result.output
