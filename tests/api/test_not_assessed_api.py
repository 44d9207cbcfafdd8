"""The registry's class filter `none`: the subjects the latest run did not assess, so that the classes and
"not assessed" add up to the registry (the dashboard links each count to it), sorted and exported alike."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.conftest import Session
from tests.api.test_exports_api import read_back
from tests.web.support import OWN_REGION

API = "/api/v1"


def _total(session: Session, **params: str) -> int:
    response = session.get(f"{API}/subjects", params={**params, "per_page": 1})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def test_the_classes_and_the_not_assessed_add_up_to_the_registry(as_role: Callable[[str], Session]) -> None:
    viewer = as_role("viewer")
    for where in ({}, {"region": OWN_REGION}):
        classes = [_total(viewer, risk_class=name, **where) for name in ("high", "medium", "low", "none")]
        assert sum(classes) == _total(viewer, **where), where
    unassessed = viewer.get(f"{API}/subjects", params={"risk_class": "none", "sort": "-name"}).json()
    assert all(item["risk_class"] is None and item["score"] is None for item in unassessed["items"])
    _, rows = read_back(
        viewer.get(
            f"{API}/exports/subjects", params={"risk_class": "none", "sort": "-name", "format": "json"}
        ),
        "json",
    )
    assert [row[0] for row in rows] == [item["bin"] for item in unassessed["items"]]
    assert viewer.get(f"{API}/subjects", params={"risk_class": "unknown"}).status_code == 422
