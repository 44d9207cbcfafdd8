"""What one worker process changes, another's very next request sees: two apps on one database (a real
SQLite file, and PostgreSQL) stand for two workers of `tekseru serve --workers 2`. The readings every
request makes (the session and its user, the latest finished run) run on the driver's cursor
(`tekseru.store.fast_reads`) and nothing of them is kept between requests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.services import accounts
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.store.assessments import finish_run, start_run
from tests.web.support import CATALOGUE, PASSWORD, USERS, two_edition_app

API = "/api/v1"
SYSTEM = Actor.system("tests")


@pytest.fixture
def workers(database: Database, seeded: uuid.UUID, tmp_path: object) -> Iterator[tuple[FastAPI, FastAPI]]:
    url = database.url.render_as_string(hide_password=False)
    apps = tuple(two_edition_app(Settings(database_url=url, attachments_dir=str(tmp_path))) for _ in range(2))
    yield apps[0], apps[1]
    for app in apps:
        app.state.tekseru.close()


def _signed_in(app: FastAPI, role: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    answer = client.post(f"{API}/auth/login", json={"username": USERS[role].username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, answer.json()["csrf_token"]


def _with_cookies_of(app: FastAPI, client: TestClient) -> TestClient:
    """A client of `app` sending the cookies `client` was given (the same browser, another worker)."""
    other = TestClient(app)
    other.cookies.update(client.cookies)
    return other


def test_a_sign_out_in_one_worker_is_refused_by_the_other_at_once(workers: tuple[FastAPI, FastAPI]) -> None:
    first, second = workers
    client, csrf = _signed_in(first, "viewer")
    elsewhere = _with_cookies_of(second, client)
    assert elsewhere.get(f"{API}/subjects").status_code == 200
    assert client.get("/registry").status_code == 200
    assert elsewhere.post(f"{API}/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get(f"{API}/subjects").status_code == 401
    assert client.get("/registry", follow_redirects=False).status_code in (302, 303, 401)


def test_a_changed_role_or_a_deactivation_in_one_worker_is_refused_by_the_other(
    workers: tuple[FastAPI, FastAPI],
) -> None:
    first, second = workers
    client, _ = _signed_in(first, "planner")
    assert client.get(f"{API}/auth/me").json()["role"] == "planner"
    admin = second.state.tekseru.database()
    accounts.update_user(admin, SYSTEM, USERS["planner"].username, role="viewer", regions=CATALOGUE.regions)
    assert client.get(f"{API}/auth/me").status_code == 401  # the session ended with the old role
    client, _ = _signed_in(first, "planner")
    assert client.get(f"{API}/auth/me").json()["role"] == "viewer"  # the new role, read from the database
    accounts.update_user(admin, SYSTEM, USERS["planner"].username, active=False, regions=CATALOGUE.regions)
    assert client.get(f"{API}/subjects").status_code == 401


def test_a_run_finished_by_another_process_shows_on_the_next_request(
    workers: tuple[FastAPI, FastAPI], database: Database, seeded: uuid.UUID
) -> None:
    first, _ = workers
    client, _ = _signed_in(first, "viewer")
    assert client.get(f"{API}/subjects").json()["run_id"] == str(seeded)
    with database.transaction() as session:  # another process's connection finishes a newer run
        later = datetime.now(UTC) + timedelta(minutes=5)
        run = start_run(
            session,
            as_of=date(2024, 7, 1),
            edition_id="e",
            inputs_fingerprint="f",
            subjects_total=0,
            now=later,
        )
        finish_run(session, run.id, now=later)
    assert client.get(f"{API}/subjects").json()["run_id"] == str(run.id)
    page = client.get("/registry")
    assert page.status_code == 200 and "result-count" in page.text


def test_one_user_s_session_never_answers_for_another(workers: tuple[FastAPI, FastAPI]) -> None:
    """Each request reads its own session: two users signed in on one worker, each is told who they are."""
    first, second = workers
    viewer, _ = _signed_in(first, "viewer")
    inspector, _ = _signed_in(second, "inspector")
    for _ in range(2):
        for client, role in (
            (viewer, "viewer"),
            (inspector, "inspector"),
            (_with_cookies_of(first, inspector), "inspector"),
        ):
            me = client.get(f"{API}/auth/me").json()
            assert (me["username"], me["role"]) == (USERS[role].username, role)
    own = {row["region"] for row in _with_cookies_of(first, inspector).get(f"{API}/subjects").json()["items"]}
    assert own == {USERS["inspector"].region}
