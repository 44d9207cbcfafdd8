"""Every `--help` page of the command line is in the reader's language: in kk and ru no English sentence and
no internal key is left (only what a user types as it is: the command and option names, the choices, the
setting names, file formats), the values' placeholders name a kind of value (ЖЖЖЖ-АА-КК, ФАЙЛ), never a
Python type, and every help text of the code is a message of the catalogues in kk, ru and en."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import click
import pytest
import typer
from typer.testing import CliRunner

from tekseru.cli.help_words import command_key, option_keys
from tekseru.cli.main import COMMANDS, app, load_command
from tekseru.i18n import messages
from tests.cli.reader_language import reader_problems

# Names of formats, products and protocols a kk or ru help page writes as they are written everywhere.
PROPER_NAMES = {"CSV", "XLSX", "PDF", "JSON", "DOCX", "JPEG", "PNG", "TXT", "SQLite", "PostgreSQL", "HTTP"}
PROPER_NAMES |= {"API", "TCP", "PAdES", "CMS", "PEM", "DER", "PKCS", "QR", "SMTP", "Ctrl", "UTF", "Windows"}
TYPE_NAMES = re.compile(r"<(?:str|int|float|bool|file|path)\b|list\[|%[YmdHMS]|\bdatetime\b|\brange>")


def _commands() -> Iterator[tuple[list[str], Any]]:
    root = typer.main.get_command(app)
    yield [], root
    for name in COMMANDS:
        command = load_command(name)
        yield [name], command
        for sub_name, sub_command in getattr(command, "commands", {}).items():
            yield [name, sub_name], sub_command


COMMAND_PATHS = [path for path, _ in _commands()]


@functools.cache  # the same page is read by tests/cli/test_format_choices.py: rendered once per process
def _help_page(path: tuple[str, ...], language: str) -> str:
    result = CliRunner().invoke(app, ["--lang", language, *path, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


def _help(path: list[str], language: str) -> str:
    """The `--help` page of the command at `path` in `language`, as a terminal 400 columns wide shows it."""
    return _help_page(tuple(path), language)


def _typed_words(path: list[str], text: str) -> str:
    """`text` without what a user types as it is: the command's path, the sub-commands' names at the start
    of their rows, option names, the choices' placeholders, default values, setting names and what is
    quoted in backticks (a value such as `2027-H1`, a command)."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = text.replace(" ".join(["tekseru", *path]), " ")
    text = re.sub(r"(?m)^(│\s+)[a-z][\w-]*(?=\s{2})", r"\1", text)
    text = re.sub(r"<[^>\s]+>", " ", text)
    text = re.sub(r"(?<![\w-])--?[a-z][\w-]*(=[^\s`]+)?", " ", text)
    text = re.sub(r"\[[^\]:]+: [^\]]*\]", " ", text)
    return re.sub(r"\bTEKSERU_[A-Z_]+\b", " ", text)


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "tekseru")
def test_every_help_page_is_in_the_readers_language(path: list[str], language: str) -> None:
    page = _help(path, language)
    problems = reader_problems(_typed_words(path, page), PROPER_NAMES)
    assert not problems, f"{problems} in:\n{page}"
    assert not TYPE_NAMES.search(page), page


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "tekseru")
def test_english_help_names_kinds_of_values_not_python_types(path: list[str]) -> None:
    page = _help(path, "en")
    assert not TYPE_NAMES.search(page), page
    assert "Usage:" in page


def test_the_language_comes_from_the_setting_or_the_roots_lang() -> None:
    runner = CliRunner()
    by_setting = runner.invoke(app, ["plan", "--help"], env={"TEKSERU_LANGUAGE": "ru", "COLUMNS": "200"})
    assert "Использование: tekseru plan [ПАРАМЕТРЫ] {ПОЛУГОДИЕ}" in by_setting.output
    assert "ГГГГ-ММ-ДД" in by_setting.output
    by_default = runner.invoke(app, ["plan", "--help"], env={"TEKSERU_LANGUAGE": None, "COLUMNS": "200"})
    assert "Қолданылуы: tekseru plan [ОПЦИЯЛАР] {ЖАРТЫЖЫЛДЫҚ}" in by_default.output
    assert "ЖЖЖЖ-АА-КК" in by_default.output
    by_root = runner.invoke(app, ["--lang", "en", "plan", "--help"], env={"TEKSERU_LANGUAGE": "ru"})
    assert "Usage: tekseru plan [OPTIONS] {HALF_YEAR}" in by_root.output
    assert "YYYY-MM-DD" in by_root.output


def _helped() -> Iterator[tuple[list[str], str | None, str]]:
    """Every command's and parameter's help text of the code: (command path, parameter or None, text)."""
    for path, command in _commands():
        yield path, None, command.help or ""
        for param in command.get_params(click.Context(command)):
            if getattr(param, "help", None):
                yield path, param.name, param.help


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_help_text_is_a_message(language: str) -> None:
    """The English text of each message is the code's (so the kk and ru texts translate what the command
    does now), and each is translated."""
    english, words = messages("en"), messages(language)
    wrong = []
    for path, name, text in _helped():
        keys = [command_key(path)] if name is None else list(option_keys(path, name))
        key = next((key for key in keys if key in english), None)
        if key is None or " ".join(english[key].split()) != " ".join(text.split()) or not words.get(key):
            wrong.append((" ".join(path), name, key))
    assert not wrong, wrong
