"""The SQLite file deleted or replaced under a running server (a mistaken `rm`, a backup copied in by hand):
pages and the API answer 503 in the reader's language, not 500, and accept no change into the deleted
file; the server answers again, from the file put back, without a restart."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tekseru.i18n import translate
from tekseru.services.auth import open_app_database
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.app import create_app, create_served_app
from tests.web.support import CHEAP_PASSWORDS, create_user
from tests.web.test_auth_pages import login_form

PASSWORD = "file-lost-password-1"
FILE_MISSING = {"kk": "файлы орнында жоқ", "ru": "файла нет на месте"}  # not only "its server is down"


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    return tmp_path / "lost.sqlite3"


@pytest.fixture
def client(database_file: Path) -> Iterator[TestClient]:
    app = create_app(Settings().with_database_path(database_file), passwords=CHEAP_PASSWORDS)
    database = app.state.tekseru.database()
    create_user(database, Actor.system("t"), username="clerk", full_name="", role="admin", password=PASSWORD)
    with TestClient(app, raise_server_exceptions=False) as client:
        token = login_form(client, "/login")
        data = {"username": "clerk", "password": PASSWORD, "csrf_token": token, "next": "/"}
        assert client.post("/login", data=data, follow_redirects=False).status_code == 303
        yield client


def _copy(source: Path, target: Path) -> None:
    """A consistent copy, as `tekseru backup` makes it (SQLite's backup API)."""
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    writing.close()
    reading.close()


def _delete(database_file: Path) -> None:
    """What an administrator deletes: the file and its write-ahead log."""
    for name in ("", "-wal", "-shm"):
        database_file.with_name(database_file.name + name).unlink(missing_ok=True)


def _token(client: TestClient) -> str:
    return client.get("/admin/users").text.split('name="csrf_token" value="')[1].split('"')[0]


def _new_user(client: TestClient, username: str, token: str) -> int:
    data = {"username": username, "full_name": "", "role": "viewer", "csrf_token": token}
    return client.post("/admin/users", data=data, follow_redirects=False).status_code


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pages_and_the_api_say_the_database_is_gone_then_answer_again(
    client: TestClient, database_file: Path, tmp_path: Path, lang: str
) -> None:
    assert client.get(f"/registry?lang={lang}").status_code == 200
    _copy(database_file, tmp_path / "backup.sqlite3")
    _delete(database_file)
    said = translate(lang, "refusal.database.lost")
    for path in ("/registry", "/", "/admin/audit"):
        page = client.get(f"{path}?lang={lang}")
        assert page.status_code == 503 and page.headers["Retry-After"] == "60", path
        assert said in page.text and FILE_MISSING[lang] in page.text and "Traceback" not in page.text
        assert f'<html lang="{lang}">' in page.text and translate(lang, "error.503_lost.title") in page.text
    answer = client.get(f"/api/v1/subjects?lang={lang}")
    assert answer.status_code == 503 and answer.json() == {"detail": said}
    assert not database_file.exists()  # no empty database was made in its place
    _copy(tmp_path / "backup.sqlite3", database_file)
    assert client.get(f"/registry?lang={lang}").status_code == 200
    assert client.get(f"/api/v1/subjects?lang={lang}").status_code == 200


def test_a_change_is_not_accepted_into_the_deleted_file(client: TestClient, database_file: Path) -> None:
    _copy(database_file, database_file.with_name("backup.sqlite3"))
    token = _token(client)
    _delete(database_file)
    assert _new_user(client, "ghost", token) == 503
    _copy(database_file.with_name("backup.sqlite3"), database_file)
    users = client.get("/api/v1/users").json()
    assert "ghost" not in str(users)


def test_a_file_replaced_by_a_backup_is_the_one_read(client: TestClient, database_file: Path) -> None:
    """The server reads the file now at the path, not the one deleted from under it."""
    backup = database_file.with_name("backup.sqlite3")
    _copy(database_file, backup)
    assert _new_user(client, "after-backup", _token(client)) == 200
    assert "after-backup" in str(client.get("/api/v1/users").json())
    _delete(database_file)
    _copy(backup, database_file)
    assert "after-backup" not in str(client.get("/api/v1/users").json())


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_server_worker_makes_no_new_database_in_place_of_the_deleted_one(tmp_path: Path, lang: str) -> None:
    """`serve --workers 2`: a worker that had answered nothing yet when the file was deleted refuses too,
    rather than make an empty database with a new first admin that the other workers would then read."""
    database_file = tmp_path / "served.sqlite3"
    settings = Settings().with_database_path(database_file)
    database = open_app_database(settings)  # what `serve` does before it starts the workers
    create_user(database, Actor.system("t"), username="clerk", full_name="", role="admin", password=PASSWORD)
    database.close()
    app = create_served_app(settings)
    _delete(database_file)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get(f"/public/lists?lang={lang}")
    assert page.status_code == 503 and translate(lang, "refusal.database.lost") in page.text
    assert not database_file.exists()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_file_replaced_by_one_that_is_no_database(
    client: TestClient, database_file: Path, tmp_path: Path, lang: str
) -> None:
    """Another file copied over the database (a damaged copy, the wrong file): 503, not 500; the server
    answers again once the database is back."""
    _copy(database_file, tmp_path / "backup.sqlite3")
    _delete(database_file)
    database_file.write_bytes(bytes(range(256)) * 400)
    page = client.get(f"/registry?lang={lang}")
    assert page.status_code == 503 and translate(lang, "refusal.database.lost") in page.text
    answer = client.get(f"/api/v1/subjects?lang={lang}")
    assert answer.status_code == 503 and answer.json() == {"detail": translate(lang, "refusal.database.lost")}
    _delete(database_file)
    _copy(tmp_path / "backup.sqlite3", database_file)
    assert client.get(f"/registry?lang={lang}").status_code == 200
