"""/api/v1/exports: the registry's search, a run's results and the audit log as CSV, XLSX and JSON, read back
and compared with the API's own answers for the same filters and sort; headers in the request's language;
another region's subjects refused to an inspector as the search refuses them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from tekseru.catalog_files import load_regions
from tests.api.conftest import Seeded, Session
from tests.web.support import OTHER_REGION, OWN_REGION, two_edition_service

API = "/api/v1"
SEARCHES = [
    {},
    {"region": OTHER_REGION},
    {"risk_class": "high", "sort": "score"},
    {"sort": "-name"},
    {"q": "а", "sort": "last_visit"},
    {"group": "home_care", "sort": "region"},
]


def read_back(response: Any, format: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of an exported file, every value as text."""
    assert response.status_code == 200, response.text
    assert "attachment; filename=" in response.headers["content-disposition"]
    if format == "csv":
        assert response.content.startswith("\ufeff".encode())
        header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        return header, rows
    if format == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        return values[0], values[1:]
    items = json.loads(response.content)
    keys = list(items[0]) if items else []
    return keys, [[str(item[key]) for key in keys] for item in items]


def _group_name(key: str, language: str = "kk") -> str:
    """As the export names a group: by the newest edition of the application's catalogue that has it (the
    API tests' has a test edition of 2030 beside the packaged one)."""
    editions = two_edition_service().catalogue.editions
    return next(e.groups[key] for e in reversed(editions) if key in e.groups).name.in_language(language)


def _api_subjects(session: Session, params: dict[str, str]) -> list[dict[str, Any]]:
    found = session.get(f"{API}/subjects", params={**params, "per_page": 200}).json()
    return list(found["items"])


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(
    "params", SEARCHES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all"
)
def test_the_subjects_export_is_the_search_every_row(
    as_role: Callable[[str], Session], params: dict[str, str], format: str
) -> None:
    viewer = as_role("viewer")
    expected = _api_subjects(viewer, params)
    _, rows = read_back(viewer.get(f"{API}/exports/subjects", params={**params, "format": format}), format)
    assert len(rows) == len(expected)
    bin_at, name_at, score_at = 0, 1, 6
    assert [row[bin_at] for row in rows] == [item["bin"] for item in expected]
    assert [row[name_at] for row in rows] == [item["name"] for item in expected]
    scores = [row[score_at] for row in rows]
    assert [float(s) if s not in ("", "None") else None for s in scores] == [
        item["score"] for item in expected
    ]
    if format == "json":  # field for field what the API answers
        items = json.loads(viewer.get(f"{API}/exports/subjects", params={**params, "format": "json"}).content)
        assert items == [{key: item[key] for key in items[0]} for item in expected] or items == expected == []


@pytest.mark.parametrize(
    ("lang", "first"),
    [
        ("kk", ["БСН", "Атауы", "Өңір"]),
        ("ru", ["БИН", "Наименование", "Регион"]),
        ("en", ["BIN", "Name", "Region"]),
    ],
)
def test_csv_and_xlsx_headers_are_in_the_readers_language(
    as_role: Callable[[str], Session], lang: str, first: list[str]
) -> None:
    viewer = as_role("viewer")
    for format in ("csv", "xlsx"):
        header, _ = read_back(
            viewer.get(f"{API}/exports/subjects", params={"format": format, "lang": lang}), format
        )
        assert header[:3] == first
    keys, _ = read_back(
        viewer.get(f"{API}/exports/subjects", params={"format": "json", "lang": lang}), "json"
    )
    assert keys[:3] == ["bin", "name", "region"]  # JSON keeps the API's field names


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_the_results_export_is_the_results_api(
    as_role: Callable[[str], Session], seeded: Seeded, format: str
) -> None:
    planner = as_role("planner")
    for params in ({}, {"sort": "name"}, {"region": OWN_REGION, "sort": "-score"}):
        expected = planner.get(
            f"{API}/assessments/{seeded.run_id}/results", params={**params, "per_page": 200}
        ).json()
        _, rows = read_back(
            planner.get(f"{API}/exports/results/{seeded.run_id}", params={**params, "format": format}), format
        )
        # CSV and XLSX name the group in words (kk, the default), JSON keeps its key
        said: Callable[[str], str] = (lambda key: key) if format == "json" else _group_name
        assert [(row[0], row[3]) for row in rows] == [(i["bin"], said(i["group"])) for i in expected["items"]]
    assert planner.get(f"{API}/exports/results/00000000-0000-0000-0000-000000000000").status_code == 404


def test_an_inspector_exports_its_own_region_only(as_role: Callable[[str], Session]) -> None:
    inspector = as_role("inspector")
    _, rows = read_back(inspector.get(f"{API}/exports/subjects", params={"format": "csv"}), "csv")
    assert rows and {row[2] for row in rows} == {load_regions().get(OWN_REGION).name.in_language("kk")}
    assert inspector.get(f"{API}/exports/subjects", params={"region": OTHER_REGION}).status_code == 403


def test_the_audit_export_is_for_administrators_with_the_pages_filters(
    as_role: Callable[[str], Session],
) -> None:
    assert as_role("planner").get(f"{API}/exports/audit").status_code == 403
    admin = as_role("admin")
    all_entries = admin.get(f"{API}/audit", params={"per_page": 500}).json()
    _, rows = read_back(admin.get(f"{API}/exports/audit", params={"format": "json"}), "json")
    assert len(rows) == all_entries["total"]
    header, users = read_back(
        admin.get(f"{API}/exports/audit", params={"format": "csv", "entity": "user"}), "csv"
    )
    assert header[0] == "Жазба" and users and {row[4] for row in users} == {"user"}


def test_a_bad_format_or_sort_is_refused(as_role: Callable[[str], Session]) -> None:
    viewer = as_role("viewer")
    assert viewer.get(f"{API}/exports/subjects", params={"format": "pdf"}).status_code == 422
    assert viewer.get(f"{API}/exports/subjects", params={"sort": "id desc"}).status_code == 422


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_a_lists_rows_export_is_the_list_of_the_api(as_role: Callable[[str], Session], format: str) -> None:
    planner = as_role("planner")
    response = planner.send("POST", f"{API}/plans", json={"half_year": "2024-H2"})
    assert response.status_code == 201, response.text
    plan = response.json()
    _, rows = read_back(planner.get(f"{API}/exports/lists/{plan['id']}", params={"format": format}), format)
    expected = plan["included"] + plan.get("overflow", [])
    assert [(row[0], row[1]) for row in rows] == [(str(r["rank"]), r["bin"]) for r in expected]
    _, own = read_back(
        planner.get(f"{API}/exports/lists/{plan['id']}", params={"format": format, "region": OWN_REGION}),
        format,
    )
    region = OWN_REGION if format == "json" else load_regions().get(OWN_REGION).name.in_language("kk")
    assert own and {row[3] for row in own} == {region}
    assert planner.get(f"{API}/exports/lists/999999").status_code == 404


def test_the_inspections_export_follows_the_pages_filters(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    header, rows = read_back(planner.get(f"{API}/exports/inspections", params={"lang": "ru"}), "csv")
    assert header[:3] == ["Запись", "БИН", "Наименование"]
    assert isinstance(rows, list)  # none recorded in this seed: a header and no rows, not an error
    assert planner.get(f"{API}/exports/inspections", params={"status": "open"}).status_code == 422


def test_text_the_store_refuses_in_a_filter_is_an_error_answer_not_a_file_cut_short(
    as_role: Callable[[str], Session],
) -> None:
    admin = as_role("admin")
    response = admin.get(f"{API}/exports/audit", params={"key": "a\x00b", "format": "csv"})
    assert 400 <= response.status_code < 500, response.status_code
    assert "attachment" not in response.headers.get("content-disposition", "")
    # A search ignores control characters typed into it (tester finding 13): a whole file, not a refusal.
    typed = admin.get(f"{API}/exports/subjects", params={"q": "a\x01b", "format": "csv"})
    plain = admin.get(f"{API}/exports/subjects", params={"q": "ab", "format": "csv"})
    assert typed.status_code == 200 and "attachment" in typed.headers["content-disposition"]
    assert typed.content == plain.content


@pytest.mark.parametrize(
    ("lang", "high"),
    [("kk", "Жоғары"), ("ru", "Высокая"), ("en", "High")],
)
def test_csv_and_xlsx_name_regions_groups_and_classes_in_words_json_keeps_keys(
    as_role: Callable[[str], Session], lang: str, high: str
) -> None:
    viewer = as_role("viewer")
    params = {"risk_class": "high", "lang": lang}
    json_header, json_rows = read_back(
        viewer.get(f"{API}/exports/subjects", params={**params, "format": "json"}), "json"
    )
    assert json_rows, "the seeded registry has high-risk subjects"
    region_at, groups_at, class_at = (json_header.index(key) for key in ("region", "groups", "risk_class"))
    region_names = {region.key: region.name.in_language(lang) for region in load_regions()}
    items = json.loads(viewer.get(f"{API}/exports/subjects", params={**params, "format": "json"}).content)
    for format in ("csv", "xlsx"):
        _, rows = read_back(
            viewer.get(f"{API}/exports/subjects", params={**params, "format": format}), format
        )
        assert [row[region_at] for row in rows] == [region_names[row[region_at]] for row in json_rows]
        assert {row[class_at] for row in rows} == {high} and {row[class_at] for row in json_rows} == {"high"}
        for said, item in zip(rows, items, strict=True):
            assert said[groups_at] == "; ".join(_group_name(key, lang) for key in item["groups"])
            assert not any("_" in said[at] for at in (region_at, groups_at, class_at)), said
