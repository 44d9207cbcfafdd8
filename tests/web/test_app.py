"""The application as a whole: static assets, headers, settings, the default catalogue, the navigation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tekseru.web.app import create_app
from tekseru.web.middleware import CONTENT_SECURITY_POLICY
from tekseru.web.navigation import NAV_ORDER, Section, ordered


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
    assert NAV_ORDER[0] == "dashboard" and NAV_ORDER[-1] == "catalog"
    with pytest.raises(ValueError, match="not in NAV_ORDER"):
        ordered([Section("elsewhere", "e", "/e")])


def test_a_section_contains_its_pages() -> None:
    assert Section("catalog", "c", "/catalog").contains("/catalog/criteria/7")
    assert not Section("catalog", "c", "/catalog").contains("/catalogue")
    assert Section("dashboard", "d", "/").contains("/")
    assert not Section("dashboard", "d", "/").contains("/catalog")
