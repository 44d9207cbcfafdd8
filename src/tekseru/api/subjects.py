"""`/api/v1/subjects`: search the registry, one subject, its evidence (list and add), its explanation.

An inspector gets the subjects of its own region only; another region answers 403.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE, Layered, json_answer
from tekseru.api.schemas.registry import (
    EvidenceCreatedOut,
    EvidenceIn,
    EvidenceOut,
    SubjectDetailOut,
    SubjectPageOut,
)
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database
from tekseru.http.security import api_actor
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor
from tekseru.services.registry_queries import (
    CLASS_FILTERS,
    CRITERION_FILTER,
    CRITERION_MAX,
    MAX_PAGE,
    MAX_PER_PAGE,
    PER_PAGE,
    SORT_KEYS,
    EvidenceInput,
    SubjectSearch,
    SubjectSort,
    add_evidence,
    search,
    subject_card,
)

router = APIRouter(
    prefix="/subjects", tags=["subjects"], responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE}
)

Db = Depends(get_database)
Signed = Depends(api_actor)
ClassPattern = "^(" + "|".join(CLASS_FILTERS) + ")$"
SortPattern = "^-?(" + "|".join(SORT_KEYS) + ")$"


@router.get(
    "", response_model=SubjectPageOut, summary="Search the registry", name="api_subjects_search_subjects"
)
def search_subjects(
    q: str = Query("", description="Part of the name, or the first digits (or all 12) of the BIN."),
    region: str | None = Query(None, description="Region key."),
    group: str | None = Query(None, description="Control group key."),
    risk_class: str | None = Query(
        None, pattern=ClassPattern, description="high, medium or low (latest run); none: not assessed by it."
    ),
    criterion: int | None = Query(None, ge=1, le=CRITERION_MAX, description=CRITERION_FILTER),
    run: uuid.UUID | None = Query(
        None, description="A finished run: the classes (and the class and criterion filters) of that run."
    ),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
    sort: str | None = Query(
        None,
        pattern=SortPattern,
        description="The column to sort by: score, class, name, region, group or last_visit (a leading - "
        "turns it round); equal values in the planning order (score, then gross, significant and minor "
        "counts, then the longest since the last visit). Without it: registry order.",
    ),
    actor: Actor = Signed,
    db: Database = Db,
) -> Response:
    wanted = SubjectSearch(text=q, region=region, group=group, risk_class=risk_class, criterion=criterion)
    order = SubjectSort.from_parameter(sort)
    found = search(db, actor, wanted, page=page, per_page=per_page, sort=order, run_id=run)
    return json_answer(SubjectPageOut.model_validate(found))


@router.get(
    "/{bin}",
    response_model=SubjectDetailOut,
    summary="One subject with its scores",
    name="api_subjects_subject",
)
def subject(
    bin: str, actor: Actor = Signed, db: Database = Db, catalogue: Catalogue = Depends(get_catalogue)
) -> Response:
    card = subject_card(db, actor, bin, catalogue=catalogue)
    return json_answer(SubjectDetailOut.model_validate(Layered(card, card.subject)))


@router.get(
    "/{bin}/evidence",
    response_model=list[EvidenceOut],
    summary="The subject's evidence, newest first",
    name="api_subjects_evidence",
)
def evidence(
    bin: str, actor: Actor = Signed, db: Database = Db, catalogue: Catalogue = Depends(get_catalogue)
) -> list[EvidenceOut]:
    return [
        EvidenceOut.model_validate(record)
        for record in subject_card(db, actor, bin, catalogue=catalogue).evidence
    ]


@router.post(
    "/{bin}/evidence",
    response_model=EvidenceCreatedOut,
    status_code=201,
    responses={200: {"model": EvidenceCreatedOut, "description": "Stored already"}},
    summary="Add evidence for a criterion",
    name="api_subjects_add",
)
def add(
    bin: str,
    body: EvidenceIn,
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    data = EvidenceInput(body.criterion, body.observed_on, body.reference, body.confirmed)
    record, created = add_evidence(db, actor, bin, data, catalogue=catalogue)
    out = EvidenceCreatedOut(created=created, evidence=EvidenceOut.model_validate(record))
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)
