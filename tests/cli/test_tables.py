"""No table of the command line cuts a word with "…", in an 80-column terminal or a 120-column one, in
Kazakh and in Russian: every word of every cell is printed whole (`tekseru.cli.tables.print_table`). In an
80-column terminal rich used to shrink the columns of `plans list` to "Жарты…", "Мәрте…" and the names in
`plans show` to "«Бақ…"."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator

import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

from tekseru.catalog_files import load_catalogue
from tekseru.cli.main import app
from tekseru.cli.tables import print_table
from tekseru.services import plans
from tekseru.services.permissions import Actor
from tekseru.store import open_database
from tests.databases import migrated_sqlite_file

WIDTHS = (80, 120)
LONG = "Үйде қызмет көрсету жағдайларында арнаулы әлеуметтік қызметтердің кепілдік берілген көлемін ұсынатын"


def printed(table: Table, width: int) -> str:
    out = io.StringIO()
    print_table(Console(file=out, width=width, soft_wrap=True, color_system=None), table)
    return out.getvalue()


def words_of(*texts: str) -> set[str]:
    return {word for text in texts for word in text.split()}


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_every_word_of_every_cell_is_printed_whole(width: int) -> None:
    table = Table("№", "Атауы", "Өңір", "Бақылау топтары", "Балл", "Тәуекел дәрежесі", "Ай")
    rows = [
        ("1", "«Бақыт» үйде әлеуметтік қызмет көрсету", "Ақмола облысы", LONG, "100", "Жоғары", "Қаңтар"),
        ("2", "Шапағат", "Абай облысы", "Жергілікті атқарушы органдар", "12,50", "Төмен", "Ақпан"),
    ]  # fmt: skip
    for row in rows:
        table.add_row(*row)
    shown = printed(table, width)
    assert "…" not in shown
    assert words_of(*(cell for row in rows for cell in row)) <= words_of(shown)
    # wide enough for the longest words side by side: a table; else a block of "heading: value" per row
    assert ("┃" in shown) is (width > 40) and ("Атауы: «Бақыт»" in shown) is (width == 40)


def test_a_table_that_fits_stays_a_table() -> None:
    table = Table("№", "Атауы")
    table.add_row("1", "Шапағат үйі")
    assert "┃ Атауы" in printed(table, 80) or "│ Атауы" in printed(table, 80)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo database with the list of 2027-H1 formed; its URL."""
    database = tmp_path_factory.mktemp("tables") / "tekseru.sqlite3"
    shutil.copyfile(migrated_sqlite_file(), database)
    url = f"sqlite:///{database}"
    for args in (["demo", "--lang", "ru"], ["plan", "2027-H1", "--lang", "ru"]):
        done = CliRunner().invoke(app, args, env={"TEKSERU_DATABASE_URL": url, "COLUMNS": "200"})
        assert done.exit_code == 0, done.output
    yield url


def run(url: str, width: int, *args: str) -> str:
    done = CliRunner().invoke(app, list(args), env={"TEKSERU_DATABASE_URL": url, "COLUMNS": str(width)})
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_lists_and_the_catalogue_print_every_word(demo: str, width: int, language: str) -> None:
    catalogue = load_catalogue()
    database = open_database(demo)
    try:
        stored = plans.get_plan(database, Actor.system("tests"), 1)
    finally:
        database.close()
    edition = catalogue.edition(stored.record.edition_id)
    shown = run(demo, width, "plans", "show", "1", "--lang", language)
    rows = stored.plan.included
    names = [row.name for row in rows]
    groups = [edition.groups[key].name.in_language(language) for row in rows for key in row.groups]
    regions = [catalogue.regions.name_of(row.region, language) for row in rows]
    assert "…" not in shown and words_of(*names, *groups, *regions) <= words_of(shown)
    criteria = run(demo, width, "catalog", "criteria", "--lang", language)
    texts = [criterion.text.in_language(language) for criterion in edition.criteria.values()]
    assert "…" not in criteria and words_of(*texts) <= words_of(criteria)
    for command in (
        ["plans", "list"],
        ["assess"],
        ["explain", rows[0].bin],
        ["catalog", "groups"],
        ["users", "list"],
    ):
        assert "…" not in run(demo, width, *command, "--lang", language), command
