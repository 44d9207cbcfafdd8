"""A file with a header row and no data (tester10's walk): the import finished with "0 rows read" and
nothing else, so that it could be taken for a file imported; the job's page and the command line now say
that the file has no rows of data (kk, ru), and a file with rows does not get that note."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from tekseru.cli.main import app as cli
from tekseru.i18n import translate
from tekseru.settings import Settings
from tests.web.conftest import SignedIn
from tests.web.htmltree import parse
from tests.web.support import OWN_BIN, seed, two_edition_app
from tests.web.test_job_pages import job_id, upload


@pytest.fixture(scope="module")
def app(catalog_service: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("header-only")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "jobs.sqlite3")
    app = two_edition_app(settings, catalog_service)  # type: ignore[arg-type]
    yield app
    app.state.tekseru.close()


@pytest.fixture(scope="module")
def seeded(app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> uuid.UUID:
    return seed(app.state.tekseru.database(), tmp_path_factory.mktemp("header-only-seed"))


HEADER = "bin,criterion,source_group,observed_on,reference\n"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_job_page_says_the_file_had_no_rows(
    signed_in: Callable[[str], SignedIn], app: FastAPI, language: str
) -> None:
    planner = signed_in("planner")
    for content, said in (
        (HEADER, True),
        (HEADER + f"{OWN_BIN},3,,2024-01-01,header-only {language}\n", False),
    ):
        response = upload(planner, f"rows-{language}.csv", content, kind="import_evidence")
        app.state.tekseru.jobs().wait(job_id(response.headers["location"]), timeout=30)
        root = parse(planner.client.get(response.headers["location"] + f"?lang={language}").text)
        notes = [note.text for note in root.find_all(id="no-rows")]
        assert notes == ([translate(language, "tester10.import.no_rows")] if said else []), content


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_command_line_says_the_file_had_no_rows(tmp_path: Path, language: str) -> None:
    database = tmp_path / "cli.sqlite3"
    header_only = tmp_path / "subjects.csv"
    header_only.write_text("bin,name,region,address,groups\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", "subjects", str(header_only), "--db", str(database), "--lang", language]
    )
    assert result.exit_code == 0, result.output
    assert translate(language, "tester10.import.no_rows") in result.output.replace("\n", " ")
