"""A hostile import file uploaded through the web page: the job page lists its errors by row and field in
the page's language (kk, ru; en too). The app and its database are those of test_job_pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from fastapi import FastAPI

from tests.web import test_job_pages
from tests.web.conftest import SignedIn
from tests.web.htmltree import parse
from tests.web.support import OWN_BIN
from tests.web.test_job_pages import job_id, upload

# The module's own app and database (fixtures of test_job_pages).
app, seeded = test_job_pages.app, test_job_pages.seeded


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("kk", "мәнде U+0000 (NUL) басқару таңбасы бар (3-таңба)"),
        ("ru", "в значении есть управляющий символ U+0000 (NUL) (символ № 3)"),
        ("en", "the value has the control character U+0000 (NUL) at character 3"),
    ],
)
def test_the_errors_of_a_refused_file_are_in_the_page_language(
    signed_in: Callable[[str], SignedIn],
    app: FastAPI,
    seeded: uuid.UUID,
    lang: str,
    text: str,
) -> None:
    planner = signed_in("planner")
    content = f"bin,name,region,groups\n{OWN_BIN},Ақ\x00жол,astana,stationary_care\n"
    response = upload(planner, "nul.csv", content)
    assert response.status_code == 303, response.text
    app.state.tekseru.jobs().wait(job_id(response.headers["location"]), timeout=30)
    root = parse(planner.client.get(response.headers["location"] + f"?lang={lang}").text)
    [row] = root.find("table", class_="errors").find("tbody").find_all("tr")
    assert row.find("th").text == "2"
    assert "name" in row.text and text in row.text
