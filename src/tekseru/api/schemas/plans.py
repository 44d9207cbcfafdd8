"""Models of /api/v1/plans: the semi-annual lists of preventive control with a visit (docs/planning.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AliasChoices, AliasPath, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from tekseru.api.schemas.common import IdOf, Layered, Timestamp
from tekseru.i18n.plan_changes import Naming, change_detail, change_lines
from tekseru.planning import PlanDiff
from tekseru.services.plans import PlanComparison

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


def _of_record(name: str) -> AliasChoices:
    """A field read from the list's stored record (`StoredPlan.record`), or given by its name."""
    return AliasChoices(AliasPath("record", name), name)


def _of_plan(*path: str) -> AliasChoices:
    """A field read from the list itself (`StoredPlan.plan`), or given by its name."""
    return AliasChoices(AliasPath("plan", *path), path[-1])


# A `StoredPlan`: its record's columns, and how many rows of each kind its list has.
class PlanSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    half_year: str = Field(validation_alias=_of_record("half_year"), description="2027-H1 or 2027-H2.")
    status: str = Field(validation_alias=_of_record("status"), description="draft, approved or published.")
    as_of: date = Field(
        validation_alias=_of_record("as_of"), description="Date of the assessment the list was formed from."
    )
    assessment_id: Annotated[str, BeforeValidator(str)] = Field(validation_alias=_of_record("assessment_id"))
    edition_id: str = Field(validation_alias=_of_record("edition_id"))
    capacity: dict[str, int] = Field(
        validation_alias=_of_record("capacity"),
        description="Visits per region key; a region not named has no limit.",
    )
    created_by: str = Field(validation_alias=_of_record("created_by"))
    created_at: Timestamp = Field(validation_alias=_of_record("created_at"))
    approved_by: str | None = Field(validation_alias=_of_record("approved_by"))
    approved_at: Timestamp | None = Field(validation_alias=_of_record("approved_at"))
    published_by: str | None = Field(validation_alias=_of_record("published_by"))
    published_at: Timestamp | None = Field(validation_alias=_of_record("published_at"))
    previous_plan_id: int | None = Field(
        validation_alias=_of_record("previous_plan_id"),
        description="The list this one was compared with when drafted.",
    )
    version: int = Field(
        validation_alias=_of_record("version"),
        description="Raised by each change; send it as If-Match to approve, publish, discard.",
    )
    included_count: int
    overflow_count: int
    excluded_count: int


# A `StoredPlan` with its rows and the rules it was formed by.
class PlanOut(PlanSummaryOut):
    visit_frequency_limit_months: int = Field(
        validation_alias=_of_plan("rules", "visit_frequency_limit_months")
    )
    candidate_classes: Annotated[list[str], BeforeValidator(sorted)] = Field(
        validation_alias=_of_plan("rules", "candidate_classes")
    )
    included: list[PlanRowOut] = Field(
        validation_alias=_of_plan("included"), description="The list, in order of priority."
    )
    overflow: list[PlanRowOut] = Field(
        validation_alias=_of_plan("overflow"), description="Candidates beyond the capacity of their region."
    )
    excluded: list[ExcludedRowOut] = Field(validation_alias=_of_plan("excluded"))


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
    detail: str = Field("", description="Why, in the reader's language (Accept-Language, `?lang=`).")


class MovedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    previous: PlanRowOut
    current: PlanRowOut
    changes: list[str] = Field(
        [],
        validation_alias="said_changes",  # filled in by `PlanDiffOut.said`, not read from the row
        description='What changed, in the reader\'s language, e.g. "rank 3 → 1" (Accept-Language, `?lang=`).',
    )


# A `PlanComparison` layered over its diff (no changes for a list compared with nothing).
class PlanDiffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    plan_id: Annotated[int, IdOf] = Field(validation_alias="plan")
    previous_plan_id: Annotated[int | None, IdOf] = Field(
        validation_alias="previous", description="Null for a list compared with nothing."
    )
    added: list[AddedOut]
    removed: list[AddedOut] = Field(
        description="reason: now_beyond_capacity, now_excluded, no_longer_assessed."
    )
    moved: list[MovedOut]

    @model_validator(mode="before")
    @classmethod
    def _layered(cls, value: Any) -> Any:
        if isinstance(value, PlanComparison):
            return Layered(value, value.diff or PlanDiff((), (), ()))
        return value

    @classmethod
    def said(cls, comparison: PlanComparison, language: str, naming: Naming) -> PlanDiffOut:
        """The diff with each change and detail in `language`."""
        out = cls.model_validate(comparison)
        found = comparison.diff or PlanDiff((), (), ())
        for shown, item in zip(out.added, found.added, strict=True):
            shown.detail = change_detail(item, language, naming)
        for shown, gone in zip(out.removed, found.removed, strict=True):
            shown.detail = change_detail(gone, language, naming)
        for moved_out, moved in zip(out.moved, found.moved, strict=True):
            moved_out.changes = change_lines(moved, language, naming)
        return out
