"""While another process holds SQLite's write lock for longer than a connection waits (a large import,
say), a change answers 503 with Retry-After and a message saying to try again, not 500; nothing changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import database as store_database
from tekseru.web.app import create_app
from tekseru.web.pages import registry
from tests.web.support import CHEAP_PASSWORDS, create_user
from tests.web.test_auth_pages import login_form

PASSWORD = "busy-password-1"


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(store_database, "BUSY_TIMEOUT_MS", 200)  # before the app's connections exist
    app = create_app(Settings().with_database_path(tmp_path / "busy.sqlite3"), passwords=CHEAP_PASSWORDS)
    database = app.state.tekseru.database()
    create_user(database, Actor.system("t"), username="clerk", full_name="", role="viewer", password=PASSWORD)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def write_lock_taken(tmp_path: Path) -> Iterator[None]:
    other = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_the_api_answers_503_and_the_sign_in_works_afterwards(client: TestClient, tmp_path: Path) -> None:
    login = {"username": "clerk", "password": PASSWORD}
    other = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    refused = client.post("/api/v1/auth/login", json=login)
    other.execute("ROLLBACK")
    other.close()
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
    detail = refused.json()["detail"]
    assert "дерекқор бос емес" in detail and "ештеңе өзгерген жоқ" in detail
    assert "tekseru_session" not in refused.cookies
    assert client.post("/api/v1/auth/login", json=login).status_code == 200


def test_a_page_says_so_in_the_readers_language(client: TestClient, write_lock_taken: None) -> None:
    token = login_form(client, "/login")
    data = {"username": "clerk", "password": PASSWORD, "csrf_token": token, "next": "/"}
    page = client.post("/login?lang=ru", data=data, follow_redirects=False)
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    assert "База данных занята" in page.text


@pytest.mark.parametrize(
    ("lang", "title"), [("kk", "Дерекқорға қосылу мүмкін емес"), ("ru", "База данных недоступна")]
)
def test_a_database_gone_is_not_called_busy(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, lang: str, title: str
) -> None:
    """The server cut the connection (PostgreSQL's administrator shutdown): the page says the database
    cannot be reached, not that other work is writing to it."""

    def cut(*_: object, **__: object) -> None:
        raise OperationalError("SELECT 1", {}, psycopg.errors.AdminShutdown("terminating connection"))

    token = login_form(client, "/login")
    data = {"username": "clerk", "password": PASSWORD, "csrf_token": token, "next": "/"}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    monkeypatch.setattr(registry, "search", cut)
    page = client.get(f"/registry?lang={lang}")
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    assert (
        title in page.text and "База данных занята" not in page.text and "Дерекқор бос емес" not in page.text
    )
