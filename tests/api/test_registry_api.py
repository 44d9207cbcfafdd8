"""/api/v1/subjects: search with filters and paging, one subject, its evidence (list and add, audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import Seeded, Session
from tests.web.support import BINS, OTHER_REGION, OWN_BIN, OWN_REGION

API = "/api/v1"


def bins(found: dict[str, Any]) -> list[str]:
    return [item["bin"] for item in found["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "мейірім"}, [BINS[0]]),  # Cyrillic, any case
        ({"q": "МЕЙІРІМ"}, [BINS[0]]),
        ({"q": "care llp"}, [BINS[3]]),
        ({"q": BINS[4]}, [BINS[4]]),  # a whole BIN
        ({"q": BINS[5][:9]}, [b for b in sorted(BINS) if b.startswith(BINS[5][:9])]),  # the start of one
        ({"q": "100%"}, []),  # LIKE wildcards are plain characters
        ({"region": OTHER_REGION}, [BINS[3], BINS[4]]),
        ({"group": "home_care", "region": OWN_REGION}, [BINS[1]]),
        ({"risk_class": "high"}, [BINS[3], BINS[0]]),
        ({"risk_class": "medium"}, [BINS[1]]),
    ],
)
def test_search(as_role: Callable[[str], Session], params: dict[str, str], expected: list[str]) -> None:
    found = as_role("viewer").get(f"{API}/subjects", params=params).json()
    assert sorted(bins(found)) == sorted(expected)
    assert found["total"] == len(expected)


def test_search_pages_in_registry_order(as_role: Callable[[str], Session], seeded: Seeded) -> None:
    viewer = as_role("viewer")
    first = viewer.get(f"{API}/subjects", params={"per_page": 4}).json()
    second = viewer.get(f"{API}/subjects", params={"per_page": 4, "page": 2}).json()
    assert bins(first) + bins(second) == BINS  # imported in this order
    assert (first["total"], first["page"], first["per_page"], first["more"], len(second["items"])) == (
        6,
        1,
        4,
        False,
        2,
    )
    assert first["run_id"] == str(seeded.run_id)
    assert viewer.get(f"{API}/subjects", params={"per_page": 1000}).status_code == 422
    assert viewer.get(f"{API}/subjects", params={"risk_class": "extreme"}).status_code == 422


def test_search_sorts_as_the_registry_page_does(as_role: Callable[[str], Session]) -> None:
    viewer = as_role("viewer")
    by_score = viewer.get(f"{API}/subjects", params={"sort": "score"}).json()["items"]
    scores = [item["score"] for item in by_score]
    assert scores == sorted(scores, reverse=True) and {i["bin"] for i in by_score[:2]} == {BINS[0], BINS[3]}
    assert all(
        {"gross_count", "significant_count", "minor_count", "last_visit_on"} <= set(i) for i in by_score
    )
    assert by_score[0]["gross_count"] >= 1  # the high ones have a gross violation: the tie-break shows it
    paged = [
        item["bin"]
        for page in (1, 2, 3)
        for item in viewer.get(
            f"{API}/subjects", params={"sort": "-region", "per_page": 2, "page": page}
        ).json()["items"]
    ]
    assert paged == bins(viewer.get(f"{API}/subjects", params={"sort": "-region"}).json())
    assert viewer.get(f"{API}/subjects", params={"sort": "bin; drop"}).status_code == 422


def test_a_subject_with_its_scores(as_role: Callable[[str], Session], seeded: Seeded) -> None:
    subject = as_role("viewer").get(f"{API}/subjects/{OWN_BIN}").json()
    assert (subject["bin"], subject["region"], subject["risk_class"], subject["score"]) == (
        OWN_BIN,
        OWN_REGION,
        "high",
        100.0,
    )
    assert [score["group"] for score in subject["scores"]] == ["stationary_care"]
    assert subject["scores"][0]["gross_found"] == 1
    assert [point["run_id"] for point in subject["history"]] == [str(seeded.run_id)]
    assert subject["evidence_count"] >= 1
    missing = as_role("viewer").get(f"{API}/subjects/990140000384")
    assert missing.status_code == 404 and "990140000384" in missing.json()["detail"]


def test_evidence_is_listed_newest_first(as_role: Callable[[str], Session]) -> None:
    listed = as_role("planner").get(f"{API}/subjects/{BINS[1]}/evidence").json()
    assert len(listed) >= 2 and all(item["entered_by"] == "tests" for item in listed)
    assert [item["observed_on"] for item in listed] == sorted(
        (item["observed_on"] for item in listed), reverse=True
    )


def test_adding_evidence_is_idempotent_and_audited(as_role: Callable[[str], Session]) -> None:
    inspector, admin = as_role("inspector"), as_role("admin")
    body = {"criterion": 5, "observed_on": "2024-05-02", "reference": "Act 77/2024"}
    first = inspector.send("POST", f"{API}/subjects/{BINS[2]}/evidence", json=body)
    again = inspector.send("POST", f"{API}/subjects/{BINS[2]}/evidence", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["created"] is True and again.json()["created"] is False
    evidence = first.json()["evidence"]
    assert (evidence["source_group"], evidence["entered_by"], evidence["origin"]) == (
        1,
        "t-inspector",
        "web:t-inspector",
    )
    entries = admin.get(f"{API}/audit", params={"action": "evidence.add", "key": BINS[2]}).json()["items"]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["actor"], entry["entity"], entry["region"], entry["before"]) == (
        "t-inspector",
        "subject",
        OWN_REGION,
        None,
    )
    assert entry["after"]["criterion"] == 5 and entry["after"]["reference"] == "Act 77/2024"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"criterion": 999, "observed_on": "2024-05-02", "reference": "x"}, "өлшемшарт"),
        ({"criterion": 5, "observed_on": "2999-01-01", "reference": "x"}, "анықталған күн"),
        ({"criterion": 5, "observed_on": "2024-05-02", "reference": "   "}, "дереккөз"),
    ],
)
def test_invalid_evidence_is_refused(
    as_role: Callable[[str], Session], body: dict[str, Any], field: str
) -> None:
    response = as_role("planner").send("POST", f"{API}/subjects/{OWN_BIN}/evidence", json=body)
    assert response.status_code == 422 and response.json()["detail"].startswith(field)
