"""Rosters, service-delivery records and accessibility findings uploaded to /api/v1/imports on SQLite and
PostgreSQL: each is a background job that reports its counts, changes nothing when sent again, fails with
errors by row and field in kk and ru (IINs masked) keeping nothing, hands back the rejected rows, and turns
a hostile file into a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.web.app import create_app
from tests.api.conftest import Session, sign_in
from tests.api.test_jobs_api import wait
from tests.databases import database, database_url, postgres_server  # noqa: F401
from tests.services.roster_data import IINS, PROVIDER_A, PROVIDER_B
from tests.web.support import CHEAP_PASSWORDS, USERS, seed

API = "/api/v1"
ROSTER = (
    "iin,bin,form,start_date,end_date\n"
    f"{IINS[0]},{PROVIDER_A},stationary,2024-01-10,\n"
    f"{IINS[1]},{PROVIDER_B},home_care,2024-02-01,2024-03-31\n"
)
WRONG_DIGIT = IINS[2][:-1] + str((int(IINS[2][-1]) + 1) % 10)


@pytest.fixture
def planner(database_url: str, database: Database, tmp_path: Path) -> Iterator[Session]:  # noqa: F811
    # `database`: the database at database_url is one migrated already (tests/databases.py)
    app = create_app(
        Settings(database_url=database_url, attachments_dir=str(tmp_path / "files")),
        passwords=CHEAP_PASSWORDS,
    )
    seed(app.state.tekseru.database(), tmp_path)
    with TestClient(app) as client:
        yield sign_in(client, USERS["planner"].username)
    app.state.tekseru.close()


def send(session: Session, kind: str, name: str, content: bytes, **data: str) -> dict[str, Any]:
    files = {"file": (name, content, "text/csv")}
    response = session.send("POST", f"{API}/imports", data={"kind": kind, **data}, files=files)
    assert response.status_code == 202, response.text
    return wait(session, str(response.json()["id"]), timeout=60)


def test_each_source_imports_once_and_the_same_file_again_changes_nothing(planner: Session) -> None:
    for kind in ("import_roster_provider", "import_roster_esobes", "import_roster_portal"):
        first = send(planner, kind, "roster.csv", ROSTER.encode())
        assert first["status"] == "finished", first
        assert (first["result"]["created"], first["result"]["rejected"]) == (2, 0)
        again = send(planner, kind, "roster.csv", ROSTER.encode())
        assert (again["result"]["created"], again["result"]["unchanged"]) == (0, 2)
    deliveries = (
        f"iin,bin,kind,planned,delivered,date\n{IINS[0]},{PROVIDER_A},social_domestic,10,8,2024-05-01\n"
    )
    findings = f"object,bin,element,found_on\nBuilding 1,{PROVIDER_A},entrance_group,2024-04-01\n"
    delivered = send(planner, "import_deliveries", "d.csv", deliveries.encode())
    found = send(planner, "import_findings", "f.csv", findings.encode())
    assert (delivered["status"], delivered["result"]["created"]) == ("finished", 1), delivered
    assert (found["status"], found["result"]["created"]) == ("finished", 1), found
    listed = planner.get(f"{API}/jobs", params={"kind": "import_findings"}).json()
    assert [job["id"] for job in listed] == [found["id"]]


def test_a_bad_row_fails_in_kk_and_ru_with_the_iin_masked_and_nothing_kept(planner: Session) -> None:
    content = (ROSTER + f"{WRONG_DIGIT},{PROVIDER_A},stationary,2024-01-10,\n").encode()
    failed = send(planner, "import_roster_esobes", "e.csv", content)
    assert failed["status"] == "failed"
    [error] = failed["result"]["errors"]
    assert (error["row"], error["field"], error["kind"]) == (4, "iin", "invalid_iin")
    assert "ЖСН" in error["messages"]["kk"] and "ИИН" in error["messages"]["ru"]
    assert WRONG_DIGIT not in str(failed)
    russian = planner.get(f"{API}/jobs/{failed['id']}", params={"lang": "ru"}).json()
    assert WRONG_DIGIT[:6] in str(russian) and WRONG_DIGIT not in str(russian)
    # Nothing of the file was kept: the good rows import as new afterwards.
    after = send(planner, "import_roster_esobes", "e.csv", ROSTER.encode())
    assert after["result"]["created"] == 2


def test_skipped_rows_come_back_as_a_file(planner: Session) -> None:
    content = (ROSTER + f"{IINS[3]},{PROVIDER_A},hotel,2024-01-10,\n").encode()
    done = send(planner, "import_roster_portal", "portal.csv", content, skip_invalid="true")
    assert (done["status"], done["result"]["created"], done["result"]["rejected"]) == ("finished", 2, 1)
    rows = planner.get(f"{API}/imports/{done['id']}/rejected")
    assert rows.status_code == 200, rows.text
    assert "hotel" in rows.text and IINS[0] not in rows.text


@pytest.mark.parametrize(
    "content",
    [
        f"iin,bin,form,start_date,end_date\n{IINS[0]},{PROVIDER_A},stat\x00ionary,2024-01-10,\n".encode(),
        # Marked as UTF-8 but with a Windows-1251 word.
        b"\xef\xbb\xbf"
        + ROSTER.encode()
        + f"{IINS[3]},{PROVIDER_A},".encode()
        + "дом".encode("cp1251")
        + b",2024-01-10,\n",
        b"\x00\x01\x02\xff\xfe\x00garbage\x00" * 50,
    ],
    ids=["nul", "mixed-encoding", "binary"],
)
def test_a_hostile_file_is_a_clear_error_and_the_next_import_runs(planner: Session, content: bytes) -> None:
    failed = send(planner, "import_roster_provider", "hostile.csv", content)
    assert failed["status"] == "failed", failed
    [first, *_] = failed["result"]["errors"]
    for language in ("kk", "ru", "en"):
        assert first["messages"][language] and "Traceback" not in first["messages"][language]
    assert first["messages"]["kk"] != first["messages"]["en"]
    assert send(planner, "import_roster_provider", "roster.csv", ROSTER.encode())["result"]["created"] == 2
