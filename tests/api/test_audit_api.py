"""`GET /api/v1/audit/verify`: an administrator learns whether the audit log verifies; others are refused."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.conftest import Session

API = "/api/v1"


def test_an_administrator_verifies_the_audit_log(as_role: Callable[[str], Session]) -> None:
    response = as_role("admin").get(f"{API}/audit/verify")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["problems"] == []
    assert body["entries"] >= 4 and len(body["head_hash"]) == 64
    again = as_role("admin").get(f"{API}/audit/verify", params={"anchor": "0" * 63 + "1"}).json()
    assert again["ok"] is False and [p["kind"] for p in again["problems"]] == ["anchor"]
    for role in ("planner", "inspector", "viewer"):
        assert as_role(role).get(f"{API}/audit/verify").status_code == 403, role
