"""Crashes with real processes, on SQLite and PostgreSQL: `tekseru serve` killed (SIGKILL) while an import job
writes, a job's own process killed while an assessment stores its results, a running import cancelled by
`tekseru jobs cancel` from another process. After each, the database is as it was before the job, the job
says what happened, and running it again gives the result of a run never interrupted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Uuid, bindparam, text

from tekseru.catalog.identifiers import demo_bins
from tekseru.services.assessments import run_assessment
from tekseru.services.auth import open_app_database
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.store.jobs import job_database
from tests.catalogue import CATALOGUE
from tests.databases import database, database_url, postgres_server
from tests.process_sessions import session_processes
from tests.tied_process import tied
from tests.web.support import PASSWORD, USERS, seed

__all__ = ["database", "database_url", "postgres_server"]

ROWS = 12_000  # three batches of an import: killed after the first
ENDED = ("finished", "failed", "cancelled", "timed_out", "interrupted")


@pytest.fixture
def site(database_url: str, database: Database, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A seeded database (`database`: one migrated already, see tests/databases.py), a large subjects file,
    and the environment of a server on them."""
    settings = Settings(database_url=database_url, attachments_dir=str(tmp_path / "files"))
    db = open_app_database(settings)
    try:
        seed(db, tmp_path)
    finally:
        db.close()
    big = tmp_path / "big-subjects.csv"
    rows = "".join(f"{b},Big {i},astana,home_care\n" for i, b in enumerate(demo_bins(ROWS, prefix="1903")))
    big.write_text("bin,name,region,groups\n" + rows, encoding="utf-8")
    env = {**os.environ, **settings.environment(), "TEKSERU_JOB_TIME_LIMIT_SECONDS": "300"}
    yield {"env": env, "big": big, "settings": settings, "url": database_url}


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        command = [
            sys.executable,
            "-m",
            "tekseru",
            "serve",
            "--port",
            str(self.port),
            "--no-access-log",
            "--lang",
            "en",
        ]
        self.process = subprocess.Popen(
            tied(command),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # the server, its forkserver and the jobs' processes: one session
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, self.process.stdout.read() if self.process.stdout else ""
            try:
                if httpx.get(f"{self.base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)

    def client(self, role: str) -> tuple[httpx.Client, dict[str, str]]:
        client = httpx.Client(base_url=self.base, timeout=30)
        login = {"username": USERS[role].username, "password": PASSWORD}
        response = client.post("/api/v1/auth/login", json=login)
        assert response.status_code == 200, response.text
        return client, {"X-CSRF-Token": response.json()["csrf_token"]}

    def output(self) -> str:
        return self.process.stdout.read() if self.process.stdout else ""

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


def job_processes(server_pid: int) -> list[int]:
    """The jobs' processes: children of the server's forkserver."""
    parents = {}
    for pid in session_processes(server_pid):
        try:
            parents[pid] = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    return [pid for pid, parent in parents.items() if parents.get(parent) == server_pid]


def query(url: str, sql: str, **params: Any) -> list[Any]:
    statement = text(sql).bindparams(*(bindparam(name, type_=Uuid()) for name in params))
    db = job_database(url)
    try:
        with db.reading() as session:
            return list(session.execute(statement, params))
    finally:
        db.close()


def count(url: str, table: str, where: str = "") -> int:
    return int(query(url, f"SELECT count(*) FROM {table} {where}")[0][0])


def results(url: str, run_id: str) -> list[Any]:
    sql = (
        "SELECT subject_id, group_key, score, risk_class, violated_criteria FROM assessment_results "
        "JOIN result_groups ON code = group_code "
        "WHERE run_key = (SELECT run_key FROM assessments WHERE id = :run) ORDER BY subject_id, group_key"
    )
    return [tuple(map(str, row)) for row in query(url, sql, run=uuid.UUID(run_id))]


def job(client: httpx.Client, job_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
    return found


def until(client: httpx.Client, job_id: str, ready: Any, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while not ready(found := job(client, job_id)):
        assert time.monotonic() < deadline, found
        time.sleep(0.05)
    return found


def upload(client: httpx.Client, csrf: dict[str, str], path: Path) -> str:
    files = {"file": (path.name, path.read_bytes(), "text/csv")}
    response = client.post("/api/v1/imports", data={"kind": "import_subjects"}, files=files, headers=csrf)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def test_crashes_and_a_cancel_with_real_processes(site: dict[str, Any]) -> None:
    """One story, to start the (slow to start) server only twice."""
    url = site["url"]
    before = count(url, "subjects")
    server = Server(site["env"])
    try:
        client, csrf = server.client("planner")
        job_id = upload(client, csrf, site["big"])
        seen = until(client, job_id, lambda j: j["status"] in ENDED or j["done"] > 0)
        assert seen["status"] == "running" and seen["done"] < ROWS, seen  # killed while it writes
        assert job_processes(server.process.pid)
        server.kill()
        deadline = time.monotonic() + 15  # the job's process ends itself when the server is gone
        while session_processes(server.process.pid):
            assert time.monotonic() < deadline, session_processes(server.process.pid)
            time.sleep(0.1)
    finally:
        server.stop()
    assert count(url, "subjects") == before

    again = Server(site["env"])
    try:
        planner, csrf = again.client("planner")
        interrupted = job(planner, job_id)
        assert (interrupted["status"], interrupted["finished_at"] is not None) == ("interrupted", True)
        rerun = until(planner, upload(planner, csrf, site["big"]), lambda j: j["status"] in ENDED)
        assert rerun["status"] == "finished", rerun
        assert {k: rerun["result"][k] for k in ("rows_read", "created", "updated", "rejected")} == {
            "rows_read": ROWS,
            "created": ROWS,
            "updated": 0,
            "rejected": 0,
        }
        assert count(url, "subjects") == before + ROWS

        # The job's own process killed while the assessment stores its results.
        results_before = count(url, "assessment_results")
        finished_runs = count(url, "assessments", "WHERE status = 'finished'")
        start = planner.post("/api/v1/assessments", json={"as_of": "2024-06-05"}, headers=csrf).json()
        # total is known once it stores its results, in one transaction with the run's end
        seen = until(planner, start["id"], lambda j: j["status"] in ENDED or j["total"] > 0)
        assert seen["status"] == "running", seen
        [child] = job_processes(again.process.pid)
        os.kill(child, signal.SIGKILL)
        failed = until(planner, start["id"], lambda j: j["status"] in ENDED)
        died = "тапсырма процесі күтпеген жерден аяқталды (шығу коды -9)"  # the API says it in Kazakh
        assert (failed["status"], failed["message"]) == ("failed", died)
        assert count(url, "assessment_results") == results_before  # its stored results rolled back
        assert count(url, "assessments", "WHERE status = 'finished'") == finished_runs
        assessed = until(
            planner,
            planner.post("/api/v1/assessments", json={"as_of": "2024-06-05"}, headers=csrf).json()["id"],
            lambda j: j["status"] in ENDED,
        )
        assert assessed["status"] == "finished", assessed

        # A running import cancelled by `tekseru jobs cancel`, a process of its own.
        slow = site["big"].with_name("slow.csv")
        slow.write_text("bin,name,region,groups\n" + "\n" * 10_000_000, encoding="utf-8")
        slow_id = upload(planner, csrf, slow)
        until(planner, slow_id, lambda j: j["status"] != "queued")
        cancel = subprocess.run(
            [sys.executable, "-m", "tekseru", "jobs", "cancel", slow_id, "--by", "ops", "--wait", "60"],
            env=site["env"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cancel.returncode == 0, cancel.stdout + cancel.stderr
        assert cancel.stdout.strip() == f"{slow_id} тапсырмасы: Тоқтатылды."  # Kazakh, the default
        assert job(planner, slow_id)["status"] == "cancelled"
    finally:
        again.stop()
    assert "1 job(s) left unfinished by the previous server were marked interrupted" in again.output()
    # The same assessment run again in this process, never interrupted, gives the same results.
    db = open_app_database(site["settings"])
    try:
        fresh = run_assessment(db, as_of=date(2024, 6, 5), reuse=False, catalogue=CATALOGUE)
    finally:
        db.close()
    assessed_results = results(url, assessed["result"]["run_id"])
    assert len(assessed_results) >= ROWS and assessed_results == results(url, str(fresh.run_id))
