"""Hostile files uploaded to /api/v1/imports: the job fails at once with errors by row and field, their
texts in kk, ru and en, and the next job runs (a far XLSX cell used to keep the queue busy for minutes)."""

from __future__ import annotations

import io
from collections.abc import Callable

from tests.api.conftest import Session
from tests.api.test_jobs_api import wait
from tests.web.support import OWN_BIN

API = "/api/v1"


def _send(session: Session, name: str, content: bytes, kind: str = "import_subjects") -> str:
    files = {"file": (name, content, "application/octet-stream")}
    response = session.send("POST", f"{API}/imports", data={"kind": kind}, files=files)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _far_cell_workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["bin", "name", "region", "groups"])
    sheet.append([OWN_BIN, "A", "astana", "stationary_care"])
    sheet["XFD1048576"] = "x"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_far_cell_fails_the_job_at_once_and_the_next_one_runs(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    job = wait(planner, _send(planner, "far.xlsx", _far_cell_workbook()), timeout=20)
    assert job["status"] == "failed"
    [error] = job["result"]["errors"]
    assert (error["row"], error["field"], error["kind"]) == (1_048_576, "XFD", "file_too_large")
    assert error["messages"]["ru"].startswith("в строке есть данные в столбце XFD")
    assert error["messages"]["kk"].startswith("жолдың XFD бағанында деректер бар")
    content = b"bin,criterion,source_group,observed_on,reference\n" + f"{OWN_BIN},1,,0001-01-01,x\n".encode()
    after = wait(planner, _send(planner, "old.csv", content, kind="import_evidence"), timeout=20)
    assert after["status"] == "failed"
    assert [(e["row"], e["field"], e["kind"]) for e in after["result"]["errors"]] == [
        (2, "observed_on", "date_out_of_range")
    ]


def test_a_nul_byte_fails_the_job_with_its_row_and_field(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    content = f"bin,name,region,groups\n{OWN_BIN},Ақ\x00жол,astana,stationary_care\n".encode()
    job = wait(planner, _send(planner, "nul.csv", content))
    assert job["status"] == "failed"
    [error] = job["result"]["errors"]
    assert (error["row"], error["field"], error["kind"]) == (2, "name", "control_character")
    assert "U+0000 (NUL)" in error["messages"]["kk"]
    assert planner.get(f"{API}/subjects/{OWN_BIN}").json()["name"] != "Ақ"


def test_a_jobs_row_errors_are_in_the_language_the_request_asks(as_role: Callable[[str], Session]) -> None:
    planner = as_role("planner")
    content = f"bin,name,region,groups\n{OWN_BIN},Ақ\x00жол,astana,stationary_care\n".encode()
    job_id = _send(planner, "nul.csv", content)
    wait(planner, job_id)
    said = {}
    for language in ("kk", "ru", "en"):
        answer = planner.get(f"{API}/jobs/{job_id}", params={"lang": language}).json()
        [error] = answer["result"]["errors"]
        assert error["message"] == error["messages"][language], (language, error)
        said[language] = error["message"]
    assert len(set(said.values())) == 3
    by_header = planner.get(f"{API}/jobs/{job_id}", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).json()
    assert by_header["result"]["errors"][0]["message"] == said["ru"]
    listed = planner.get(f"{API}/jobs", params={"lang": "kk"}).json()
    assert [job["result"]["errors"][0]["message"] for job in listed if job["id"] == job_id] == [said["kk"]]
