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


@pytest.mark.parametrize(
    ("language", "subject", "refusal"),
    [("kk", "бақылау субъектісі", "жарамсыз БСН"), ("ru", "субъект контроля", "недействительный БИН")],
)
def test_a_subjects_account_is_bound_to_its_bins(
    tmp_path: Path, language: str, subject: str, refusal: str
) -> None:
    from tekseru.catalog.identifiers import demo_bins
    from tekseru.services.accounts import get_user
    from tekseru.services.permissions import Actor
    from tekseru.store import open_database

    bins = list(demo_bins(2, prefix="1901500"))
    path = tmp_path / "users.sqlite3"
    db = ["--db", str(path), "--lang", language]
    runner = CliRunner(env={"COLUMNS": "200"})
    made = runner.invoke(
        users_commands.app,
        ["create", "meyirim", "--role", "subject", "--bin", bins[0], "--bin", bins[1], *db],
    )
    assert made.exit_code == 0, made.output
    assert subject in runner.invoke(users_commands.app, ["list", *db]).output.lower()
    bad = runner.invoke(
        users_commands.app, ["create", "other", "--role", "subject", "--bin", "123456789012", *db]
    )
    assert bad.exit_code == 1 and refusal in bad.output
    database = open_database(f"sqlite:///{path}")
    try:
        assert get_user(database, Actor.system(), "meyirim").bins == tuple(sorted(bins))
    finally:
        database.close()
