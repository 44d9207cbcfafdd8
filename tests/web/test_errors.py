"""A service's "no such thing" answers 404 with its message wherever it is raised: JSON under /api, a page
elsewhere; also outside the routers that translate their own services' refusals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tekseru.http.errors import NOT_FOUND
from tekseru.services import inspections
from tekseru.services.inspections import AttachmentNotFound
from tekseru.services.plans import PlanNotFound
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.web.conftest import SignedIn
from tests.web.support import CHEAP_PASSWORDS

MISSING: dict[str, Callable[[], Exception]] = {
    "plan": lambda: PlanNotFound(41),
    "inspection": lambda: inspections.InspectionNotFound(42),
    "subject": lambda: inspections.SubjectNotFound("no subject with BIN 190150000043 is in the registry"),
    "attachment": lambda: AttachmentNotFound("inspection 42 has no attachment 44"),
}


@pytest.mark.parametrize("kind", MISSING)
def test_missing_plans_and_inspections_answer_404(tmp_path: Path, kind: str) -> None:
    error = MISSING[kind]()
    assert isinstance(error, NOT_FOUND)
    app = create_app(Settings().with_database_path(tmp_path / "tekseru.sqlite3"), passwords=CHEAP_PASSWORDS)

    def fail() -> None:
        raise MISSING[kind]()

    app.add_api_route(f"/api/v1/missing-{kind}", fail)
    app.add_api_route(f"/missing-{kind}", fail)
    with TestClient(app) as client:
        api = client.get(f"/api/v1/missing-{kind}")
        assert (api.status_code, api.json()) == (404, {"detail": str(error)})
        page = client.get(f"/missing-{kind}?lang=en")
        assert page.status_code == 404 and "text/html" in page.headers["content-type"]
        assert str(error) in page.text


# Bad parameters are the request's fault: 4xx naming the parameter in the reader's language, never a 500.
BAD_PAGES = [
    "/admin/audit?page=9223372036854775807",
    "/registry?page=9223372036854775807",
    "/registry?page=-1",
    "/registry?per_page=abc",
    "/plans/99999999999999999999999",
    "/inspections/19557144936967061504",
]
BAD_API = [
    "/api/v1/audit?page=9223372036854775807",
    "/api/v1/subjects?page=9223372036854775807",
    "/api/v1/checklists/6/form?act_date=0785-09-02",
    "/api/v1/checklists/6/form?act_date=0001-01-01",
    "/api/v1/inspections/19557144936967061504/attachments/-496704",
    "/api/v1/plans/99999999999999999999999",
    "/api/v1/subjects?per_page=0",
]
PARAMETER = {"kk": "мәні жарамсыз", "ru": "недопустимо", "en": "is not valid"}
NUMBER = {"kk": "сан тым үлкен", "ru": "слишком большое", "en": "too large"}


@pytest.mark.parametrize("path", BAD_PAGES)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_bad_parameter_of_a_page_is_400_in_the_readers_language(
    signed_in: Callable[[str], SignedIn], path: str, lang: str
) -> None:
    page = signed_in("admin").client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert page.status_code in (400, 404), page.text
    assert f'lang="{lang}"' in page.text
    if page.status_code == 400:
        assert PARAMETER[lang] in page.text or NUMBER[lang] in page.text


@pytest.mark.parametrize("path", BAD_API)
def test_a_bad_parameter_of_the_api_is_4xx_with_a_reason(
    signed_in: Callable[[str], SignedIn], path: str
) -> None:
    answer = signed_in("admin").client.get(path)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["detail"]


def test_an_unexpected_error_is_logged_with_the_request_id_the_page_shows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings().with_database_path(tmp_path / "tekseru.sqlite3"), passwords=CHEAP_PASSWORDS)

    def fail() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/api/v1/fails", fail)
    app.add_api_route("/fails", fail)
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.ERROR):
        for lang, words in (("kk", "сұрау нөмірін"), ("ru", "номер запроса")):
            page = client.get(f"/fails?lang={lang}")
            identifier = page.headers["x-request-id"]
            assert page.status_code == 500 and words in page.text and identifier in page.text
            assert "secret internals" not in page.text and "Traceback" not in page.text
            assert any(identifier in r.getMessage() and r.exc_info for r in caplog.records)
        api = client.get("/api/v1/fails", headers={"X-Request-ID": "proxy-given-1234"})
        assert api.status_code == 500 and api.json()["request_id"] == "proxy-given-1234"
        assert "secret" not in api.text
        assert client.get("/api/v1/health").headers["x-request-id"]
