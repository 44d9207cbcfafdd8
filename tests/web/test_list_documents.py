"""The journey of the printed list on the demo database: a planner drafts the semi-annual list, a viewer
downloads it from the list's page as PDF and XLSX, in Kazakh and Russian, and both open and read right.

The demo's first row cites some twenty criteria; before the list printed its reasons in an annex, this
download answered HTTP 500 ("the row with index 1 is too high").
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from tekseru.services.assessments import run_assessment
from tekseru.services.demo import load_demo
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE
from tests.web.conftest import SignedIn, sign_in
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

EXPECTED = {
    "kk": (
        "Бару арқылы профилактикалық бақылау жүргізудің жартыжылдық тізімі",
        "2027 жылғы бірінші жартыжылдық",
    ),
    "ru": (
        "Полугодовой список проведения профилактического контроля с посещением",
        "первое полугодие 2027 года",
    ),
}
PAGE = {"kk": r"Бет (\d+) / (\d+)", "ru": r"Страница (\d+) из (\d+)"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, int]]:
    """The web app on a fresh demo database with a drafted list for 2027-H1; a viewer's client and the id."""
    folder = tmp_path_factory.mktemp("demo-lists")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "demo.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS)
    db = app.state.tekseru.database()
    assert load_demo(db, today=date.today(), catalogue=CATALOGUE).loaded
    run_assessment(db, catalogue=CATALOGUE, as_of=date.today())
    for username, role in (("list-planner", "planner"), ("list-viewer", "viewer")):
        create_user(
            db, Actor.system("tests"), username=username, full_name=username, role=role, password=PASSWORD
        )
    planner = TestClient(app)
    signed = SignedIn(planner, sign_in(planner, "list-planner"))
    drafted = planner.post(
        "/api/v1/plans", json={"half_year": "2027-H1"}, headers={"X-CSRF-Token": signed.csrf}
    )
    assert drafted.status_code == 201, drafted.text
    viewer = TestClient(app)
    sign_in(viewer, "list-viewer")
    yield viewer, drafted.json()["id"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_list_pdf_of_the_demo_opens_and_reads(demo: tuple[TestClient, int], language: str) -> None:
    viewer, plan_id = demo
    page = viewer.get(f"/plans/{plan_id}?lang={language}")
    assert page.status_code == 200 and f"/plans/{plan_id}/document?format=pdf" in page.text
    response = viewer.get(f"/plans/{plan_id}/document?format=pdf&lang={language}")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    title, half_year = EXPECTED[language]
    assert title in pages[0] and half_year in pages[0]
    for number, text in enumerate(pages, start=1):
        assert re.findall(PAGE[language], text) == [(str(number), str(len(pages)))]
        assert half_year in text
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (842, 595)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_list_xlsx_of_the_demo_opens_with_its_print_settings(
    demo: tuple[TestClient, int], language: str, tmp_path: Path
) -> None:
    viewer, plan_id = demo
    response = viewer.get(f"/plans/{plan_id}/document?format=xlsx&lang={language}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    first = workbook.worksheets[0]
    title, half_year = EXPECTED[language]
    values = [cell.value for cell in first["A"]]
    assert title in values and any(half_year in str(value) for value in values)
    assert first.print_title_rows and first.page_setup.orientation == "landscape"
