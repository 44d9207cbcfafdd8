"""Signing in and out through the API, the session cookie, CSRF protection and the sign-in limits."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.services import accounts, auth
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.api.conftest import Seeded, Session, sign_in
from tests.catalogue import CATALOGUE
from tests.databases import migrated_sqlite_file
from tests.web.support import CHEAP_PASSWORDS

API = "/api/v1"
PASSWORD = "a-long-password"
# with cheap argon2 costs
create_user = partial(accounts.create_user, passwords=CHEAP_PASSWORDS, regions=CATALOGUE.regions)
update_user = partial(accounts.update_user, regions=CATALOGUE.regions)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    """A fresh app and database with the users `ann` (planner) and `bob` (viewer), for one test."""
    shutil.copyfile(migrated_sqlite_file(), tmp_path / "auth.sqlite3")  # new, migrated already
    app = create_app(Settings().with_database_path(tmp_path / "auth.sqlite3"), passwords=CHEAP_PASSWORDS)
    db = app.state.tekseru.database()
    for name, role in (("ann", "planner"), ("bob", "viewer")):
        create_user(db, Actor.system(), username=name, full_name=name.title(), role=role, password=PASSWORD)
    yield app
    app.state.tekseru.close()


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    response = client.post(f"{API}/auth/login", json={"username": username, "password": password})
    return int(response.status_code)


def cookie_attributes(header: str) -> dict[str, str | bool]:
    morsel = SimpleCookie(header)["tekseru_session"]
    return {key: morsel[key] for key in ("httponly", "samesite", "secure", "path")}


def test_signing_in_gives_a_signed_http_only_cookie_and_a_csrf_token(app: FastAPI) -> None:
    client = TestClient(app)
    response = client.post(f"{API}/auth/login", json={"username": "Ann ", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["role"], body["region"]) == ("ann", "planner", None)
    assert len(body["csrf_token"]) >= 40
    attributes = cookie_attributes(response.headers["set-cookie"])
    assert attributes == {"httponly": True, "samesite": "lax", "secure": "", "path": "/"}
    token = client.cookies["tekseru_session"]
    assert "." in token and body["csrf_token"] not in token  # signed by itsdangerous, not the CSRF token
    assert client.get(f"{API}/auth/me").json()["username"] == "ann"


def test_over_https_the_cookie_is_secure(app: FastAPI) -> None:
    client = TestClient(app, base_url="https://testserver")
    response = client.post(f"{API}/auth/login", json={"username": "ann", "password": PASSWORD})
    assert cookie_attributes(response.headers["set-cookie"])["secure"] is True


def test_a_tampered_or_unknown_cookie_is_no_session(app: FastAPI) -> None:
    client = TestClient(app)
    assert login(client, "ann") == 200
    value = client.cookies["tekseru_session"]
    client.cookies.set("tekseru_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get(f"{API}/auth/me").status_code == 401
    client.cookies.set("tekseru_session", "not-signed")
    assert client.get(f"{API}/auth/me").status_code == 401


def test_wrong_password_unknown_user_and_inactive_user_are_refused_alike(app: FastAPI) -> None:
    client = TestClient(app)
    db = app.state.tekseru.database()
    update_user(db, Actor.system(), "bob", active=False)
    answers = [
        client.post(f"{API}/auth/login", json={"username": name, "password": password})
        for name, password in (("ann", "wrong-password"), ("nobody", PASSWORD), ("bob", PASSWORD))
    ]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert len({a.json()["detail"] for a in answers}) == 1


def test_five_failures_hold_up_that_account_from_that_address_only(app: FastAPI) -> None:
    db = app.state.tekseru.database()
    create_user(db, Actor.system(), username="root", full_name="Root", role="admin", password=PASSWORD)
    client = TestClient(app)
    assert [login(client, "ann", "wrong-password") for _ in range(5)] == [401] * 5
    response = client.post(f"{API}/auth/login", json={"username": "ann", "password": PASSWORD})
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 30
    assert login(client, "root") == 200  # an administrator at the same address signs in
    assert login(client, "bob") == 200
    assert login(TestClient(app, client=("10.0.0.9", 5000)), "ann") == 200


def test_nobody_holds_a_named_administrator_up_from_one_address(app: FastAPI) -> None:
    db = app.state.tekseru.database()
    create_user(db, Actor.system(), username="root", full_name="Root", role="admin", password=PASSWORD)
    attacker = TestClient(app, client=("203.0.113.5", 5000))
    answers = [login(attacker, "root", f"guess-{i}") for i in range(40)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
    assert login(TestClient(app, client=("10.0.0.7", 5000)), "root") == 200


def test_an_address_guessing_many_accounts_waits(app: FastAPI) -> None:
    sprayer = TestClient(app, client=("203.0.113.6", 5000))
    assert [login(sprayer, f"guess{i}", "wrong-password") for i in range(20)] == [401] * 20
    assert login(sprayer, "ann") == 429
    assert login(TestClient(app, client=("10.0.0.9", 5000)), "ann") == 200


def test_the_limits_hold_across_worker_processes(app: FastAPI, tmp_path: Path) -> None:
    """Two apps on one database stand for two worker processes: what one counted, the other refuses."""
    other = create_app(Settings().with_database_path(tmp_path / "auth.sqlite3"), passwords=CHEAP_PASSWORDS)
    try:
        assert [login(TestClient(app), "ann", "wrong-password") for _ in range(5)] == [401] * 5
        assert login(TestClient(other), "ann") == 429
    finally:
        other.state.tekseru.close()


def test_a_success_clears_the_failures_of_the_user_name(app: FastAPI) -> None:
    client = TestClient(app)
    assert [login(client, "ann", "wrong-password") for _ in range(3)] == [401] * 3
    assert login(client, "ann") == 200
    other_address = TestClient(app, client=("10.0.0.8", 5000))
    assert [login(other_address, "ann", "wrong-password") for _ in range(4)] == [401] * 4
    assert login(other_address, "ann") == 200


def test_the_window_passes(app: FastAPI) -> None:
    client = TestClient(app)
    db = app.state.tekseru.database()
    earlier = datetime.now(UTC) - timedelta(minutes=16)
    for _ in range(5):
        with pytest.raises(auth.LoginRefused):
            auth.log_in(
                db, "ann", "wrong-password", client="testclient", now=earlier, passwords=CHEAP_PASSWORDS
            )
    assert login(client, "ann") == 200


def test_unsafe_calls_need_the_csrf_header(app: FastAPI) -> None:
    client = TestClient(app)
    session = Session(
        client,
        client.post(f"{API}/auth/login", json={"username": "ann", "password": PASSWORD}).json()["csrf_token"],
        "ann",
    )
    body = {"as_of": "2024-06-01"}
    assert client.post(f"{API}/auth/logout").status_code == 403
    assert client.post(f"{API}/auth/logout", headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert client.post(f"{API}/assessments", json=body, headers={"X-CSRF-Token": ""}).status_code == 403
    assert session.send("POST", f"{API}/auth/logout").status_code == 204
    assert client.get(f"{API}/auth/me").status_code == 401


def test_the_login_endpoint_takes_json_only(app: FastAPI) -> None:
    # A cross-site form can post only form encodings or text/plain; the endpoint refuses both.
    client = TestClient(app)
    form = client.post(f"{API}/auth/login", data={"username": "ann", "password": PASSWORD})
    text = client.post(
        f"{API}/auth/login",
        content=b'{"username": "ann", "password": "a-long-password"}',
        headers={"Content-Type": "text/plain"},
    )
    assert (form.status_code, text.status_code) == (422, 422)


def test_logging_out_ends_the_session_for_good(app: FastAPI) -> None:
    client = TestClient(app)
    session = sign_in(client, "ann", PASSWORD)
    stolen = client.cookies["tekseru_session"]
    assert session.send("POST", f"{API}/auth/logout").status_code == 204
    replay = TestClient(app)
    replay.cookies.set("tekseru_session", stolen)
    assert replay.get(f"{API}/auth/me").status_code == 401


def test_every_unsafe_api_route_checks_the_csrf_token(
    seeded: Seeded, as_role: Callable[[str], Session]
) -> None:
    admin = as_role("admin")
    checked = []
    for path, methods in seeded.app.openapi()["paths"].items():
        for method in set(methods) - {"get", "head"}:
            if path in (
                f"{API}/auth/login",
                f"{API}/auth/signature/challenge",
                f"{API}/auth/signature/login",
            ):
                continue  # the ways to sign in, before there is a session (JSON only, as /auth/login)
            concrete = path.replace("{bin}", "190150000000").replace("{username}", "t-viewer")
            response = admin.client.request(method.upper(), concrete, json={})
            assert response.status_code == 403 and "CSRF" in response.text, (method, path)
            checked.append(path)
    assert len(checked) >= 7
