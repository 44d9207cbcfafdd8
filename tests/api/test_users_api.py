"""/api/v1/users and /api/v1/audit: accounts managed by admins, every change in the audit log."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tekseru.catalog import Catalogue
from tekseru.catalog.regions import Regions
from tekseru.catalog_files import load_catalogue
from tekseru.http.dependencies import get_catalogue
from tests.api.conftest import Seeded, Session, sign_in

API = "/api/v1"


def test_an_admin_creates_a_user_who_then_signs_in(as_role: Callable[[str], Session], seeded: Seeded) -> None:
    admin = as_role("admin")
    body = {
        "username": "A.Seitkali",
        "full_name": "Aigerim Seitkali",
        "role": "inspector",
        "region": "Астана",
    }
    response = admin.send("POST", f"{API}/users", json=body)
    assert response.status_code == 201
    created = response.json()
    assert (created["user"]["username"], created["user"]["region"], created["user"]["active"]) == (
        "a.seitkali",
        "astana",
        True,
    )
    password = created["credentials"]["password"]
    assert len(password) >= 16
    inspector = sign_in(seeded.client(), "a.seitkali", password)
    assert inspector.get(f"{API}/auth/me").json()["region"] == "astana"
    entry = admin.get(f"{API}/audit", params={"action": "user.create", "key": "a.seitkali"}).json()["items"][
        0
    ]
    assert entry["after"] == {
        "full_name": "Aigerim Seitkali",
        "role": "inspector",
        "region": "astana",
        "active": True,
    }
    assert password not in str(entry)


def test_invalid_users_are_refused(as_role: Callable[[str], Session]) -> None:
    admin = as_role("admin")
    for body in (
        {"username": "t-viewer", "role": "viewer"},  # taken
        {"username": "x", "role": "viewer"},  # too short
        {"username": "new-inspector", "role": "inspector"},  # no region
        {"username": "new-inspector", "role": "inspector", "region": "Atlantis"},
        {"username": "short-password", "role": "viewer", "password": "short"},
    ):
        assert admin.send("POST", f"{API}/users", json=body).status_code == 422, body
    assert admin.send("POST", f"{API}/users", json={"username": "y", "role": "king"}).status_code == 422


def test_changing_a_role_ends_the_users_sessions_and_is_audited(
    as_role: Callable[[str], Session], seeded: Seeded
) -> None:
    admin = as_role("admin")
    password = admin.send("POST", f"{API}/users", json={"username": "mover", "role": "viewer"}).json()[
        "credentials"
    ]["password"]
    mover = sign_in(seeded.client(), "mover", password)
    changed = admin.send("PATCH", f"{API}/users/mover", json={"role": "planner", "full_name": "M. Over"})
    assert changed.status_code == 200 and changed.json()["role"] == "planner"
    assert mover.get(f"{API}/auth/me").status_code == 401
    entry = admin.get(f"{API}/audit", params={"action": "user.update", "key": "mover"}).json()["items"][0]
    assert (entry["before"]["role"], entry["after"]["role"], entry["after"]["full_name"]) == (
        "viewer",
        "planner",
        "M. Over",
    )
    assert admin.get(f"{API}/users/mover").json()["role"] == "planner"


def test_a_new_password(as_role: Callable[[str], Session], seeded: Seeded) -> None:
    admin = as_role("admin")
    admin.send(
        "POST", f"{API}/users", json={"username": "forgetful", "role": "viewer", "password": "first-password"}
    )
    response = admin.send("POST", f"{API}/users/forgetful/password", json={})
    assert response.status_code == 200
    new = response.json()["password"]
    client = seeded.client()
    assert (
        client.post(
            f"{API}/auth/login", json={"username": "forgetful", "password": "first-password"}
        ).status_code
        == 401
    )
    assert sign_in(client, "forgetful", new).username == "forgetful"
    chosen = admin.send("POST", f"{API}/users/forgetful/password", json={"password": "chosen-password"})
    assert chosen.json()["password"] == "chosen-password"


def test_the_last_admin_cannot_be_taken_away(seeded: Seeded, as_role: Callable[[str], Session]) -> None:
    admin = as_role("admin")
    others = [
        u["username"]
        for u in admin.get(f"{API}/users").json()
        if u["role"] == "admin" and u["username"] != "t-admin"
    ]
    for other in others:
        assert admin.send("PATCH", f"{API}/users/{other}", json={"active": False}).status_code == 200
    response = admin.send("PATCH", f"{API}/users/t-admin", json={"role": "viewer"})
    assert response.status_code == 422 and "соңғы белсенді әкімші" in response.json()["detail"]
    assert admin.send("PATCH", f"{API}/users/t-admin", json={"active": False}).status_code == 422
    for other in others:
        admin.send("PATCH", f"{API}/users/{other}", json={"active": True})
    assert admin.get(f"{API}/users/t-admin").json()["role"] == "admin"


def test_unknown_users_are_404(as_role: Callable[[str], Session]) -> None:
    admin = as_role("admin")
    assert admin.get(f"{API}/users/nobody").status_code == 404
    assert admin.send("PATCH", f"{API}/users/nobody", json={"active": False}).status_code == 404


def test_users_see_their_own_record_only(as_role: Callable[[str], Session]) -> None:
    viewer = as_role("viewer")
    assert viewer.get(f"{API}/users/t-viewer").status_code == 200
    assert viewer.get(f"{API}/users/t-admin").status_code == 403


def test_the_audit_log_pages_and_filters(as_role: Callable[[str], Session]) -> None:
    admin = as_role("admin")
    first = admin.get(f"{API}/audit", params={"per_page": 2}).json()
    second = admin.get(f"{API}/audit", params={"per_page": 2, "page": 2}).json()
    assert first["total"] == second["total"] > 4
    assert [e["id"] for e in first["items"]] > [e["id"] for e in second["items"]]  # newest first
    logins = admin.get(f"{API}/audit", params={"action": "user.login", "actor": "t-admin"}).json()
    assert logins["total"] >= 1 and {e["actor"] for e in logins["items"]} == {"t-admin"}


def test_the_audit_log_cannot_be_changed(seeded: Seeded) -> None:
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    engine = seeded.app.state.tekseru.database().engine
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log"))
    assert TestClient is not None


def test_the_catalogue_a_test_hands_in_reaches_the_services(
    as_role: Callable[[str], Session], seeded: Seeded
) -> None:
    """One dependency (`get_catalogue`) hands the catalogue to the routes, the catalogue's use cases and the
    services: replaced, the replacement decides which regions an inspector may be given, and which
    editions the catalogue pages list."""
    packaged = load_catalogue()
    astana_only = Catalogue(
        packaged.editions, regions=Regions((packaged.regions.get("astana"),)), bodies=packaged.bodies
    )
    admin = as_role("admin")
    seeded.app.dependency_overrides[get_catalogue] = lambda: astana_only
    try:
        body = {"username": "shymkent-inspector", "role": "inspector", "region": "shymkent"}
        assert admin.send("POST", f"{API}/users", json=body).status_code == 422
        editions = admin.get(f"{API}/catalog/editions").json()
        body = {"username": "astana-inspector", "role": "inspector", "region": "astana"}
        assert admin.send("POST", f"{API}/users", json=body).status_code == 201
    finally:
        del seeded.app.dependency_overrides[get_catalogue]
    assert [edition["id"] for edition in editions] == [edition.id for edition in packaged.editions]
    body = {"username": "shymkent-inspector", "role": "inspector", "region": "shymkent"}
    assert admin.send("POST", f"{API}/users", json=body).status_code == 201
