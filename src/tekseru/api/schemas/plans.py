"""Models of /api/v1/plans: the semi-annual lists of preventive control with a visit (docs/planning.md)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from tekseru.api.schemas.common import Timestamp
from tekseru.planning import PlanDiff
from tekseru.services.plans import PlanComparison, StoredPlan

HALF_YEAR_PATTERN = r"^\d{4}-H[12]$"


class PlanRowOut(BaseModel):
    """A subject on the list (or beyond capacity): one visit for all its candidate groups."""

    model_config = ConfigDict(from_attributes=True)

    rank: int
    bin: str
    name: str
    region: str = Field(description="Region key.")
    address: str
    groups: list[str] = Field(description="Candidate control groups, the leading group first.")
    score: float = Field(description="Subjective score of the leading group.")
    risk_class: str
    main_reasons: list[int] = Field(description="Violated criteria: gross, then significant, then minor.")
    planned_month: int | None = Field(description="Month 1-12 of the visit; null beyond capacity.")
    gross_count: int
    significant_count: int
    minor_count: int
    last_visit_on: date | None


class ExcludedRowOut(BaseModel):
    """A subject-group not on the list, with the reason (docs/planning.md, "Who is excluded")."""

    model_config = ConfigDict(from_attributes=True)

    bin: str
    name: str
    region: str
    group: str
    score: float
    risk_class: str
    reason: str = Field(description="not_high_risk_by_objective_criteria, class_not_candidate, ...")
    detail: str = Field(description="The reason in an English sentence.")
    last_visit_on: date | None
    covered_by_rank: int | None = Field(description="For covered_by_other_group: the row that covers it.")


class PlanSummaryOut(BaseModel):
    id: int
    half_year: str = Field(description="2027-H1 or 2027-H2.")
    status: str = Field(description="draft, approved or published.")
    as_of: date = Field(description="Date of the assessment the list was formed from.")
    assessment_id: str
    edition_id: str
    capacity: dict[str, int] = Field(description="Visits per region key; a region not named has no limit.")
    created_by: str
    created_at: Timestamp
    approved_by: str | None
    approved_at: Timestamp | None
    published_by: str | None
    published_at: Timestamp | None
    previous_plan_id: int | None = Field(description="The list this one was compared with when drafted.")
    version: int = Field(
        description="Raised by each change; send it as If-Match to approve, publish, discard."
    )
    included_count: int
    overflow_count: int
    excluded_count: int

    @classmethod
    def of(cls, stored: StoredPlan) -> PlanSummaryOut:
        record, plan = stored.record, stored.plan
        return cls(
            id=record.id,
            half_year=record.half_year,
            status=record.status,
            as_of=record.as_of,
            assessment_id=str(record.assessment_id),
            edition_id=record.edition_id,
            capacity={str(key): int(value) for key, value in record.capacity.items()},
            created_by=record.created_by,
            created_at=record.created_at,
            approved_by=record.approved_by,
            approved_at=record.approved_at,
            published_by=record.published_by,
            published_at=record.published_at,
            previous_plan_id=record.previous_plan_id,
            version=record.version,
            included_count=len(plan.included),
            overflow_count=len(plan.overflow),
            excluded_count=len(plan.excluded),
        )


class PlanOut(PlanSummaryOut):
    visit_frequency_limit_months: int
    candidate_classes: list[str]
    included: list[PlanRowOut] = Field(description="The list, in order of priority.")
    overflow: list[PlanRowOut] = Field(description="Candidates beyond the capacity of their region.")
    excluded: list[ExcludedRowOut]

    @classmethod
    def of_plan(cls, stored: StoredPlan) -> PlanOut:
        plan = stored.plan
        return cls(
            **PlanSummaryOut.of(stored).model_dump(),
            visit_frequency_limit_months=plan.rules.visit_frequency_limit_months,
            candidate_classes=sorted(plan.rules.candidate_classes),
            included=[PlanRowOut.model_validate(row) for row in plan.included],
            overflow=[PlanRowOut.model_validate(row) for row in plan.overflow],
            excluded=[ExcludedRowOut.model_validate(row) for row in plan.excluded],
        )


class PlanDraftIn(BaseModel):
    half_year: str = Field(pattern=HALF_YEAR_PATTERN, description="The half-year: 2027-H1 or 2027-H2.")
    as_of: date | None = Field(
        None, description="Use the finished assessment with the latest date on or before this day."
    )
    capacity: dict[str, int] | None = Field(
        None, description='Visits per region, by key or name (`{"astana": 12}`); others have no limit.'
    )


class AddedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row: PlanRowOut
    reason: str = Field(description="new_subject, was_beyond_capacity or was_excluded.")
    exclusions: list[str] = Field(description="The previous exclusion reasons.")
    detail: str


class MovedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    previous: PlanRowOut
    current: PlanRowOut
    changes: list[str] = Field(description='What changed, e.g. "rank 3 -> 1".')


class PlanDiffOut(BaseModel):
    plan_id: int
    previous_plan_id: int | None = Field(description="Null for a list compared with nothing.")
    added: list[AddedOut]
    removed: list[AddedOut] = Field(
        description="reason: now_beyond_capacity, now_excluded, no_longer_assessed."
    )
    moved: list[MovedOut]

    @classmethod
    def of(cls, comparison: PlanComparison) -> PlanDiffOut:
        diff = comparison.diff or PlanDiff((), (), ())
        return cls(
            plan_id=comparison.plan.id,
            previous_plan_id=None if comparison.previous is None else comparison.previous.id,
            added=[AddedOut.model_validate(row) for row in diff.added],
            removed=[AddedOut.model_validate(row) for row in diff.removed],
            moved=[MovedOut.model_validate(row) for row in diff.moved],
        )
