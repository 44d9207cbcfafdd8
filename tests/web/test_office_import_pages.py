"""Files from real offices through the import page: a Windows-1251 CSV with semicolons is imported and its
job page says how it was read; a workbook of several sheets asks which one and imports the sheet chosen
(test_office_import_browser scans the question with axe). The app and its database are those of
test_job_pages."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable

import pytest
from fastapi import FastAPI

from tekseru.catalog.identifiers import demo_bins
from tests.web import test_job_pages
from tests.web.conftest import SignedIn
from tests.web.htmltree import parse
from tests.web.support import OWN_REGION
from tests.web.test_job_pages import job_id

app, seeded = test_job_pages.app, test_job_pages.seeded
HEADER = "bin;name;region;address;groups"
# A subject of this module's own database (the shared one is left alone: the browser test only asks).
ROW = [
    next(iter(demo_bins(1, prefix="1901600"))),
    "Дом милосердия «Ёлочка»",
    OWN_REGION,
    "ул. Абая, 1",
    "home_care",
]


def workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Пояснения"
    notes.append(["Реестр субъектов"])
    data = workbook.create_sheet("Субъекты")
    data.append(HEADER.split(";"))
    data.append(ROW)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _post(planner: SignedIn, name: str, content: bytes) -> object:
    return planner.client.post(
        "/imports",
        data={"kind": "import_subjects", "csrf_token": planner.csrf},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def _finished_page(app: FastAPI, planner: SignedIn, location: str, lang: str) -> str:
    app.state.tekseru.jobs().wait(job_id(location), timeout=30)
    return str(planner.client.get(f"{location}?lang={lang}").text)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ru", "Прочитан как текст в кодировке Windows-1251, столбцы разделены: точкой с запятой."),
        ("kk", "Windows-1251 мәтіні ретінде оқылды, бағандар бөлгіші: нүктелі үтір."),
    ],
)
def test_a_windows_1251_csv_is_imported_and_the_page_says_how_it_was_read(
    signed_in: Callable[[str], SignedIn], app: FastAPI, seeded: uuid.UUID, lang: str, said: str
) -> None:
    planner = signed_in("planner")
    content = f"{HEADER}\r\n{';'.join(ROW)}\r\n".encode("cp1251")
    response = _post(planner, "реестр.csv", content)
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    root = parse(_finished_page(app, planner, response.headers["location"], lang))  # type: ignore[attr-defined]
    assert root.find(id="read-as").text == said
    assert root.find("dl", class_="facts").text.count("1") >= 1


def test_a_workbook_of_several_sheets_asks_which_one_and_imports_it(
    signed_in: Callable[[str], SignedIn], app: FastAPI, seeded: uuid.UUID
) -> None:
    planner = signed_in("planner")
    response = _post(planner, "book.xlsx", workbook())
    assert response.status_code == 200  # type: ignore[attr-defined]
    root = parse(response.text)  # type: ignore[attr-defined]
    form = root.find("form", class_="stacked")
    radios = form.find_all("input", type="radio")
    assert [radio.attrs["value"] for radio in radios] == ["Пояснения", "Субъекты"]
    fields = {i.attrs["name"]: i.attrs.get("value", "") for i in form.find_all("input", type="hidden")}
    assert fields["name"] == "book.xlsx" and fields["kind"] == "import_subjects"
    chosen = planner.client.post(
        "/imports/sheet", data=fields | {"sheet": "Субъекты"}, follow_redirects=False
    )
    assert chosen.status_code == 303, chosen.text
    page = parse(_finished_page(app, planner, chosen.headers["location"], "ru"))
    assert page.find(id="read-as").text == "Прочитан с листа «Субъекты»."
    assert "Субъекты" in page.find("dl", class_="facts").text  # the sheet among the job's facts


def test_a_forged_or_stale_upload_token_is_refused_in_the_page_language(
    signed_in: Callable[[str], SignedIn], seeded: uuid.UUID
) -> None:
    planner = signed_in("planner")
    for token, name in (("../" * 3, "book.xlsx"), (uuid.uuid4().hex, "book.xlsx"), ("a" * 32, "../x")):
        data = {
            "token": token,
            "name": name,
            "kind": "import_subjects",
            "sheet": "x",
            "csrf_token": planner.csrf,
        }
        response = planner.client.post("/imports/sheet?lang=ru", data=data, follow_redirects=False)
        assert response.status_code == 400
        assert "Загруженного файла больше нет" in response.text
