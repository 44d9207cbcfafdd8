"""A NUL byte or another control character in an answer's comment, sent to the API, is a 422 naming the
item's row and the field, on SQLite and on PostgreSQL (which refuses NUL in text: it used to be a 500)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.web.app import create_app
from tests.api.conftest import sign_in
from tests.databases import database, database_url, postgres_server  # noqa: F401
from tests.web.support import CHEAP_PASSWORDS, OWN_BIN, USERS, seed

API = "/api/v1"


@pytest.fixture
def client(database_url: str, database: Database, tmp_path: Path) -> Iterator[TestClient]:  # noqa: F811
    # `database`: the database at database_url is one migrated already (tests/databases.py)
    app = create_app(
        Settings(database_url=database_url, attachments_dir=str(tmp_path / "files")),
        passwords=CHEAP_PASSWORDS,
    )
    seed(app.state.tekseru.database(), tmp_path)
    with TestClient(app) as client:
        yield client
    app.state.tekseru.close()


@pytest.mark.parametrize("comment", ["no\x00log", "\x1b[31mred", "tab\tand\nnew line are fine"])
def test_a_control_character_in_a_comment_is_a_422(client: TestClient, comment: str) -> None:
    inspector = sign_in(client, USERS["inspector"].username)
    header = {
        "bin": OWN_BIN,
        "kind": "preventive_control",
        "act_number": "1-ПК",
        "act_date": "2024-07-01",
        "inspectors": ["Асқаров А."],
    }
    created = inspector.send("POST", f"{API}/inspections", json=header)
    assert created.status_code == 201, created.text
    path = f"{API}/inspections/{created.json()['id']}/answers"
    body = {
        "answers": [{"item": 1, "answer": "compliant"}, {"item": 2, "answer": "required", "comment": comment}]
    }
    response = inspector.send("POST", path, json=body, headers={"Accept-Language": "en"})
    if "\n" in comment:
        assert response.status_code == 200, response.text
        return
    assert response.status_code == 422, response.text
    assert "row 2, comment: the value has the control character U+00" in response.json()["detail"]
    items = inspector.get(f"{API}/inspections/{created.json()['id']}").json()["items"]
    assert items[0]["answer"] is None


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "жауаптар, 2-жол, түсініктеме: "),
        ("ru", "ответы, строка 2, комментарий: "),
        ("en", "answers, row 2, comment: "),
    ],
)
def test_a_422_names_the_field_by_its_label(client: TestClient, language: str, expected: str) -> None:
    """The answers of a request are no file: the problem names them and their field in the reader's words
    (never `comment`, the JSON key, in kk or ru)."""
    inspector = sign_in(client, USERS["inspector"].username)
    header = {
        "bin": OWN_BIN,
        "kind": "preventive_control",
        "act_number": "1-ПК",
        "act_date": "2024-07-01",
        "inspectors": ["Асқаров А."],
    }
    created = inspector.send("POST", f"{API}/inspections", json=header)
    assert created.status_code == 201, created.text
    path = f"{API}/inspections/{created.json()['id']}/answers"
    body = {
        "answers": [{"item": 1, "answer": "compliant"}, {"item": 2, "answer": "required", "comment": "x\x00"}]
    }
    response = inspector.send("POST", path, json=body, headers={"Accept-Language": language})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert expected in detail, detail
    if language != "en":
        assert not re.search(r"\b(?:answers|comment|answer|row)\b", detail), detail
