"""What a command's `--help` offers is what the command does: every choice an option's placeholder lists
(`<xlsx|pdf>`) is the set its help text names in kk and ru, and each choice `plans export` / `plans show`
offer is taken (none refused after the help offered it)."""

from __future__ import annotations

import functools
import re
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_help_language import COMMAND_PATHS, _commands, _help
from tests.cli.test_plan_commands import invoke
from tests.databases import database, database_url, postgres_server

__all__ = ["database", "database_url", "invoke", "postgres_server"]

ROW = re.compile(r"(--[a-z][\w-]*)\s+(?:-\w\s+)?<([a-z_|]+)>\s+(.*)")
PLAIN_WORD = re.compile(r"`([a-z_]+)`")


def _offered(page: str) -> dict[str, tuple[set[str], set[str]]]:
    """Each option row with choices: the choices of its placeholder and the words its text quotes."""
    rows = {}
    for line in page.splitlines():
        found = ROW.search(line)
        if found:
            option, choices, text = found.groups()
            rows[option] = (set(choices.split("|")), set(PLAIN_WORD.findall(text)))
    return rows


@functools.cache
def _commands_by_path() -> dict[tuple[str, ...], Any]:
    """Every command of the program by its path, built once: building the whole tree again for each case
    was three quarters of this file's time."""
    return {tuple(path): command for path, command in _commands()}


def _choice_options(path: list[str]) -> set[str]:
    """The options of the command at `path` whose value is one of an enumeration's."""
    command = _commands_by_path()[tuple(path)]
    options = set()
    for param in command.params:
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, Enum) and param.opts[0].startswith("--"):
            options.add(param.opts[0])
    return options


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "tekseru")
def test_the_help_text_names_the_choices_the_option_takes(path: list[str], language: str) -> None:
    rows = _offered(_help(path, language))
    assert _choice_options(path) <= set(rows), rows
    for option, (choices, named) in rows.items():
        # A text that names no choice (`Only lists in this status.`) leaves them to the placeholder.
        assert not named or named == choices, (option, choices, named)


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("command", ["show", "export"])
def test_every_format_plans_offer_is_taken(invoke: Any, tmp_path: Path, language: str, command: str) -> None:
    choices, _ = _offered(_help(["plans", command], language))["--format"]
    assert choices >= {"xlsx", "pdf"}
    invoke("plan", "2027-H1")
    for choice in sorted(choices):
        out = tmp_path / f"list-{command}-{language}.{choice}"
        result = invoke("plans", command, "1", "--format", choice, "--lang", language, "--output", str(out))
        assert result.exit_code == 0
        if choice in {"xlsx", "pdf", "json"}:
            assert out.stat().st_size > 0, (command, choice)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_plans_export_help_offers_no_json_to_write(language: str) -> None:
    """`plans export` writes documents only: its --output text names no JSON (plans show's does)."""
    assert "JSON" not in _help(["plans", "export"], language)
    assert "JSON" in _help(["plans", "show"], language)
