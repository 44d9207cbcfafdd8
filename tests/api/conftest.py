"""Fixtures of the API tests: the catalogue API on an empty database, and the registry API on a seeded
one (tests.web.support.seed: a user per role, subjects in two regions, evidence, an assessment)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.settings import Settings
from tests.databases import migrated_sqlite_file
from tests.web.support import PASSWORD, USERS, seed, two_edition_app


def _app(folder: Any) -> FastAPI:
    if not (folder / "tekseru.sqlite3").exists():  # a new database, migrated already
        shutil.copyfile(migrated_sqlite_file(), folder / "tekseru.sqlite3")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "tekseru.sqlite3")
    return two_edition_app(settings)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app with the packaged catalogue plus the test edition of 2030 (the 2022 edition in force)."""
    with TestClient(_app(tmp_path_factory.mktemp("api"))) as client:
        yield client


@dataclass
class Seeded:
    app: FastAPI
    run_id: uuid.UUID

    def client(self) -> TestClient:
        return TestClient(self.app)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """An app on its own database, seeded; closed (jobs waited for) at the end of the module."""
    folder = tmp_path_factory.mktemp("registry-api")
    app = _app(folder)
    run_id = seed(app.state.tekseru.database(), folder)
    yield Seeded(app, run_id)
    app.state.tekseru.close()


@dataclass
class Session:
    """A client signed in through the API with the CSRF token to send with unsafe calls."""

    client: TestClient
    csrf: str
    username: str

    def get(self, path: str, **options: Any) -> Any:
        return self.client.get(path, **options)

    def send(self, method: str, path: str, **options: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **options.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **options)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Session:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return Session(client, response.json()["csrf_token"], username)


@pytest.fixture(scope="module")
def as_role(seeded: Seeded) -> Callable[[str], Session]:
    """`as_role(role)`: a client signed in as the seeded user of the role (one per role and module)."""
    sessions: dict[str, Session] = {}

    def get(role: str) -> Session:
        if role not in sessions:
            sessions[role] = sign_in(seeded.client(), USERS[role].username)
        return sessions[role]

    return get
