"""The API of a controlled subject's own data and its remediation reports, in kk and ru: the subject reads
only its own violation, submits a report with a file; another subject gets 404; the inspector accepts it and
the violation is eliminated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, add_subjects, inspect
from tests.web.conftest import sign_in
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

SYSTEM = Actor.system("tests")


@pytest.fixture
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("portal-api")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "db.sqlite3")
    made = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=CATALOGUE)
    db = made.state.tekseru.database()
    add_subjects(db)
    inspect(db, 0, non_compliant=[1])
    inspect(db, 3, non_compliant=[1])
    for name, role, region, bins in (
        ("own", "subject", None, [BINS[0]]),
        ("other", "subject", None, [BINS[3]]),
        ("insp", "inspector", "astana", []),
    ):
        create_user(
            db,
            SYSTEM,
            username=name,
            full_name=name,
            role=role,
            region=region,
            bins=bins,
            password=PASSWORD,
            passwords=CHEAP_PASSWORDS,
        )
    yield made


@pytest.mark.parametrize(
    ("lang", "said"), [("kk", "Бұл бұзушылық ашық емес"), ("ru", "Это нарушение не открыто")]
)
def test_a_subject_reports_through_the_api_and_the_inspector_accepts(
    app: FastAPI, lang: str, said: str
) -> None:
    headers = {"Accept-Language": lang}
    own, other, inspector = TestClient(app), TestClient(app), TestClient(app)
    own_csrf, other_csrf, inspector_csrf = (
        sign_in(own, "own"),
        sign_in(other, "other"),
        sign_in(inspector, "insp"),
    )
    mine = own.get("/api/v1/my", headers=headers).json()
    assert mine["bins"] == [BINS[0]] and {v["bin"] for v in mine["violations"]} == {BINS[0]}
    (violation,) = mine["violations"]
    path = f"/api/v1/my/violations/{violation['id']}/reports"
    stolen = other.post(path, data={"text": "x"}, headers={"X-CSRF-Token": other_csrf, **headers})
    assert stolen.status_code == 404
    made = own.post(
        path,
        data={"text": "Жойылды"},
        files=[("files", ("act.pdf", b"%PDF-1.4\n", "application/pdf"))],
        headers={"X-CSRF-Token": own_csrf, **headers},
    )
    assert made.status_code == 201, made.text
    report = made.json()
    assert report["status"] == "submitted" and report["files"][0]["file_name"] == "act.pdf"
    assert other.get(f"/api/v1/remediation-reports/{report['id']}", headers=headers).status_code == 404
    assert own.get("/api/v1/remediation-reports", headers=headers).status_code == 403
    assert [r["id"] for r in inspector.get("/api/v1/remediation-reports").json()] == [report["id"]]
    decided = inspector.post(
        f"/api/v1/remediation-reports/{report['id']}/decision",
        json={"accept": True, "reason": "ok"},
        headers={"X-CSRF-Token": inspector_csrf, **headers},
    )
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    assert own.get("/api/v1/my").json()["violations"][0]["status"] == "eliminated"
    admin = TestClient(app)
    assert admin.get("/api/v1/my").status_code == 401
    refused = own.post(path, data={"text": "again"}, headers={"X-CSRF-Token": own_csrf, **headers})
    assert refused.status_code == 422
    assert (
        said in refused.json()["detail"]
    )  # a closed violation takes no report, said in the reader's language
