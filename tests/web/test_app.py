"""The application as a whole: static assets, headers, settings, the default catalogue, the navigation."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
import pytest
from argon2 import PasswordHasher
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tekseru.http.middleware import CONTENT_SECURITY_POLICY
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor, Permission, Role
from tekseru.settings import Settings
from tekseru.store.accounts import find_user, password_hash
from tekseru.web.app import create_app
from tekseru.web.navigation import NAV_ORDER, Section, ordered, visible
from tekseru.web.pages import PAGES
from tests.web.support import CHEAP_PASSWORDS


@pytest.mark.parametrize(
    ("path", "content_type", "content"),
    [
        ("/static/app.css", "text/css", ":focus-visible"),
        ("/static/vendor/htmx/htmx.min.js", "javascript", 'version:"2.'),
        ("/static/vendor/htmx/LICENSE", "", "Zero-Clause BSD"),
    ],
)
def test_static_assets_are_served_by_the_app(
    client: TestClient, path: str, content_type: str, content: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert content_type in response.headers["content-type"]
    assert content in response.text


@pytest.mark.parametrize("path", ["/", "/catalog/criteria", "/api/v1/health", "/no-such-page"])
def test_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_htmx_is_configured_for_the_content_security_policy(client: TestClient) -> None:
    # htmx would otherwise add an inline <style>, which the policy refuses.
    assert '"includeIndicatorStyles": false' in client.get("/").text


def test_settings_come_from_the_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEKSERU_DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    assert create_app().state.settings.database_url == "sqlite:///elsewhere.sqlite3"


def test_without_overrides_the_packaged_catalogue_is_served() -> None:
    with TestClient(create_app()) as client:
        editions = client.get("/api/v1/catalog/editions").json()
        assert [e["id"] for e in editions] == ["2022-29983"]
        assert client.get("/catalog/criteria").status_code == 200


def test_sections_follow_the_navigation_order() -> None:
    catalog, dashboard = Section("catalog", "c", "/catalog"), Section("dashboard", "d", "/")
    assert ordered(iter([catalog, dashboard])) == (dashboard, catalog)
    assert NAV_ORDER[:2] == ("my", "dashboard") and NAV_ORDER[-2:] == ("catalog", "admin")
    with pytest.raises(ValueError, match="not in NAV_ORDER"):
        ordered([Section("elsewhere", "e", "/e")])


def test_a_section_contains_its_pages() -> None:
    assert Section("catalog", "c", "/catalog").contains("/catalog/criteria/7")
    assert not Section("catalog", "c", "/catalog").contains("/catalogue")
    assert Section("dashboard", "d", "/").contains("/")
    assert not Section("dashboard", "d", "/").contains("/catalog")


def test_a_section_is_shown_to_those_with_its_permission() -> None:
    public, registry = (
        Section("catalog", "c", "/catalog"),
        Section("registry", "r", "/r", Permission.READ_REGISTRY),
    )
    admin = Section("admin", "a", "/admin", Permission.MANAGE_USERS)
    sections = (public, registry, admin)
    assert visible(sections, None) == (public,)
    assert visible(sections, Actor("v", Role.VIEWER)) == (public, registry)
    assert visible(sections, Actor("a", Role.ADMIN)) == sections


def test_building_the_app_opens_no_database(tmp_path: Path) -> None:
    create_app(Settings().with_database_path(tmp_path / "never.sqlite3"), passwords=CHEAP_PASSWORDS)
    assert not (tmp_path / "never.sqlite3").exists()


def test_page_route_names_are_not_taken_by_api_routes() -> None:
    """`url(name)` in a template finds the first route of that name; no API route may shadow a page."""
    names = [route.name for page in PAGES for route in page.router.routes if isinstance(route, APIRoute)]
    openapi = create_app().openapi()
    api_names = {
        operation["operationId"].split("_api_v1")[0]
        for ops in openapi["paths"].values()
        for operation in ops.values()
    }
    assert len(names) == len(set(names))
    assert not set(names) & api_names, set(names) & api_names


def test_a_worker_works_on_as_many_requests_at_once_as_the_setting_says(tmp_path: Path) -> None:
    app = create_app(
        Settings(web_threads=3).with_database_path(tmp_path / "threads.sqlite3"), passwords=CHEAP_PASSWORDS
    )

    @app.get("/_threads")
    async def threads() -> int:
        return int(anyio.to_thread.current_default_thread_limiter().total_tokens)

    with TestClient(app) as client:
        assert client.get("/_threads").json() == 3


def test_the_app_hashes_passwords_with_the_costs_it_is_given(tmp_path: Path) -> None:
    """The hashing costs are the app's own state: two apps in one process hash each with its own."""
    costs = Passwords(PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    apps = [
        create_app(Settings().with_database_path(tmp_path / f"{name}.sqlite3"), passwords=passwords)
        for name, passwords in (("costly", costs), ("cheap", CHEAP_PASSWORDS))
    ]
    try:
        hashes = []
        for app in apps:
            with app.state.tekseru.database().reading() as session:
                admin = find_user(session, "admin")
                assert admin is not None
                hashes.append(password_hash(session, admin.id))
    finally:
        for app in apps:
            app.state.tekseru.close()
    assert "m=2048,t=2,p=1" in hashes[0] and "m=1024,t=1,p=1" in hashes[1]
