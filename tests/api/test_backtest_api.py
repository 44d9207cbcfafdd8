"""/api/v1/backtest: the figures of `tekseru backtest --format json`, computed by the same service from the
stored data; refused to an inspector of one region, and a bad range refused in the reader's language."""

from __future__ import annotations

import json
from collections.abc import Callable

from tekseru.catalog_files import load_catalogue
from tekseru.services.backtest import run_backtest
from tekseru.services.permissions import Actor
from tests.api.conftest import Seeded, Session

API = "/api/v1/backtest"


def test_the_answer_is_the_services_report(as_role: Callable[[str], Session], seeded: Seeded) -> None:
    answer = as_role("viewer").get(API, params={"from": "2024-H1", "to": "2024-H2", "first_n": 5, "seed": 3})
    assert answer.status_code == 200, answer.text
    report = run_backtest(
        seeded.app.state.tekseru.database(),
        Actor.system(),
        start="2024-H1",
        end="2024-H2",
        first_n=5,
        seed=3,
        catalogue=load_catalogue(),
    )
    assert answer.json() == json.loads(json.dumps(report.to_dict()))
    assert answer.json()["first_n"] == 5
    assert [half["half_year"] for half in answer.json()["half_years"]] == ["2024-H1", "2024-H2"]


def test_an_inspector_of_one_region_is_refused(as_role: Callable[[str], Session]) -> None:
    refused = as_role("inspector").get(API, params={"from": "2024-H1", "to": "2024-H2"})
    assert refused.status_code == 403


def test_a_backwards_range_is_refused_in_the_readers_language(as_role: Callable[[str], Session]) -> None:
    said = {}
    for lang in ("kk", "ru"):
        refused = as_role("planner").get(API, params={"from": "2026-H1", "to": "2024-H1", "lang": lang})
        assert refused.status_code == 422, refused.text
        said[lang] = refused.json()["detail"]
    assert "ертерек жартыжылдықты" in said["kk"] and "полугодие" in said["ru"], said
    malformed = as_role("planner").get(API, params={"from": "2024-H3", "to": "2024-H1"})
    assert malformed.status_code == 422


def test_the_openapi_document_describes_it(as_role: Callable[[str], Session]) -> None:
    document = as_role("viewer").get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/backtest"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"from", "to", "first_n", "seed"}
    assert {"200", "403", "422"} <= set(operation["responses"])
