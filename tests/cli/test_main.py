"""The `tekseru` command as a whole: a bad setting stops any sub-command with a message naming it."""

from __future__ import annotations

import subprocess
import sys

import typer
from typer.testing import CliRunner

from tekseru.cli.main import COMMANDS, app, load_command


def test_a_bad_setting_is_named_without_a_traceback() -> None:
    result = CliRunner().invoke(app, ["catalog", "criteria"], env={"TEKSERU_SESSION_HOURS": "twelve"})
    assert result.exit_code == 2
    assert "TEKSERU_SESSION_HOURS" in result.output and "twelve" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_good_settings_let_the_command_run() -> None:
    result = CliRunner().invoke(app, ["catalog", "criteria"], env={"TEKSERU_SESSION_HOURS": "8"})
    assert result.exit_code == 0, result.output
    assert "1" in result.output


def test_the_root_help_lists_each_command_with_its_own_help() -> None:
    """The root help is written from `COMMANDS` without importing the modules: each name and help text
    there must be the one the module gives its command or group."""
    group = typer.main.get_group(app)
    context = typer.Context(group)
    assert group.list_commands(context) == list(COMMANDS)
    for name, (_, help_text) in COMMANDS.items():
        command = load_command(name)
        assert command.name == name
        assert command.help == help_text, name
    result = CliRunner().invoke(app, ["--lang", "en", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name, (_, help_text) in COMMANDS.items():
        assert f" {name} " in result.output
        assert help_text.split("\n")[0].split(":")[0] in result.output, name


def test_the_root_help_imports_no_command_module() -> None:
    """`tekseru --help` stays quick: no sub-command's module, the database or NumPy is imported for it."""
    code = (
        "import sys\n"
        "from tekseru.cli.main import app\n"
        "try:\n"
        "    app(['--help'], prog_name='tekseru')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('numpy', 'sqlalchemy', 'fastapi')\n"
        "loaded = [m for m in sys.modules if m.endswith('_commands') or m in heavy]\n"
        "print('LOADED', sorted(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "LOADED []" in done.stdout, done.stdout[-500:]
    assert "catalog" in done.stdout and "rosters" in done.stdout


def test_a_sub_command_runs_after_the_root_help() -> None:
    """The help's listing does not stand in for the real commands afterwards."""
    runner = CliRunner()
    assert runner.invoke(app, ["--help"]).exit_code == 0
    result = runner.invoke(app, ["catalog", "--help"])
    assert result.exit_code == 0, result.output
    assert "criteria" in result.output


def test_the_root_help_reads_no_settings_catalogue_or_scoring() -> None:
    """What made `tekseru --help` take seconds stays out of it (issue 18): the settings (pydantic), the
    act's catalogue, the scoring and planning packages, and Babel's `.po` parser (the catalogues of the
    interface's words are read by tekseru.i18n.po_files)."""
    code = (
        "import sys\n"
        "from tekseru.cli.main import app\n"
        "try:\n"
        "    app(['--help'], prog_name='tekseru')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pydantic', 'tekseru.settings', 'tekseru.catalog', 'tekseru.scoring', 'tekseru.planning',\n"
        "         'babel.messages.pofile', 'babel.dates')\n"
        "print('LOADED', sorted(m for m in sys.modules if m in heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "LOADED []" in done.stdout, done.stdout[-500:]


def test_the_language_of_a_refusal_is_read_as_the_settings_read_it() -> None:
    """`language_in` reads the language setting without importing the settings: its variable and default
    are the settings' own."""
    from tekseru.cli.reader import LANGUAGE_VARIABLE, SETTINGS_FILE, language_in
    from tekseru.i18n import DEFAULT_LANGUAGE
    from tekseru.settings import ENV_FILE, Settings, environment_variable

    assert environment_variable("language") == LANGUAGE_VARIABLE and ENV_FILE == SETTINGS_FILE
    assert Settings.model_fields["language"].default == DEFAULT_LANGUAGE
    assert language_in(["catalog", "--lang", "ru"]) == "ru"
