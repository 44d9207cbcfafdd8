"""Who may do what through the API: the permission matrix of role x own or other region x action.

The inspector works in OWN_REGION (Astana); "other" is a subject or filter of OTHER_REGION (Almaty city).
The rules are enforced in the services (tests/services/test_accounts.py checks the same there), so the
pages answer alike (tests/web/test_registry_pages.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from tests.api.conftest import Seeded, Session
from tests.web.support import OTHER_BIN, OTHER_REGION, OWN_BIN, OWN_REGION

API = "/api/v1"

# Expected status by role, region of the subject (or of the filter) and action.
REGIONAL = """
role       region  read  search  evidence  explain  results  add_evidence
admin      own     200   200     200       200      200      201
admin      other   200   200     200       200      200      201
planner    own     200   200     200       200      200      201
planner    other   200   200     200       200      200      201
inspector  own     200   200     200       200      200      201
inspector  other   403   403     403       403      403      403
viewer     own     200   200     200       200      200      403
viewer     other   200   200     200       200      200      403
"""

# Expected status by role and action that concerns no region.
GLOBAL = """
role       users  create_user  audit  import  assess  runs  jobs  me
admin      200    201          200    202     202     200   200   200
planner    403    403          403    202     202     200   200   200
inspector  403    403          403    403     403     200   200   200
viewer     403    403          403    403     403     200   200   200
"""


def cases(text: str, keys: int) -> list[tuple[str, ...]]:
    """(key columns..., action, status) for each cell of the table."""
    header, *rows = (line.split() for line in text.strip().splitlines())
    return [(*row[:keys], action, row[i]) for row in rows for i, action in enumerate(header) if i >= keys]


def regional_call(session: Session, seeded: Seeded, action: str, region: str, bin: str) -> int:
    if action == "read":
        return int(session.get(f"{API}/subjects/{bin}").status_code)
    if action == "search":
        return int(session.get(f"{API}/subjects", params={"region": region}).status_code)
    if action == "evidence":
        return int(session.get(f"{API}/subjects/{bin}/evidence").status_code)
    if action == "explain":
        return int(session.get(f"{API}/assessments/explanations/{bin}").status_code)
    if action == "results":
        return int(
            session.get(f"{API}/assessments/{seeded.run_id}/results", params={"region": region}).status_code
        )
    assert action == "add_evidence"
    body = {"criterion": 3, "observed_on": "2024-04-01", "reference": f"matrix {session.username} {region}"}
    return int(session.send("POST", f"{API}/subjects/{bin}/evidence", json=body).status_code)


@pytest.mark.parametrize(("role", "where", "action", "status"), cases(REGIONAL, 2))
def test_regional_permissions(
    as_role: Callable[[str], Session], seeded: Seeded, role: str, where: str, action: str, status: str
) -> None:
    region, bin = (OWN_REGION, OWN_BIN) if where == "own" else (OTHER_REGION, OTHER_BIN)
    assert regional_call(as_role(role), seeded, action, region, bin) == int(status)


def global_call(session: Session, action: str) -> int:
    counter = next(_names)
    if action == "users":
        return int(session.get(f"{API}/users").status_code)
    if action == "create_user":
        body = {"username": f"made-{counter}", "role": "viewer"}
        return int(session.send("POST", f"{API}/users", json=body).status_code)
    if action == "audit":
        return int(session.get(f"{API}/audit").status_code)
    if action == "import":
        content = (
            f"bin,name,region,address,groups\n{OWN_BIN},«Мейірім» орталығы,astana,Street 1,stationary_care\n"
        )
        files = {"file": ("again.csv", content.encode(), "text/csv")}
        return int(
            session.send("POST", f"{API}/imports", data={"kind": "import_subjects"}, files=files).status_code
        )
    if action == "assess":
        return int(session.send("POST", f"{API}/assessments", json={"as_of": "2024-06-01"}).status_code)
    if action == "runs":
        return int(session.get(f"{API}/assessments").status_code)
    if action == "jobs":
        return int(session.get(f"{API}/jobs").status_code)
    assert action == "me"
    return int(session.get(f"{API}/auth/me").status_code)


_names = itertools.count()


@pytest.mark.parametrize(("role", "action", "status"), cases(GLOBAL, 1))
def test_global_permissions(as_role: Callable[[str], Session], role: str, action: str, status: str) -> None:
    assert global_call(as_role(role), action) == int(status)


def test_an_inspector_lists_only_its_region(as_role: Callable[[str], Session], seeded: Seeded) -> None:
    inspector = as_role("inspector")
    found = inspector.get(f"{API}/subjects", params={"per_page": 200}).json()
    assert found["items"] and {item["region"] for item in found["items"]} == {OWN_REGION}
    results = inspector.get(f"{API}/assessments/{seeded.run_id}/results", params={"per_page": 200}).json()
    assert results["items"] and {item["region"] for item in results["items"]} == {OWN_REGION}
    everything = as_role("viewer").get(f"{API}/subjects", params={"per_page": 200}).json()
    assert {item["region"] for item in everything["items"]} > {OWN_REGION}


def test_nobody_signed_in_gets_401(seeded: Seeded) -> None:
    client = seeded.client()
    document = client.get(f"{API}/openapi.json").json()
    open_paths = (
        f"{API}/health",
        f"{API}/catalog",
        f"{API}/auth/login",
        f"{API}/auth/signature/",  # signing in with an electronic signature: a challenge, then its answer
        f"{API}/openapi.json",
        f"{API}/public/",
    )
    checked = 0
    for path, methods in document["paths"].items():
        if path.startswith(open_paths):
            continue
        concrete = path.replace("{bin}", OWN_BIN).replace("{run_id}", str(seeded.run_id))
        concrete = concrete.replace("{job_id}", str(seeded.run_id)).replace("{username}", "t-admin")
        for method in methods:
            response = client.request(method.upper(), concrete)
            assert response.status_code == 401, (method, path, response.text)
            checked += 1
    assert checked >= 20
