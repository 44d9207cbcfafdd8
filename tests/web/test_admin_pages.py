"""/admin: users (create, change, new password) and the audit log, for admins only."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import SignedIn
from tests.web.htmltree import parse


@pytest.mark.parametrize("role", ["planner", "inspector", "viewer"])
@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/users/t-viewer", "/admin/audit", "/admin/audit/verify"]
)
def test_only_admins(signed_in: Callable[[str], SignedIn], role: str, path: str) -> None:
    assert signed_in(role).client.get(path).status_code == 403


def test_creating_a_user_shows_the_password_once(signed_in: Callable[[str], SignedIn]) -> None:
    admin = signed_in("admin")
    data = {"username": "Page.User", "full_name": "Page User", "role": "inspector", "region": "shymkent"}
    response = admin.post_form("/admin/users?lang=en", data)
    assert response.status_code == 200
    root = parse(response.text)
    notice = root.find(id="created")
    assert notice.attrs["role"] == "alert" and "page.user" in notice.text
    password = notice.find("code").text
    assert len(password) >= 16
    row = next(
        tr
        for tr in root.find("table", class_="users").find("tbody").find_all("tr")
        if tr.find("th").text == "page.user"
    )
    assert "inspector" in row.text and "Shymkent" in row.text
    assert password not in admin.client.get("/admin/users").text


def test_creating_a_user_with_errors_keeps_the_form(signed_in: Callable[[str], SignedIn]) -> None:
    admin = signed_in("admin")
    response = admin.post_form(
        "/admin/users?lang=en", {"username": "no-region", "full_name": "", "role": "inspector", "region": ""}
    )
    assert response.status_code == 400
    root = parse(response.text)
    assert "an inspector needs a region" in root.find(id="user-error").text
    assert root.find("input", id="username").attrs["value"] == "no-region"


def test_changing_a_user_and_a_new_password(signed_in: Callable[[str], SignedIn]) -> None:
    admin = signed_in("admin")
    admin.post_form("/admin/users", {"username": "edited", "full_name": "E", "role": "viewer", "region": ""})
    saved = admin.post_form(
        "/admin/users/edited",
        {"full_name": "Edited Person", "role": "planner", "region": "", "active": "yes"},
    )
    assert (saved.status_code, saved.headers["location"]) == (303, "/admin/users/edited?saved=1")
    page = parse(admin.client.get("/admin/users/edited?saved=1&lang=en").text)
    assert page.find("h1").text == "User edited" and page.find("p", class_="success").text == "Saved."
    assert page.find("select", id="role").find("option", value="planner").attrs.get("selected") == ""
    reset = parse(admin.post_form("/admin/users/edited/password?lang=en", {}).text)
    assert len(reset.find(id="reset").find("code").text) >= 16
    deactivated = admin.post_form(
        "/admin/users/edited", {"full_name": "Edited Person", "role": "planner", "region": ""}
    )
    assert deactivated.status_code == 303
    assert (
        parse(admin.client.get("/admin/users/edited").text).find("input", id="active").attrs.get("checked")
        is None
    )


def test_the_audit_log_page(signed_in: Callable[[str], SignedIn]) -> None:
    admin = signed_in("admin")
    admin.post_form("/admin/users", {"username": "audited", "full_name": "A", "role": "viewer", "region": ""})
    root = parse(admin.client.get("/admin/audit?action=user.create&key=audited&lang=en").text)
    assert root.find(id="result-count").text == "1 entries."
    row = root.find("table", class_="audit").find("tbody").find("tr")
    assert "t-admin" in row.text and "User created" in row.text and "audited" in row.text
    assert row.find("span", title="user.create") is not None
    russian = parse(admin.client.get("/admin/audit?action=user.create&key=audited&lang=ru").text)
    assert "Создан пользователь" in russian.find("table", class_="audit").find("tbody").find("tr").text
    assert "role: viewer" in " ".join(row.find("td", class_="wide-only").text.split()).replace(" :", ":")
    options = [o.attrs["value"] for o in root.find("select", id="action").find_all("option")]
    assert "user.create" in options and "user.login" in options


@pytest.mark.parametrize(
    ("lang", "intact"), [("kk", "Аудит журналы өзгертілмеген"), ("ru", "Журнал аудита не изменён")]
)
def test_the_audit_check_page(signed_in: Callable[[str], SignedIn], lang: str, intact: str) -> None:
    response = signed_in("admin").client.get(f"/admin/audit/verify?lang={lang}")
    assert response.status_code == 200
    root = parse(response.text)
    result = root.find(id="verify-result")
    assert result.attrs["role"] == "status" and intact in result.text
    assert len(root.find("code", class_="hash").text) == 64
