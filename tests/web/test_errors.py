"""A service's "no such thing" answers 404 with its message wherever it is raised: JSON under /api, a page
elsewhere; also outside the routers that translate their own services' refusals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tekseru.services import inspections
from tekseru.services.inspection_actions import AttachmentNotFound
from tekseru.services.plans import PlanNotFound
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tekseru.web.errors import NOT_FOUND

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
    app = create_app(Settings().with_database_path(tmp_path / "tekseru.sqlite3"))

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
