"""/api/v1: health, the OpenAPI document and every catalogue endpoint, with filters and 404s."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tekseru.catalog import Severity
from tekseru.catalog_files import load_catalogue
from tests.web.support import PACKAGED

EDITION = load_catalogue().edition(PACKAGED)
API = "/api/v1"


def get_json(api: TestClient, path: str, status: int = 200) -> object:
    response = api.get(API + path)
    assert response.status_code == status, response.text
    return response.json()


def test_health(api: TestClient) -> None:
    body = get_json(api, "/health")
    assert isinstance(body, dict) and body["status"] == "ok" and body["version"]


def test_the_openapi_document_describes_every_catalogue_endpoint(api: TestClient) -> None:
    document = get_json(api, "/openapi.json")
    assert isinstance(document, dict)
    assert {path for path in document["paths"] if path.startswith((f"{API}/catalog", f"{API}/health"))} == {
        f"{API}/health",
        f"{API}/catalog/editions",
        f"{API}/catalog/editions/{{edition_id}}/export",
        f"{API}/catalog/criteria",
        f"{API}/catalog/criteria/{{number}}",
        f"{API}/catalog/checklists",
        f"{API}/catalog/checklists/{{appendix}}",
        f"{API}/catalog/groups",
        f"{API}/catalog/groups/{{key}}",
        f"{API}/catalog/diff",
    }
    schemas = document["components"]["schemas"]
    assert {"CriterionOut", "CriterionDetailOut", "ChecklistOut", "GroupOut", "DiffOut", "ErrorOut"} <= set(
        schemas
    )
    criterion = document["paths"][f"{API}/catalog/criteria/{{number}}"]["get"]
    assert criterion["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "CriterionDetailOut"
    )
    assert criterion["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_no_documentation_pages_that_load_scripts_from_a_cdn(api: TestClient, path: str) -> None:
    assert api.get(path).status_code == 404


def test_editions_mark_the_one_in_force(api: TestClient) -> None:
    editions = get_json(api, "/catalog/editions")
    assert editions == [
        {
            "id": PACKAGED,
            "title": EDITION.edition.title.model_dump(),
            "effective_from": "2022-10-16",
            "in_force": True,
        },
        {
            "id": "2030-test",
            "title": {"kk": "Сынақ редакциясы", "ru": "Тестовая редакция", "en": "Test edition"},
            "effective_from": "2030-01-01",
            "in_force": False,
        },
    ]


def test_export_is_the_whole_edition(api: TestClient) -> None:
    exported = get_json(api, f"/catalog/editions/{PACKAGED}/export")
    assert isinstance(exported, dict)
    assert exported["edition"]["id"] == PACKAGED
    assert len(exported["criteria"]) == 90
    assert [c["appendix"] for c in exported["checklists"]] == [2, 3, 4, 5, 6, 7]


def test_criteria_default_to_the_edition_in_force(api: TestClient) -> None:
    criteria = get_json(api, "/catalog/criteria")
    assert isinstance(criteria, list)
    assert [c["number"] for c in criteria] == list(range(1, 91))
    assert criteria[0] == {
        "number": 1,
        "source_group": 1,
        "severity": "significant",
        "text": EDITION.criterion(1).text.model_dump(),
    }


@pytest.mark.parametrize(
    ("query", "severity", "source_group"),
    [
        ("severity=gross", Severity.GROSS, None),
        ("severity=minor", Severity.MINOR, None),
        ("source_group=4", None, 4),
        ("severity=significant&source_group=3", Severity.SIGNIFICANT, 3),
    ],
)
def test_criteria_filters(
    api: TestClient, query: str, severity: Severity | None, source_group: int | None
) -> None:
    criteria = get_json(api, f"/catalog/criteria?{query}")
    expected = EDITION.criteria_where(severity=severity, source_group=source_group)
    assert isinstance(criteria, list) and criteria
    assert [c["number"] for c in criteria] == [c.number for c in expected]


def test_criteria_of_another_edition(api: TestClient) -> None:
    criteria = get_json(api, "/catalog/criteria?edition=2030-test")
    assert isinstance(criteria, list)
    assert [(c["number"], c["severity"]) for c in criteria] == [
        (1, "significant"),
        (2, "gross"),
        (3, "minor"),
    ]


@pytest.mark.parametrize("query", ["severity=awful", "source_group=0", "source_group=x"])
def test_invalid_filters_are_rejected(api: TestClient, query: str) -> None:
    body = get_json(api, f"/catalog/criteria?{query}", status=422)
    assert isinstance(body, dict) and body["detail"]


def test_one_criterion_with_its_checklist_items_and_groups(api: TestClient) -> None:
    criterion = get_json(api, "/catalog/criteria/7")
    assert criterion == {
        "number": 7,
        "source_group": 1,
        "severity": "gross",
        "text": EDITION.criterion(7).text.model_dump(),
        "edition": PACKAGED,
        "checklist_items": [{"appendix": 3, "item": 5}],
        "groups": ["stationary_care"],
    }


def test_a_criterion_without_checklist_item(api: TestClient) -> None:
    criterion = get_json(api, "/catalog/criteria/80")
    assert isinstance(criterion, dict)
    assert criterion["checklist_items"] == [] and criterion["groups"]


def test_checklists(api: TestClient) -> None:
    checklists = get_json(api, "/catalog/checklists")
    assert isinstance(checklists, list)
    assert [(c["appendix"], c["item_count"]) for c in checklists] == [
        (2, 3),
        (3, 20),
        (4, 20),
        (5, 18),
        (6, 8),
        (7, 16),
    ]


def test_one_checklist_links_items_to_criteria_where_there_is_a_counterpart(api: TestClient) -> None:
    checklist = get_json(api, "/catalog/checklists/7")
    assert isinstance(checklist, dict)
    assert checklist["groups"] == ["rehabilitation_programme"]
    assert checklist["header_fields"] == list(EDITION.checklist(7).header_fields)
    items = {item["number"]: item["criterion"] for item in checklist["items"]}
    assert items == {item.number: item.criterion for item in EDITION.checklist(7).items}
    assert items[12] is None


def test_a_checklist_serving_two_groups(api: TestClient) -> None:
    checklist = get_json(api, "/catalog/checklists/6")
    assert isinstance(checklist, dict)
    assert checklist["groups"] == ["access_high_risk_objects", "access_other_objects"]


def test_groups(api: TestClient) -> None:
    groups = get_json(api, "/catalog/groups")
    assert isinstance(groups, list)
    assert [g["key"] for g in groups] == list(EDITION.groups)
    assert groups[0]["applicable_criteria"] == [1, 2, 5, 78]
    assert get_json(api, "/catalog/groups/home_care") == next(g for g in groups if g["key"] == "home_care")


def test_diff_of_two_editions(api: TestClient) -> None:
    diff = get_json(api, f"/catalog/diff?a={PACKAGED}&b=2030-test")
    assert isinstance(diff, dict)
    assert (diff["a"], diff["b"]) == (PACKAGED, "2030-test")
    changes = {(c["kind"], c["key"], c["change"]) for c in diff["changes"]}
    assert ("criterion", "90", "removed") in changes
    assert ("criterion", "1", "changed") in changes
    assert ("checklist item", "3.1", "removed") in changes


def test_diff_of_an_edition_with_itself_is_empty(api: TestClient) -> None:
    assert get_json(api, f"/catalog/diff?a={PACKAGED}&b={PACKAGED}") == {
        "a": PACKAGED,
        "b": PACKAGED,
        "changes": [],
    }


def test_diff_needs_both_editions(api: TestClient) -> None:
    get_json(api, f"/catalog/diff?a={PACKAGED}", status=422)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/catalog/criteria/999", f"criterion 999 is not in edition {PACKAGED}"),
        ("/catalog/criteria/1?edition=1999", f"no edition '1999' (known: {PACKAGED}, 2030-test)"),
        ("/catalog/criteria?edition=1999", f"no edition '1999' (known: {PACKAGED}, 2030-test)"),
        (
            "/catalog/checklists/1",
            f"no checklist in Appendix 1 of edition {PACKAGED} (there are 2, 3, 4, 5, 6, 7)",
        ),
        ("/catalog/groups/nobody", f"control group 'nobody' is not in edition {PACKAGED}"),
        ("/catalog/editions/1999/export", f"no edition '1999' (known: {PACKAGED}, 2030-test)"),
        (f"/catalog/diff?a={PACKAGED}&b=1999", f"no edition '1999' (known: {PACKAGED}, 2030-test)"),
        ("/catalog/nothing-here", "Not Found"),
    ],
)
def test_unknown_entries_answer_404_with_a_clear_message(api: TestClient, path: str, message: str) -> None:
    response = api.get(API + path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": message}


def test_the_api_sets_no_language_cookie(api: TestClient) -> None:
    response = api.get(f"{API}/catalog/criteria/1?lang=ru")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
