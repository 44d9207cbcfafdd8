"""`tekseru import` is run by the one who runs the server: a file beyond a limit that is a setting is
refused naming the setting's environment variable (the web's job page says "a server setting" instead)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.main import app
from tests.databases import migrated_sqlite_file


@pytest.mark.parametrize(
    ("lang", "said"), [("kk", "TEKSERU_IMPORT_MAX_ROWS баптауы"), ("ru", "настройка TEKSERU_IMPORT_MAX_ROWS")]
)
def test_a_file_beyond_the_row_limit_names_the_setting(tmp_path: Path, lang: str, said: str) -> None:
    database = tmp_path / "tekseru.sqlite3"
    shutil.copyfile(migrated_sqlite_file(), database)
    subjects = tmp_path / "subjects.csv"
    subjects.write_text(
        "bin,name,region,address,groups\n990140000384,Мейірім үйі,abai,,stationary_care\n", encoding="utf-8"
    )
    env = {
        "TEKSERU_DATABASE_URL": f"sqlite:///{database}",
        "TEKSERU_IMPORT_MAX_ROWS": "1",
        "COLUMNS": "300",
    }
    done = CliRunner().invoke(app, ["import", "subjects", str(subjects), "--lang", lang], env=env)
    assert done.exit_code != 0
    assert said in done.output, done.output
