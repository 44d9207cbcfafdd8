"""/api/v1/plans: drafting from the seeded assessment, reading, comparing, approving, publishing, discarding,
printing, and who may do each (tests.web.support.seed: the high and medium subjects are candidates)."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.api.conftest import Seeded, Session
from tests.web.support import BINS, OTHER_BIN, OWN_BIN, OWN_REGION

API = "/api/v1"
HALF_YEAR = "2024-H2"
CANDIDATES = {OWN_BIN, OTHER_BIN, BINS[1]}  # high, high, medium


_FRESH = itertools.count()


def fresh_half_year() -> str:
    """A half-year no other test of the module drafted: one list of a half-year (and region) is approved
    at a time, and the module's tests share one database."""
    number = next(_FRESH)
    return f"{2032 + number // 2}-H{number % 2 + 1}"


def draft(session: Session, **body: object) -> dict[str, Any]:
    response = session.send("POST", f"{API}/plans", json={"half_year": HALF_YEAR, **body})
    assert response.status_code == 201, response.text
    plan: dict[str, Any] = response.json()
    return plan


def test_a_draft_lists_the_candidates_in_order_and_every_exclusion(as_role: Callable[[str], Session]) -> None:
    plan = draft(as_role("planner"))
    assert (plan["status"], plan["half_year"], plan["as_of"]) == ("draft", HALF_YEAR, "2024-06-01")
    included = plan["included"]
    assert {row["bin"] for row in included} == CANDIDATES
    assert [row["rank"] for row in included] == [1, 2, 3]
    assert included[-1]["bin"] == BINS[1] and included[-1]["risk_class"] == "medium"
    assert all(1 <= row["planned_month"] - 6 <= 6 for row in included)  # July to December
    assert included[0]["score"] == 100.0 and included[0]["main_reasons"]
    excluded = plan["excluded"]
    assert {row["bin"] for row in excluded} == set(BINS) - CANDIDATES
    assert {row["reason"] for row in excluded} == {"class_not_candidate"}
    assert plan["included_count"] == 3 and plan["overflow"] == [] and plan["created_by"] == "t-planner"


def test_a_capacity_keeps_the_rows_beyond_it(as_role: Callable[[str], Session]) -> None:
    plan = draft(as_role("planner"), capacity={"Астана": 1})
    assert plan["capacity"] == {OWN_REGION: 1}
    overflow = plan["overflow"]
    assert [(row["bin"], row["planned_month"]) for row in overflow] == [(BINS[1], None)]
    assert plan["included_count"] == 2


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"capacity": {"atlantis": 3}}, 422, "atlantis"),
        ({"capacity": {"astana": -1}}, 422, "0-ден кем емес бүтін сан болуы керек"),
        ({"as_of": "2020-01-01"}, 409, "2020-01-01 күнгі немесе одан ерте аяқталған тәуекелді бағалау жоқ"),
    ],
)
def test_a_draft_that_cannot_be_formed_says_why(
    as_role: Callable[[str], Session], body: dict[str, object], status: int, detail: str
) -> None:
    response = as_role("planner").send("POST", f"{API}/plans", json={"half_year": HALF_YEAR, **body})
    assert response.status_code == status and detail in response.json()["detail"]


def test_a_half_year_must_be_written_as_one(as_role: Callable[[str], Session]) -> None:
    response = as_role("planner").send("POST", f"{API}/plans", json={"half_year": "2024-H3"})
    assert response.status_code == 422
    assert as_role("planner").get(f"{API}/plans", params={"half_year": "2024"}).status_code == 422


def test_approve_then_publish_and_nothing_changes_after(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    plan_id = draft(planner, half_year=fresh_half_year())["id"]
    assert planner.send("POST", f"{API}/plans/{plan_id}/publish").status_code == 409  # not approved yet
    approved = planner.send("POST", f"{API}/plans/{plan_id}/approve")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("approved", "t-planner")
    again = planner.send("POST", f"{API}/plans/{plan_id}/approve")
    assert again.status_code == 409 and f"№ {plan_id} тізім – бекітілген" in again.json()["detail"]
    assert planner.send("DELETE", f"{API}/plans/{plan_id}").status_code == 409
    published = planner.send("POST", f"{API}/plans/{plan_id}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert planner.send("POST", f"{API}/plans/{plan_id}/publish").status_code == 409
    listed = planner.get(f"{API}/plans", params={"status": "published"}).json()
    assert plan_id in [item["id"] for item in listed]
    assert all(item["status"] == "published" for item in listed)


def test_a_new_draft_is_compared_with_the_approved_list(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    period = fresh_half_year()
    first = draft(planner, half_year=period, capacity={"astana": 1})["id"]
    planner.send("POST", f"{API}/plans/{first}/approve")
    second = draft(planner, half_year=period)
    assert second["previous_plan_id"] == first
    diff = planner.get(f"{API}/plans/{second['id']}/diff").json()
    assert diff["previous_plan_id"] == first
    assert [(row["row"]["bin"], row["reason"]) for row in diff["added"]] == [(BINS[1], "was_beyond_capacity")]
    assert diff["removed"] == []
    # what changed and why, in the reader's language (Accept-Language for an API client, else ?lang=)
    path = f"{API}/plans/{second['id']}/diff"
    russian = planner.get(path, headers={"Accept-Language": "ru"}).json()
    assert russian["added"][0]["detail"].startswith("сверх возможностей региона ")
    english = planner.get(path, params={"lang": "en"}).json()
    assert english["added"][0]["detail"].startswith("beyond the capacity of ")
    for moved in russian["moved"]:
        assert moved["changes"] and not any(re.search(r"[A-Za-z]{3}", line) for line in moved["changes"])


def test_the_first_list_is_compared_with_nothing(seeded: Seeded, as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    plan_id = draft(planner, **{"half_year": "2031-H1"})["id"]
    diff = planner.get(f"{API}/plans/{plan_id}/diff").json()
    assert diff == {"plan_id": plan_id, "previous_plan_id": None, "added": [], "removed": [], "moved": []}


def test_a_draft_can_be_discarded(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    plan_id = draft(planner)["id"]
    assert planner.send("DELETE", f"{API}/plans/{plan_id}").status_code == 204
    missing = planner.get(f"{API}/plans/{plan_id}")
    assert missing.status_code == 404 and missing.json() == {"detail": f"№ {plan_id} тізім жоқ"}


@pytest.mark.parametrize(
    ("format", "lang", "media_type", "magic"),
    [
        ("xlsx", "kk", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("xlsx", "ru", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "kk", "application/pdf", b"%PDF-"),
        ("pdf", "ru", "application/pdf", b"%PDF-"),
    ],
)
def test_the_printed_list(
    as_role: Callable[[str], Session], format: str, lang: str, media_type: str, magic: bytes
) -> None:
    plan_id = draft(as_role("planner"))["id"]
    response = as_role("viewer").get(
        f"{API}/plans/{plan_id}/document", params={"format": format, "lang": lang}
    )
    assert response.status_code == 200 and response.headers["content-type"] == media_type
    assert response.content.startswith(magic)
    expected = f'attachment; filename="plan-{plan_id}-{HALF_YEAR}-{lang}.{format}"'
    assert response.headers["content-disposition"] == expected
    assert (
        as_role("viewer").get(f"{API}/plans/{plan_id}/document", params={"format": "docx"}).status_code == 422
    )


def test_changes_are_in_the_audit_log(as_role: Callable[[str], Session]) -> None:
    plan_id = draft(as_role("planner"), half_year=fresh_half_year())["id"]
    as_role("admin").send("POST", f"{API}/plans/{plan_id}/approve")
    log = as_role("admin").get(f"{API}/audit", params={"entity": "plan", "key": str(plan_id)}).json()
    entries = {entry["action"]: entry for entry in log["items"]}
    assert set(entries) == {"plan.draft", "plan.approve"}
    assert entries["plan.draft"]["actor"] == "t-planner" and entries["plan.approve"]["actor"] == "t-admin"
    assert entries["plan.approve"]["after"]["status"] == "approved"


def test_an_unsafe_call_needs_the_csrf_token(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    refused = planner.client.post(f"{API}/plans", json={"half_year": HALF_YEAR})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]


# Who may do what (on a draft; publishing on an approved list): lists are read by every role, drafts not by
# an inspector; only planners and admins change them.
MATRIX = """
role       list  read  diff  document  draft  approve  publish  discard
admin      200   200   200   200       201    200      200      204
planner    200   200   200   200       201    200      200      204
inspector  200   403   403   403       403    403      403      403
viewer     200   200   200   200       403    403      403      403
"""


def cases() -> list[tuple[str, str, int]]:
    header, *rows = (line.split() for line in MATRIX.strip().splitlines())
    return [(row[0], action, int(row[i])) for row in rows for i, action in enumerate(header) if i]


@pytest.fixture(scope="module")
def plans_by_step(as_role: Callable[[str], Session]) -> Callable[[str], int]:
    """A fresh plan in the status an action needs: a draft, or an approved list to publish."""

    def make(action: str) -> int:
        planner = as_role("planner")
        plan_id = int(draft(planner, half_year=fresh_half_year())["id"])
        if action == "publish":
            assert planner.send("POST", f"{API}/plans/{plan_id}/approve").status_code == 200
        return plan_id

    return make


@pytest.mark.parametrize(("role", "action", "status"), cases())
def test_permissions(
    as_role: Callable[[str], Session],
    plans_by_step: Callable[[str], int],
    role: str,
    action: str,
    status: int,
) -> None:
    session, plan_id = as_role(role), plans_by_step(action)
    calls = {
        "list": lambda: session.get(f"{API}/plans"),
        "read": lambda: session.get(f"{API}/plans/{plan_id}"),
        "diff": lambda: session.get(f"{API}/plans/{plan_id}/diff"),
        "document": lambda: session.get(f"{API}/plans/{plan_id}/document"),
        "draft": lambda: session.send("POST", f"{API}/plans", json={"half_year": HALF_YEAR}),
        "approve": lambda: session.send("POST", f"{API}/plans/{plan_id}/approve"),
        "publish": lambda: session.send("POST", f"{API}/plans/{plan_id}/publish"),
        "discard": lambda: session.send("DELETE", f"{API}/plans/{plan_id}"),
    }
    assert calls[action]().status_code == status


def _bins(plan: dict[str, Any]) -> set[str]:
    return {row["bin"] for part in ("included", "overflow", "excluded") for row in plan[part]}


def test_an_inspector_reads_no_draft_and_only_its_region_of_an_approved_list(
    as_role: Callable[[str], Session],
) -> None:
    planner, inspector = as_role("planner"), as_role("inspector")
    plan_id = draft(planner, half_year=fresh_half_year())["id"]
    assert OTHER_BIN in _bins(planner.get(f"{API}/plans/{plan_id}").json())
    assert plan_id not in {plan["id"] for plan in inspector.get(f"{API}/plans").json()}
    for path in ("", "/diff", "/document"):
        assert inspector.get(f"{API}/plans/{plan_id}{path}").status_code == 403

    assert planner.send("POST", f"{API}/plans/{plan_id}/approve").status_code == 200
    assert plan_id in {plan["id"] for plan in inspector.get(f"{API}/plans").json()}
    seen = inspector.get(f"{API}/plans/{plan_id}").json()
    assert OWN_BIN in _bins(seen) and OTHER_BIN not in _bins(seen)
    assert {row["region"] for part in ("included", "overflow", "excluded") for row in seen[part]} == {
        OWN_REGION
    }
    compared = inspector.get(f"{API}/plans/{plan_id}/diff")
    assert compared.status_code == 200 and OTHER_BIN not in compared.text


@pytest.mark.parametrize("format", ["xlsx", "pdf"])
def test_an_inspector_prints_only_its_region(as_role: Callable[[str], Session], format: str) -> None:
    planner, inspector = as_role("planner"), as_role("inspector")
    plan_id = draft(planner, half_year=fresh_half_year())["id"]
    assert planner.send("POST", f"{API}/plans/{plan_id}/approve").status_code == 200
    printed = {
        role: document_text(session.get(f"{API}/plans/{plan_id}/document", params={"format": format}))
        for role, session in (("planner", planner), ("inspector", inspector))
    }
    assert OTHER_BIN in printed["planner"] and OWN_BIN in printed["planner"]
    assert OTHER_BIN not in printed["inspector"] and OWN_BIN in printed["inspector"]


def document_text(response: Any) -> str:
    """The text of every cell of the printed XLSX, or of every page of the PDF."""
    assert response.status_code == 200, response.text
    if response.content.startswith(b"%PDF-"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row if value
    )


def test_signed_out_is_401(seeded: Seeded) -> None:
    assert seeded.client().get(f"{API}/plans").status_code == 401


def test_a_second_list_of_an_approved_half_year_is_refused_and_drafts_do_not_pile_up(
    as_role: Callable[[str], Session],
) -> None:
    planner = as_role("planner")
    period = fresh_half_year()
    first = draft(planner, half_year=period)
    again = draft(planner, half_year=period)
    assert again["id"] == first["id"]  # drafting again replaced the draft: one draft of a half-year
    drafts = planner.get(f"{API}/plans", params={"half_year": period, "status": "draft"}).json()
    assert [plan["id"] for plan in drafts] == [first["id"]]
    assert planner.send("POST", f"{API}/plans/{first['id']}/approve").status_code == 200
    second = draft(planner, half_year=period)
    assert second["id"] != first["id"]
    for lang, words in (
        ("kk", f"{second['id']} тізімін бекітуге болмайды: "),
        ("ru", f"Список {second['id']} нельзя утвердить: список {first['id']} на "),
    ):
        refused = planner.send("POST", f"{API}/plans/{second['id']}/approve", params={"lang": lang})
        assert refused.status_code == 409 and refused.json()["detail"].startswith(words), refused.text
    assert "полугодие 20" in refused.json()["detail"] and "-H" not in refused.json()["detail"]
    assert planner.get(f"{API}/plans/{second['id']}").json()["status"] == "draft"
