"""`POST /api/v1/imports` declares only the kinds an import accepts: its 422 and its OpenAPI document list
exactly those, never `assessment` (which used to be advertised and then refused with a second list)."""

from __future__ import annotations

from collections.abc import Callable

from tekseru.services.jobs import IMPORT_KINDS
from tests.api.conftest import Session

API = "/api/v1"
KINDS = {kind.value for kind in IMPORT_KINDS}


def _post(session: Session, kind: str, language: str) -> tuple[int, str]:
    files = {"file": ("s.csv", b"bin,name,region,groups\n", "text/csv")}
    answer = session.send(
        "POST", f"{API}/imports", data={"kind": kind}, files=files, params={"lang": language}
    )
    return answer.status_code, answer.text


def test_the_openapi_document_lists_exactly_the_import_kinds(as_role: Callable[[str], Session]) -> None:
    document = as_role("planner").get(f"{API}/openapi.json").json()
    body = document["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]["multipart/form-data"][
        "schema"
    ]
    form = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    kind = form["properties"]["kind"]
    enum = (
        document["components"]["schemas"][kind["$ref"].rsplit("/", 1)[-1]]["enum"]
        if "$ref" in kind
        else kind["enum"]
    )
    assert set(enum) == KINDS
    assert "assessment" not in enum


def test_a_wrong_kind_is_refused_with_the_same_list_the_assessment_is(
    as_role: Callable[[str], Session],
) -> None:
    planner = as_role("planner")
    for language in ("kk", "ru", "en"):
        bogus_status, bogus = _post(planner, "bogus", language)
        assessment_status, assessment = _post(planner, "assessment", language)
        assert bogus_status == assessment_status == 422
        assert bogus.replace("bogus", "X") == assessment.replace("assessment", "X"), language
        assert all(kind in bogus for kind in KINDS)
        assert "'assessment'" not in bogus and '"assessment"' not in bogus
