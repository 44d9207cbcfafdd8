"""The OpenAPI document against the answers: schemathesis generates requests for every operation of
/api/v1/openapi.json and checks each answer (no server error; the status code, content type, headers and
body as documented), in-process against the ASGI app on a real SQLite file with the demo registry, once
signed in as an administrator and once as an inspector of Astana.

It is bounded: every operation, for each role, gets the examples of the document and two generated requests
(`EXAMPLES`; `TEKSERU_SCHEMATHESIS_EXAMPLES=20` in the environment fuzzes deeper), without shrinking and
without a deadline (the machine is shared). Measured on a shared 2-CPU machine under load (load average 15
to 20): 170 cases in 387 s with three examples each; the cost is spread over the operations (2 to 12 s each
under that load), none dominates.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings

from tekseru.services.assessments import run_assessment
from tekseru.services.demo import load_demo
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE
from tests.web.support import CHEAP_PASSWORDS, create_user

PASSWORD = "a-long-password-for-fuzzing"
ROLES = {"admin": None, "inspector": "astana"}
EXAMPLES = int(os.environ.get("TEKSERU_SCHEMATHESIS_EXAMPLES", "2"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
# Signing out would end the session the other cases use; it is covered by tests/api/test_auth_api.py.
SKIPPED = {("POST", "/api/v1/auth/logout")}


@dataclass
class Signed:
    cookies: dict[str, str]
    headers: dict[str, str]


# The app is made when the module is imported, because schemathesis reads the document when it collects the
# tests; its database (a file in a folder of its own) is filled with the demo registry only when they run.
FOLDER = Path(tempfile.mkdtemp(prefix="tekseru-openapi-"))
APP = create_app(
    Settings(attachments_dir=str(FOLDER / "files")).with_database_path(FOLDER / "demo.sqlite3"),
    passwords=CHEAP_PASSWORDS,
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@pytest.fixture(scope="module")
def demo_app() -> Iterator[FastAPI]:
    db = APP.state.tekseru.database()
    today = date.today()
    load_demo(db, today=today, catalogue=CATALOGUE)
    run_assessment(db, as_of=today, catalogue=CATALOGUE)
    for role, region in ROLES.items():
        create_user(
            db,
            Actor.system(),
            username=f"fuzz-{role}",
            full_name=role,
            role=role,
            region=region,
            password=PASSWORD,
        )
    yield APP
    APP.state.tekseru.close()
    shutil.rmtree(FOLDER, ignore_errors=True)


def sign_in(app: FastAPI, role: str) -> Signed:
    """A session of the role: its cookie and its CSRF header."""
    client = TestClient(app)
    name = f"fuzz-{role}"
    answer = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return Signed(dict(client.cookies), {"X-CSRF-Token": answer.json()["csrf_token"]})


@pytest.fixture(scope="module")
def admin(demo_app: FastAPI) -> Signed:
    return sign_in(demo_app, "admin")


@pytest.fixture(scope="module")
def inspector(demo_app: FastAPI) -> Signed:
    return sign_in(demo_app, "inspector")


def call_and_check(case: Any, signed: Signed) -> None:
    if (case.method.upper(), case.path) not in SKIPPED:
        case.call_and_validate(cookies=signed.cookies, headers=signed.headers, checks=CHECKS)


bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@bounded
def test_every_answer_to_an_administrator_is_as_documented(case: Any, admin: Signed) -> None:
    call_and_check(case, admin)


@schema.parametrize()
@bounded
def test_every_answer_to_an_inspector_is_as_documented(case: Any, inspector: Signed) -> None:
    call_and_check(case, inspector)
