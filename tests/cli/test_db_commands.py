"""`tekseru db upgrade` and `tekseru db check` in Kazakh and Russian (English: tests/store/test_db_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.db_commands import app
from tekseru.store import migrate
from tests.cli.reader_language import assert_reader_language


@pytest.mark.parametrize(
    ("language", "upgraded", "match"),
    [
        ("kk", "ревизиясында", "Миграциялар модельдерге сәйкес келеді."),
        ("ru", "База данных на ревизии", "Миграции соответствуют моделям."),
    ],
)
def test_db_commands_read_in_kazakh_and_russian(
    tmp_path: Path, language: str, upgraded: str, match: str
) -> None:
    db = ["--db", str(tmp_path / "t.sqlite3"), "--lang", language]
    upgrade = CliRunner().invoke(app, ["upgrade", *db])
    assert upgrade.exit_code == 0 and upgraded in upgrade.output
    assert migrate.head_revision() in upgrade.output
    check = CliRunner().invoke(app, ["check", *db])
    assert check.exit_code == 0 and match in check.output
    for output in (upgrade.output, check.output):
        assert_reader_language(output)
