"""`tekseru demo` ends by suggesting `tekseru explain BIN --lang ...` in the reader's own language: it said
`--lang ru` to every reader, a Kazakh one included (tester finding 1 of the session of 2026-12-07)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.main import app
from tests.databases import migrated_sqlite_file


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_suggested_explain_command_is_in_the_readers_language(tmp_path: Path, language: str) -> None:
    database = tmp_path / "tekseru.sqlite3"
    shutil.copyfile(migrated_sqlite_file(), database)
    env = {"TEKSERU_DATABASE_URL": f"sqlite:///{database}", "COLUMNS": "200"}
    done = CliRunner().invoke(app, ["demo", "--lang", language], env=env)
    assert done.exit_code == 0, done.output
    suggested = re.findall(r"tekseru explain \d{12}( --db \S+)? --lang (\w+)", done.output)
    assert [lang for _, lang in suggested] == [language]
