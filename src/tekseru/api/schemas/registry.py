"""Models of /api/v1/subjects and /api/v1/assessments: subjects, evidence, runs, scores, explanations."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import AliasChoices, AliasPath, BaseModel, ConfigDict, Field

from tekseru.api.schemas.common import CountOf, IdOf, IdsOf, Timestamp

RiskClass = str


class SubjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    bin: str
    name: str
    region: str = Field(description="Region key (see the catalogue of regions).")
    address: str
    groups: list[str] = Field(description="Control group keys.")
    score: float | None = Field(description="Highest score of the subject in the latest finished assessment.")
    risk_class: str | None = Field(description="high, medium or low; null when not assessed.")
    gross_count: int = Field(0, description="Gross criteria violated in the leading group (the tie-break).")
    significant_count: int = Field(0, description="Significant criteria violated in the leading group.")
    minor_count: int = Field(0, description="Minor criteria violated in the leading group.")
    last_visit_on: date | None = Field(None, description="The latest completed inspection; null: never.")


def _of_paging(name: str) -> AliasChoices:
    """A field read from a page's `paging` (of a `SubjectPage` or a `ResultsPage`), or given by its name."""
    return AliasChoices(AliasPath("paging", name), name)


ITEMS = Field(validation_alias=AliasChoices("rows", "items"))
TOTAL, PAGE, PER_PAGE = (Field(validation_alias=_of_paging(name)) for name in ("total", "page", "per_page"))


# A `SubjectPage`, read attribute by attribute.
class SubjectPageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[SubjectOut] = ITEMS
    total: int = TOTAL
    page: int = PAGE
    per_page: int = PER_PAGE
    run_id: uuid.UUID | None = Field(description="The assessment run whose classes are shown.")
    more: bool = Field(
        description="A search by text counts at most 1000 matches: true when there are more (total is 1001)."
    )


# The store names a result's group `group_key`; the API has always called it `group`.
GROUP = Field(validation_alias=AliasChoices("group", "group_key"))


class ScoreOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    group: str = GROUP
    score: float
    risk_class: str
    gross_found: int
    violated_criteria: list[int]


class ScorePointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    run_id: uuid.UUID
    as_of: date
    group: str = GROUP
    score: float
    risk_class: str


class EvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    criterion: int
    source_group: int
    observed_on: date
    reference: str
    confirmed: bool | None
    entered_by: str
    entered_at: Timestamp
    origin: str
    used_on: date | None


class EvidenceIn(BaseModel):
    criterion: int = Field(ge=1, description="Row number of the criterion in Appendix 1.")
    observed_on: date
    reference: str = Field(
        min_length=1, max_length=500, description="Act number, publication, complaint number."
    )
    confirmed: bool | None = Field(
        None, description="For complaints: confirmed or not; null when not stated."
    )


class EvidenceCreatedOut(BaseModel):
    created: bool = Field(description="False when the same fact was stored already.")
    evidence: EvidenceOut


# A `SubjectCard` layered over its subject.
class SubjectDetailOut(SubjectOut):
    run_id: Annotated[uuid.UUID | None, IdOf] = Field(validation_alias="run")
    scores: list[ScoreOut] = Field(
        validation_alias="results", description="Scores per control group in the latest finished assessment."
    )
    history: list[ScorePointOut] = Field(
        description="Scores in the latest finished assessments, oldest first."
    )
    evidence_count: Annotated[int, CountOf] = Field(validation_alias="evidence")
    inspection_ids: Annotated[list[int] | None, IdsOf] = Field(
        validation_alias="inspections", description="Inspections of the subject; null when unavailable."
    )


class ExplanationOut(BaseModel):
    bin: str
    language: str
    lines: list[str] = Field(description="The score told in words; empty when the subject is not assessed.")


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    as_of: date
    edition_id: str
    status: str = Field(description="running, finished or failed.")
    subjects_total: int
    subjects_done: int
    started_at: Timestamp
    finished_at: Timestamp | None
    message: str | None


class ResultOut(ScoreOut):
    bin: str
    name: str
    region: str
    gross_count: int = Field(0, description="Gross criteria violated in the leading group (the tie-break).")
    significant_count: int = Field(0, description="Significant criteria violated in the leading group.")
    minor_count: int = Field(0, description="Minor criteria violated in the leading group.")
    last_visit_on: date | None = Field(None, description="The latest completed inspection; null: never.")


# A `ResultsPage`, read attribute by attribute.
class ResultsPageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    run: RunOut
    items: list[ResultOut] = ITEMS
    total: int = TOTAL
    page: int = PAGE
    per_page: int = PER_PAGE
