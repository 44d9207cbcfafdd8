"""`json_answer` writes the bytes and headers FastAPI writes for a route's `response_model`, so a route that
answers with it (the search) says exactly what it said before, and its OpenAPI document is unchanged."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient

from tekseru.api.schemas.common import json_answer
from tekseru.api.schemas.registry import ScoreOut, ScorePointOut, SubjectDetailOut, SubjectOut, SubjectPageOut

SUBJECT = SubjectOut(
    bin="040540001234",
    name='ТОО "Үміт" <&> \u2028 é',
    region="astana",
    address="",
    groups=["home_care", "access_other_objects"],
    score=1.0 / 3,
    risk_class="high",
    gross_count=2,
    last_visit_on=date(2026, 2, 28),
)
PAGES = [
    SubjectPageOut(
        items=[SUBJECT, SUBJECT.model_copy(update={"score": None, "risk_class": None})],
        total=1001,
        page=3,
        per_page=25,
        run_id=uuid.uuid4(),
        more=True,
    ),
    SubjectPageOut(items=[], total=0, page=1, per_page=200, run_id=None, more=False),
    SubjectPageOut(
        items=[SUBJECT.model_copy(update={"score": 12.5, "last_visit_on": None})],
        total=1,
        page=1,
        per_page=1,
        run_id=None,
        more=False,
    ),
]

# A subject's card as the subject API answers it (`/api/v1/subjects/{bin}`, also through `json_answer`).
RUN = uuid.uuid4()
DETAILS = [
    SubjectDetailOut.model_validate(
        {
            **SUBJECT.model_dump(),
            "run": RUN,
            "results": [
                ScoreOut(
                    group="home_care", score=41.5, risk_class="high", gross_found=1, violated_criteria=[3, 7]
                )
            ],
            "history": [
                ScorePointOut(
                    run_id=RUN, as_of=date(2024, 6, 1), group="home_care", score=41.5, risk_class="high"
                )
            ],
            "evidence": [1, 2, 3],
            "inspections": [4, 9],
        }
    ),
    SubjectDetailOut.model_validate(
        {
            **SUBJECT.model_copy(update={"score": None, "risk_class": None}).model_dump(),
            "run": None,
            "results": [],
            "history": [],
            "evidence": [],
            "inspections": None,
        }
    ),
]


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/detail-model/{number}", response_model=SubjectDetailOut)
    def detail_model(number: int) -> SubjectDetailOut:
        return DETAILS[number]

    @app.get("/detail-answer/{number}", response_model=SubjectDetailOut)
    def detail_answer(number: int) -> Response:
        return json_answer(DETAILS[number])

    @app.get("/model/{number}", response_model=SubjectPageOut)
    def model(number: int) -> SubjectPageOut:
        return PAGES[number]

    @app.get("/answer/{number}", response_model=SubjectPageOut)
    def answer(number: int) -> Response:
        return json_answer(PAGES[number])

    return app


def test_the_answer_is_fastapis() -> None:
    client = TestClient(_app())
    for number in range(len(PAGES)):
        expected, got = client.get(f"/model/{number}"), client.get(f"/answer/{number}")
        assert got.status_code == expected.status_code == 200
        assert got.content == expected.content
        assert got.headers == expected.headers
    for number in range(len(DETAILS)):
        expected, got = client.get(f"/detail-model/{number}"), client.get(f"/detail-answer/{number}")
        assert got.status_code == expected.status_code == 200
        assert got.content == expected.content and got.headers == expected.headers


def test_the_openapi_document_is_unchanged() -> None:
    paths = _app().openapi()["paths"]
    model, answer = paths["/model/{number}"]["get"], paths["/answer/{number}"]["get"]
    assert model["responses"] == answer["responses"]
    detail, answered = paths["/detail-model/{number}"]["get"], paths["/detail-answer/{number}"]["get"]
    assert detail["responses"] == answered["responses"]
