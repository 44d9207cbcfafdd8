"""`tekseru users` in Kazakh and Russian: roles and regions in words, never their keys (English: see
tests/web/test_serve_command.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli import users_commands
from tests.cli.reader_language import assert_reader_language


@pytest.mark.parametrize(
    ("language", "created", "inspector", "region", "password"),
    [
        ("kk", "жасалды", "Инспектор", "Шығыс Қазақстан облысы", "Құпиясөз: "),
        ("ru", "Создан пользователь", "Инспектор", "Восточно-Казахстанская область", "Пароль: "),
    ],
)
def test_users_read_in_kazakh_and_russian(
    tmp_path: Path, language: str, created: str, inspector: str, region: str, password: str
) -> None:
    db = ["--db", str(tmp_path / "users.sqlite3"), "--lang", language]
    runner = CliRunner(env={"COLUMNS": "200"})
    made = runner.invoke(
        users_commands.app,
        ["create", "aliya", "--role", "inspector", "--region", "east_kazakhstan", "--full-name", "Әлия", *db],
    )
    assert made.exit_code == 0, made.output
    assert created in made.output and re.search(password + r"\S+", made.output)
    listed = runner.invoke(users_commands.app, ["list", *db]).output
    assert "aliya" in listed and inspector.lower() in listed.lower() and region in listed
    reset = runner.invoke(users_commands.app, ["set-password", "aliya", *db]).output
    assert password in reset
    for output in (made.output, listed, reset):
        # the random password is not a word to read
        assert_reader_language(re.sub(password + r"\S+", "", output), "aliya")
