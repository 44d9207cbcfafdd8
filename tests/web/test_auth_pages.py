"""Signing in and out on the pages: the form and its CSRF cookie, where one lands, one's own password;
and that every page of a section needs a session."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.web.pages.auth import safe_next
from tests.web.conftest import SignedIn
from tests.web.htmltree import parse
from tests.web.support import OWN_BIN, PASSWORD, USERS


def login_form(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found and client.cookies.get("tekseru_login") == found.group(1)
    return found.group(1)


@pytest.mark.parametrize(
    "path",
    [
        "/registry",
        f"/registry/{OWN_BIN}",
        "/assessments",
        "/imports",
        "/admin/users",
        "/admin/audit",
        "/account",
    ],
)
def test_section_pages_send_the_signed_out_to_the_sign_in_page(client: TestClient, path: str) -> None:
    response = client.get(path + "?lang=ru", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + (path + "?lang=ru").replace("/", "%2F").replace(
        "?", "%3F"
    ).replace("=", "%3D")


def test_signing_in_lands_on_the_page_asked_for(client: TestClient, seeded: uuid.UUID) -> None:
    token = login_form(client, "/login?next=/registry%3Fq%3Dx")
    response = client.post(
        "/login",
        data={
            "username": USERS["planner"].username,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/registry?q=x",
        },
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/registry?q=x")
    cookie = response.headers["set-cookie"]
    assert "tekseru_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/registry")
    assert page.status_code == 200 and "t-planner" in page.text


def test_a_wrong_password_shows_the_form_again_with_the_error(client: TestClient, seeded: uuid.UUID) -> None:
    token = login_form(client)
    response = client.post(
        "/login?lang=en",
        data={"username": "t-planner", "password": "wrong-password", "csrf_token": token, "next": "/"},
    )
    assert response.status_code == 401
    root = parse(response.text)
    assert root.find(id="login-error").attrs["role"] == "alert"
    assert root.find("input", id="username").attrs["value"] == "t-planner"
    assert root.find("input", id="username").attrs["aria-describedby"] == "login-error"


def test_the_sign_in_form_needs_its_csrf_cookie(client: TestClient, seeded: uuid.UUID) -> None:
    data = {"username": "t-planner", "password": PASSWORD, "next": "/"}
    assert client.post("/login", data={**data, "csrf_token": "forged"}).status_code == 403
    token = login_form(client)
    assert client.post("/login", data={**data, "csrf_token": token + "x"}).status_code == 403


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/registry?q=1", "/registry?q=1"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("", "/"),
        ("/\\\\evil", "/"),
    ],
)
def test_only_paths_of_the_site_are_followed_after_signing_in(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_signing_out_needs_the_csrf_token_and_ends_the_session(signed_in: Callable[[str], SignedIn]) -> None:
    viewer = signed_in("viewer")
    assert viewer.client.post("/logout", data={}, follow_redirects=False).status_code == 403
    response = viewer.post_form("/logout", {})
    assert (response.status_code, response.headers["location"]) == (303, "/")
    assert viewer.client.get("/registry", follow_redirects=False).status_code == 303


def test_the_header_names_the_user_and_offers_to_sign_out(signed_in: Callable[[str], SignedIn]) -> None:
    inspector = signed_in("inspector")
    root = parse(inspector.client.get("/?lang=en").text)
    account = root.find("div", class_="account")
    assert "t-inspector" in account.text and "inspector" in account.text and "Astana" in account.text
    form = account.find("form")
    assert (
        form.attrs["action"] == "/logout"
        and form.find("input", name="csrf_token").attrs["value"] == inspector.csrf
    )
    assert root.find("body").attrs["hx-headers"] == f'{{"X-CSRF-Token": "{inspector.csrf}"}}'


def test_changing_ones_own_password(app: FastAPI, seeded: uuid.UUID) -> None:
    from tekseru.services.permissions import Actor
    from tests.web.conftest import sign_in
    from tests.web.support import create_user

    create_user(
        app.state.tekseru.database(),
        Actor.system(),
        username="changer",
        role="viewer",
        full_name="C",
        password=PASSWORD,
    )
    client = TestClient(app)
    me = SignedIn(client, sign_in(client, "changer"))
    assert "changer" in client.get("/account").text
    short = me.post_form("/account/password", {"current": PASSWORD, "new": "short", "repeat": "short"})
    differ = me.post_form(
        "/account/password", {"current": PASSWORD, "new": "new-password-1", "repeat": "new-password-2"}
    )
    wrong = me.post_form(
        "/account/password", {"current": "not-it-at-all", "new": "new-password-1", "repeat": "new-password-1"}
    )
    assert (short.status_code, differ.status_code, wrong.status_code) == (400, 400, 400)
    assert 'role="alert"' in wrong.text
    done = me.post_form(
        "/account/password", {"current": PASSWORD, "new": "new-password-1", "repeat": "new-password-1"}
    )
    assert (done.status_code, done.headers["location"]) == (303, "/login?next=/account")
    assert client.get("/account", follow_redirects=False).status_code == 303  # the session ended
    assert sign_in(TestClient(app), "changer", "new-password-1")
