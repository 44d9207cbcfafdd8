"""`/api/v1/assessments`: start an assessment (a background job, 202), the runs, a run's results, and the
explanation of a subject's score."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE
from tekseru.api.schemas.jobs import JobOut
from tekseru.api.schemas.registry import ExplanationOut, ResultsPageOut, RunOut
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database, get_jobs, request_today
from tekseru.http.security import api_actor
from tekseru.services.auth import Database
from tekseru.services.jobs import JobRunner, start_assessment
from tekseru.services.permissions import Actor
from tekseru.services.registry_queries import (
    CLASSES,
    MAX_PAGE,
    MAX_PER_PAGE,
    PER_PAGE,
    SORT_KEYS,
    SubjectSort,
    explanation,
    run,
    run_results,
    runs,
)

router = APIRouter(
    prefix="/assessments", tags=["assessments"], responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE}
)

Db = Depends(get_database)
Signed = Depends(api_actor)


class AssessmentIn(BaseModel):
    as_of: date | None = Field(None, description="Assessment date (default: today).")


@router.post(
    "",
    response_model=JobOut,
    status_code=202,
    summary="Start an assessment in the background",
    name="api_assessments_start",
)
def start(
    request: Request,
    body: AssessmentIn,
    actor: Actor = Signed,
    db: Database = Db,
    jobs: JobRunner = Depends(get_jobs),
) -> JobOut:
    as_of = body.as_of or request_today(request)
    return JobOut.model_validate(start_assessment(jobs, db, actor, as_of=as_of))


@router.get(
    "",
    response_model=list[RunOut],
    summary="Assessment runs, the latest first",
    name="api_assessments_list_runs",
)
def list_runs(limit: int = Query(20, ge=1, le=200), actor: Actor = Signed, db: Database = Db) -> list[RunOut]:
    return [RunOut.model_validate(found) for found in runs(db, actor, limit=limit)]


@router.get(
    "/explanations/{bin}",
    response_model=ExplanationOut,
    summary="A subject's score in words",
    name="api_assessments_explain",
)
def explain(
    bin: str,
    lang: str = Query("kk", pattern="^(kk|ru|en)$"),
    as_of: date | None = Query(None, description="The assessment as of this date (default: the latest)."),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> ExplanationOut:
    return ExplanationOut(
        bin=bin, language=lang, lines=explanation(db, actor, bin, lang, as_of, catalogue=catalogue)
    )


@router.get(
    "/{run_id}", response_model=RunOut, summary="One run: status and progress", name="api_assessments_one_run"
)
def one_run(run_id: uuid.UUID, actor: Actor = Signed, db: Database = Db) -> RunOut:
    return RunOut.model_validate(run(db, actor, run_id))


@router.get(
    "/{run_id}/results",
    response_model=ResultsPageOut,
    summary="A run's scores, highest first",
    name="api_assessments_results",
)
def results(
    run_id: uuid.UUID,
    risk_class: str | None = Query(None, pattern="^(" + "|".join(CLASSES) + ")$"),
    region: str | None = Query(None, description="Region key."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
    sort: str | None = Query(
        None,
        pattern="^-?(" + "|".join(SORT_KEYS) + ")$",
        description="As for /subjects: score (the default), class, name, region, group or last_visit.",
    ),
    actor: Actor = Signed,
    db: Database = Db,
) -> ResultsPageOut:
    order = SubjectSort.from_parameter(sort)
    found = run_results(
        db, actor, run_id, risk_class=risk_class, region=region, page=page, per_page=per_page, sort=order
    )
    return ResultsPageOut.model_validate(found)
