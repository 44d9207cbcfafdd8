"""/api/v1/imports, /api/v1/jobs and /api/v1/assessments: background jobs from upload to result."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from openpyxl import Workbook

from tekseru.catalog.identifiers import demo_bins
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.api.conftest import Seeded, Session, sign_in
from tests.web.support import BINS, CHEAP_PASSWORDS, OWN_BIN, USERS, seed

API = "/api/v1"
NEW_BINS = list(demo_bins(2, prefix="1901600"))
LISTED_BIN = next(demo_bins(1, prefix="1901700"))
FAR_BIN = next(demo_bins(1, prefix="1902200"))
ENDED = ("finished", "failed", "cancelled", "timed_out", "interrupted")


def wait(session: Session, job_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = session.get(f"{API}/jobs/{job_id}").json()
        if job["status"] in ENDED or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def upload(session: Session, kind: str, name: str, content: str, skip_invalid: bool = False) -> Any:
    files = {"file": (name, content.encode("utf-8"), "text/csv")}
    data = {"kind": kind, "skip_invalid": str(skip_invalid).lower()}
    return session.send("POST", f"{API}/imports", data=data, files=files)


def test_an_import_runs_in_the_background_and_reports(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    content = "bin,name,region,groups\n" + "".join(
        f"{b},New {i},shymkent,home_care\n" for i, b in enumerate(NEW_BINS)
    )
    response = upload(planner, "import_subjects", "new subjects.csv", content)
    assert response.status_code == 202
    started = response.json()
    assert (started["kind"], started["status"], started["created_by"]) == (
        "import_subjects",
        "queued",
        "t-planner",
    )
    assert started["params"] == {"file": "new subjects.csv", "skip_invalid": False}
    job = wait(planner, started["id"])
    assert job["status"] == "finished"
    assert {key: job["result"][key] for key in ("rows_read", "created", "updated", "rejected")} == {
        "rows_read": 2,
        "created": 2,
        "updated": 0,
        "rejected": 0,
    }
    assert job["done"] == job["total"] == 2 and job["percent"] == 100
    assert planner.get(f"{API}/subjects/{NEW_BINS[0]}").status_code == 200
    audit = (
        as_role("admin")
        .get(f"{API}/audit", params={"action": "import.subjects", "key": started["id"]})
        .json()
    )
    assert audit["items"][0]["after"]["created"] == 2 and audit["items"][0]["actor"] == "t-planner"


def test_a_file_with_errors_imports_nothing_and_lists_them_by_row(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    content = (
        "bin,criterion,source_group,observed_on,reference\n"
        + f"{OWN_BIN},1,,2024-01-01,Act 1\n{OWN_BIN},999,,2024-01-01,Act 2\n123,1,,2024-01-01,Act 3\n"
    )
    job = wait(planner, upload(planner, "import_evidence", "bad.csv", content).json()["id"])
    said = "bad.csv импортталмады: қателер саны: 2. Ештеңе сақталмады."  # as the command line says it
    assert job["status"] == "failed" and job["message"] == said
    russian = planner.get(f"{API}/jobs/{job['id']}", params={"lang": "ru"}).json()["message"]
    assert russian == "bad.csv не импортирован: ошибок: 2. Ничего не сохранено."
    assert [(e["row"], e["field"], e["kind"]) for e in job["result"]["errors"]] == [
        (3, "criterion", "unknown_criterion"),
        (4, "bin", "invalid_bin"),
    ]
    assert job["result"]["error_count"] == 2


def test_skip_invalid_imports_the_good_rows(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    content = (
        "bin,criterion,source_group,observed_on,reference\n"
        + f"{BINS[4]},3,,2024-02-01,Act S\n{BINS[4]},999,,2024-02-01,Act T\n"
    )
    job = wait(
        planner, upload(planner, "import_evidence", "mixed.csv", content, skip_invalid=True).json()["id"]
    )
    assert job["status"] == "finished"
    assert (job["result"]["created"], job["result"]["rejected"], len(job["result"]["errors"])) == (1, 1, 1)
    assert job["result"]["rejected_file"].endswith("mixed.rejected.csv")


def test_an_upload_must_be_csv_or_xlsx(as_role: Callable[[str], Session]) -> None:
    response = upload(as_role("planner"), "import_subjects", "notes.txt", "hello")
    assert response.status_code == 422
    assert upload(as_role("planner"), "assessment", "s.csv", "bin").status_code == 422


def test_an_assessment_runs_as_a_job_and_its_results_are_read(
    as_role: Callable[[str], Session], seeded: Seeded
) -> None:
    planner = as_role("planner")
    response = planner.send("POST", f"{API}/assessments", json={"as_of": "2024-06-02"})
    assert response.status_code == 202
    job = wait(planner, response.json()["id"], timeout=60)
    assert job["status"] == "finished", job
    run_id = job["result"]["run_id"]
    run = planner.get(f"{API}/assessments/{run_id}").json()
    assert (run["status"], run["as_of"]) == ("finished", "2024-06-02")
    assert run_id in [r["id"] for r in planner.get(f"{API}/assessments").json()]
    results = planner.get(f"{API}/assessments/{run_id}/results", params={"risk_class": "high"}).json()
    assert results["items"] and all(item["risk_class"] == "high" for item in results["items"])
    scores = [item["score"] for item in planner.get(f"{API}/assessments/{run_id}/results").json()["items"]]
    assert scores == sorted(scores, reverse=True)
    audit = as_role("admin").get(f"{API}/audit", params={"action": "assessment.run", "key": run_id}).json()
    assert audit["total"] == 1


def test_the_explanation_of_a_score(as_role: Callable[[str], Session], seeded: Seeded) -> None:
    viewer = as_role("viewer")
    english = viewer.get(f"{API}/assessments/explanations/{OWN_BIN}", params={"lang": "en"}).json()
    assert english["lines"] and "100" in english["lines"][0]
    kazakh = viewer.get(f"{API}/assessments/explanations/{OWN_BIN}").json()
    assert kazakh["language"] == "kk" and kazakh["lines"] != english["lines"]
    assert viewer.get(f"{API}/assessments/explanations/{OWN_BIN}", params={"lang": "de"}).status_code == 422


def test_jobs_are_listed_for_those_who_may_follow_them(as_role: Callable[[str], Session]) -> None:
    planner, viewer = as_role("planner"), as_role("viewer")
    content = f"bin,name,region,groups\n{LISTED_BIN},Listed,shymkent,home_care\n"
    first = wait(planner, upload(planner, "import_subjects", "listed.csv", content).json()["id"])
    import_job = wait(planner, upload(planner, "import_subjects", "listed.csv", content).json()["id"])
    assert (first["result"]["created"], import_job["result"]["unchanged"]) == (1, 1)
    wait(planner, planner.send("POST", f"{API}/assessments", json={"as_of": "2024-06-01"}).json()["id"], 60)
    kinds = {job["kind"] for job in planner.get(f"{API}/jobs").json()}
    assert {"import_subjects", "assessment"} <= kinds
    assert {job["kind"] for job in viewer.get(f"{API}/jobs").json()} == {"assessment"}
    assert viewer.get(f"{API}/jobs/{import_job['id']}").status_code == 404
    assert planner.get(f"{API}/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A seeded app whose jobs may run 5 seconds."""
    folder = tmp_path_factory.mktemp("quick-jobs")
    settings = Settings(attachments_dir=str(folder / "files"), job_time_limit_seconds=5)
    app = create_app(settings.with_database_path(folder / "tekseru.sqlite3"), passwords=CHEAP_PASSWORDS)
    run_id = seed(app.state.tekseru.database(), folder)
    yield Seeded(app, run_id)
    app.state.tekseru.close()


def far_cell_workbook() -> bytes:
    """The 5 KB file of issue 12: a header, one row and one cell at XFD1048576."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["bin", "name", "region", "groups"])
    sheet.append([FAR_BIN, "Far", "shymkent", "home_care"])
    sheet["XFD1048576"] = "x"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_workbook_that_reads_for_minutes_does_not_hold_up_an_assessment(quick: Seeded) -> None:
    planner = sign_in(quick.client(), USERS["planner"].username)
    content = far_cell_workbook()
    assert len(content) < 6 * 1024
    files = {
        "file": ("far.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    }
    far = planner.send("POST", f"{API}/imports", data={"kind": "import_subjects"}, files=files).json()
    assessment = planner.send("POST", f"{API}/assessments", json={"as_of": "2024-06-03"}).json()
    assert wait(planner, assessment["id"], timeout=60)["status"] == "finished"
    ended = wait(planner, far["id"], timeout=60)
    # Stopped at the time limit while it reads, or refused at once by a reader that reads only cells with data
    assert ended["status"] in ("timed_out", "failed"), ended
    assert planner.get(f"{API}/subjects/{FAR_BIN}").status_code == 404


def test_an_administrator_cancels_a_running_import(quick: Seeded) -> None:
    planner = sign_in(quick.client(), USERS["planner"].username)
    admin = sign_in(quick.client(), USERS["admin"].username)
    slow = "bin,name,region,groups\n" + "\n" * 10_000_000 + f"{FAR_BIN},Late,shymkent,home_care\n"
    job = upload(planner, "import_subjects", "slow.csv", slow).json()
    while planner.get(f"{API}/jobs/{job['id']}").json()["status"] == "queued":
        time.sleep(0.05)
    assert planner.send("POST", f"{API}/jobs/{job['id']}/cancel").status_code == 403
    assert admin.client.post(f"{API}/jobs/{job['id']}/cancel").status_code == 403  # no CSRF token
    response = admin.send("POST", f"{API}/jobs/{job['id']}/cancel")
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["message"]) == ("cancelled", "t-admin тоқтатты")
    russian = admin.get(f"{API}/jobs/{job['id']}", params={"lang": "ru"}).json()
    assert russian["message"] == "отменено пользователем t-admin"
    listed = admin.get(f"{API}/jobs", headers={"Accept-Language": "en"}).json()
    assert {"id": job["id"], "message": "cancelled by t-admin"} in [
        {"id": j["id"], "message": j["message"]} for j in listed
    ]
    again = admin.send("POST", f"{API}/jobs/{job['id']}/cancel")
    assert again.status_code == 409 and "аяқталып қойған (тоқтатылды)" in again.json()["detail"]
    assert admin.send("POST", f"{API}/jobs/{uuid.uuid4()}/cancel").status_code == 404
    entries = admin.get(f"{API}/audit", params={"action": "job.cancel", "key": job["id"]}).json()
    assert [item["actor"] for item in entries["items"]] == ["t-admin"]
    assert planner.get(f"{API}/subjects/{FAR_BIN}").status_code == 404
