"""The common jobs through the API with Python (httpx): sign in, import subjects and evidence, assess,
draft the semi-annual list, read the results.

    pip install httpx
    TEKSERU_URL=http://127.0.0.1:8000 TEKSERU_USER=planner TEKSERU_PASSWORD=... \\
    SUBJECTS=subjects.csv EVIDENCE=evidence.csv HALF_YEAR=2027-H1 python common_jobs.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx

API = os.environ.get("TEKSERU_URL", "http://127.0.0.1:8000") + "/api/v1"


def wait_for(client: httpx.Client, job: dict[str, Any]) -> dict[str, Any]:
    """Jobs run in the background: the job once it has ended; an error unless it finished."""
    while job["status"] in ("queued", "running", "cancelling"):
        time.sleep(1)
        job = client.get(f"/jobs/{job['id']}").raise_for_status().json()
    print(f"job {job['id']}: {job['status']}")
    if job["status"] != "finished":
        raise SystemExit(job["message"] or job["result"])
    return job


def main() -> None:
    with httpx.Client(base_url=API, timeout=60) as client:
        # 1. Sign in: the client keeps the session cookie; every change sends the CSRF token back.
        login = {"username": os.environ["TEKSERU_USER"], "password": os.environ["TEKSERU_PASSWORD"]}
        token = client.post("/auth/login", json=login).raise_for_status().json()["csrf_token"]
        client.headers["X-CSRF-Token"] = token

        # 2. Import the registry, then the evidence (a workbook of several sheets takes data={"sheet": ...}).
        for kind, variable in (("import_subjects", "SUBJECTS"), ("import_evidence", "EVIDENCE")):
            path = Path(os.environ[variable])
            with path.open("rb") as file:
                sent = client.post("/imports", data={"kind": kind}, files={"file": (path.name, file)})
            wait_for(client, sent.raise_for_status().json())

        # 3. Assess every subject (as of today; {"as_of": "2027-01-01"} for another day).
        job = wait_for(client, client.post("/assessments", json={}).raise_for_status().json())
        run_id = job["result"]["run_id"]

        # 4. Draft the semi-annual list from the latest assessment.
        plan = client.post("/plans", json={"half_year": os.environ["HALF_YEAR"]}).raise_for_status().json()
        print(f"list {plan['id']}: {len(plan['included'])} subjects")

        # 5. Read the results: the ten highest first (equal scores in the list's order), then every row.
        page = client.get(f"/assessments/{run_id}/results", params={"sort": "score", "per_page": 10})
        for row in page.raise_for_status().json()["items"]:
            print(row["bin"], row["score"], row["risk_class"])
        with (
            client.stream(
                "GET", f"/exports/results/{run_id}", params={"format": "csv", "lang": "ru"}
            ) as answer,
            Path("results.csv").open("wb") as out,
        ):
            for chunk in answer.raise_for_status().iter_bytes():
                out.write(chunk)


if __name__ == "__main__":
    main()
