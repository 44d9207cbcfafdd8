"""A command's `--help` costs what `tekseru --help` does (issue 18): it imports none of what only running the
command needs. `tekseru plan --help` took 2 s of CPU when the plan module imported the whole plan stack (the
database, the scoring core, the documents) at its top; the modules now import them inside the commands."""

from __future__ import annotations

import json
import subprocess
import sys

# What running a command needs and its help must not: the database, the web, the documents, the act's
# catalogue, the settings, NumPy and pydantic (Typer imports it to convert a given option's value).
HEAVY = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "fpdf",
    "openpyxl",
    "docx",
    "numpy",
    "pydantic",
    "babel.dates",
    "tekseru.settings",
    "tekseru.catalog",
    "tekseru.scoring",
    "tekseru.store",
    "tekseru.intake",
    "tekseru.documents",
    "tekseru.web",
    "tekseru.api",
    "tekseru.services.database",
    "tekseru.services.plans",
    "tekseru.services.inspections",
)

# Runs `tekseru WORDS --help` for every command and sub-command in one process and prints, for each, the
# heavy modules its help imported first.
_PROBE = """
import contextlib, io, json, sys
from tekseru.cli.main import COMMANDS, app, load_command
heavy = tuple(json.loads(sys.argv[1]))
def loaded():
    return {name for name in sys.modules if any(name == h or name.startswith(h + ".") for h in heavy)}
found = {}
def help_of(words):
    before = loaded()
    with contextlib.redirect_stdout(io.StringIO()) as shown:
        try:
            app([*words, "--help"], prog_name="tekseru")
        except SystemExit as stop:
            assert not stop.code, (words, stop.code)
    assert "--help" in shown.getvalue(), words
    found[" ".join(words)] = sorted(loaded() - before)
for name in COMMANDS:
    help_of([name])
    for sub in getattr(load_command(name), "commands", {}):
        help_of([name, sub])
print(json.dumps(found))
"""


def test_no_help_of_a_command_imports_the_database_web_documents_or_settings() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"TEKSERU_LANGUAGE": "en", "COLUMNS": "120", "PATH": ""} | _python_path(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert {"plan", "plans", "plans list", "inspection", "serve", "catalog criteria"} <= found.keys()
    assert {words: modules for words, modules in found.items() if modules} == {}


def test_a_command_help_reads_no_settings() -> None:
    """The help is shown even when a setting is bad, as the root's is; the command itself still refuses."""
    bad = {"TEKSERU_SESSION_HOURS": "twelve", "TEKSERU_LANGUAGE": "en"} | _python_path()
    shown = subprocess.run(
        [sys.executable, "-m", "tekseru", "plans", "list", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=bad,
    )
    assert shown.returncode == 0 and "--status" in shown.stdout, shown.stderr
    refused = subprocess.run(
        [sys.executable, "-m", "tekseru", "catalog", "criteria"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=bad,
    )
    assert refused.returncode == 2 and "TEKSERU_SESSION_HOURS" in refused.stderr


def test_the_severity_choices_are_the_acts() -> None:
    from tekseru.catalog import Severity
    from tekseru.cli.catalog_commands import SeverityChoice

    assert [choice.value for choice in SeverityChoice] == [severity.value for severity in Severity]


def _python_path() -> dict[str, str]:
    import os

    return {name: os.environ[name] for name in ("PYTHONPATH", "HOME") if name in os.environ}
