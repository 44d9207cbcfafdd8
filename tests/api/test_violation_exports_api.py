"""/api/v1/violations and /api/v1/exports/violations: the violations the completed inspections found, with
their follow-up (deadline, status on the day, elimination), filtered by status, subject and region; the file
read back (CSV, XLSX, JSON) holds the API's rows, with headers and statuses in the reader's language. A run's
results carry the planning order's tie-break and are ordered by it within equal scores."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest

from tests.api.conftest import Seeded, Session
from tests.api.test_exports_api import read_back
from tests.api.test_inspections_api import completed
from tests.web.support import OTHER_REGION, OWN_BIN, OWN_REGION

API = "/api/v1"


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_the_violations_export_is_the_violations_api(as_role: Callable[[str], Session], format: str) -> None:
    inspector = as_role("inspector")
    first = completed(inspector, overrides={5: "non_compliant", 6: "non_compliant"})
    path = f"{API}/inspections/{first}/violations"
    assert inspector.send("PATCH", f"{path}/5", json={"deadline": "2024-08-01"}).status_code == 200
    fixed = {"status": "eliminated", "eliminated_on": "2024-07-20", "note": '=HYPERLINK("x")'}
    assert inspector.send("PATCH", f"{path}/6", json=fixed).status_code == 200

    everything = inspector.get(f"{API}/violations").json()
    mine = [v for v in everything if v["inspection_id"] == first]
    assert [(v["item"], v["status"], v["subject"]["bin"]) for v in mine] == [
        (5, "overdue", OWN_BIN),
        (6, "eliminated", OWN_BIN),
    ]
    for status, wanted in (("overdue", {5}), ("open", {5}), ("eliminated", {6})):
        listed = inspector.get(f"{API}/violations", params={"status": status}).json()
        assert {v["item"] for v in listed if v["inspection_id"] == first} == wanted, status
    assert inspector.get(f"{API}/violations", params={"status": "closed"}).status_code == 422
    assert inspector.get(f"{API}/violations", params={"region": OTHER_REGION}).status_code == 403

    for params in ({}, {"status": "eliminated"}, {"bin": OWN_BIN, "status": "overdue"}):
        expected = inspector.get(f"{API}/violations", params=params).json()
        wanted = {**params, "format": format, "lang": "ru"}
        response = inspector.get(f"{API}/exports/violations", params=wanted)
        header, rows = read_back(response, format)
        assert [(row[0], row[6]) for row in rows] == [
            (str(v["inspection_id"]), str(v["item"])) for v in expected
        ], params
    header, rows = read_back(
        inspector.get(f"{API}/exports/violations", params={"format": format, "lang": "ru"}), format
    )
    at = {row[6]: row for row in rows if row[0] == str(first)}
    if format == "json":
        assert header[:3] == ["inspection_id", "act_number", "inspected_on"]
        assert (at["5"][9], at["6"][9], at["6"][11]) == ("overdue", "eliminated", fixed["note"])
    else:
        assert header[0] == "Проверка" and "Статус нарушения" in header
        assert (at["5"][9], at["6"][9]) == ("Просрочено", "Устранено")
    if format == "csv":  # a quote before the text: a spreadsheet shows it, never runs it
        assert at["6"][11] != fixed["note"] and at["6"][11].endswith(fixed["note"])
    if format == "xlsx":  # a text cell, never a formula
        from openpyxl import load_workbook

        response = inspector.get(f"{API}/exports/violations", params={"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        notes = [row[11] for row in sheet.iter_rows(min_row=2) if row[11].value == fixed["note"]]
        assert notes and all(cell.data_type == "s" for cell in notes)


def test_the_viewer_reads_every_region_and_the_planner_filters_one(as_role: Callable[[str], Session]) -> None:
    completed(as_role("inspector"), overrides={5: "non_compliant"})
    viewer = as_role("viewer")
    every = viewer.get(f"{API}/violations").json()
    assert every and {v["subject"]["region"] for v in every} == {OWN_REGION}
    assert viewer.get(f"{API}/violations", params={"region": OTHER_REGION}).json() == []


def test_results_carry_the_tie_break_and_are_ordered_by_it(
    as_role: Callable[[str], Session], seeded: Seeded
) -> None:
    planner = as_role("planner")
    items = planner.get(f"{API}/assessments/{seeded.run_id}/results", params={"per_page": 200}).json()[
        "items"
    ]
    assert items and all("gross_count" in item and "last_visit_on" in item for item in items)
    keys = [
        (-item["score"], -item["gross_count"], -item["significant_count"], -item["minor_count"])
        for item in items
    ]
    assert keys == sorted(keys)
    _, rows = read_back(
        planner.get(f"{API}/exports/results/{seeded.run_id}", params={"format": "json"}), "json"
    )
    assert [row[0] for row in rows] == [item["bin"] for item in items]


def test_the_inspections_export_filters_by_number_as_the_page_does(as_role: Callable[[str], Session]) -> None:
    """`number` (part of the printed number, any case) gives the rows of the page's own export."""
    inspector = as_role("inspector")
    first, second = completed(inspector), completed(inspector)
    every = inspector.get(f"{API}/exports/inspections", params={"format": "json"}).json()
    assert {first, second} <= {item["id"] for item in every}
    page = inspector.get("/inspections").text
    numbers = sorted(set(re.findall(r'<span class="inspection-number">([^<]+)</span>', page)))
    assert numbers, "the inspections page shows the printed numbers"
    wanted = numbers[0].lower()
    found = inspector.get(f"{API}/exports/inspections", params={"format": "json", "number": wanted}).json()
    shown = inspector.get("/exports/inspections", params={"format": "json", "number": wanted}).json()
    assert found == shown and 1 <= len(found) < len(every)
