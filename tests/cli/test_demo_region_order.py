"""`tekseru demo`'s table of classes by region lists the regions in the order a reader looks for them: the
catalogue's (the Kazakh alphabet) in Kazakh, alphabetical in Russian. It was sorted by code point: in
Kazakh "Ақмола" came after "Атырау" and "Қарағанды" after "Шығыс Қазақстан"; in Russian "город ..." and
"область ..." after every other (tester finding 1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.catalog_files import load_regions
from tekseru.cli.main import app
from tests.databases import migrated_sqlite_file


def _region_rows(output: str, language: str) -> list[str]:
    names = {region.name.in_language(language) for region in load_regions()}
    rows = [line.split("│")[1].strip() for line in output.splitlines() if line.startswith("│")]
    return [row for row in rows if row in names]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_regions_of_the_demo_table_are_in_reading_order(tmp_path: Path, language: str) -> None:
    database = tmp_path / "tekseru.sqlite3"
    shutil.copyfile(migrated_sqlite_file(), database)
    env = {"TEKSERU_DATABASE_URL": f"sqlite:///{database}", "COLUMNS": "200"}
    done = CliRunner().invoke(app, ["demo", "--lang", language], env=env)
    assert done.exit_code == 0, done.output
    shown = _region_rows(done.output, language)
    expected = [region.name.in_language(language) for region in load_regions().reading_order(language)]
    assert shown == [name for name in expected if name in shown] and len(shown) >= 15
    if language == "kk":
        assert shown.index("Ақмола облысы") < shown.index("Атырау облысы")
        assert shown.index("Қарағанды облысы") < shown.index("Шығыс Қазақстан облысы")
