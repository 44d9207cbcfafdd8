"""Models of the connected workflow (docs/web.md, "From the list to the visit"): a visit (an inspection with
its number, where it came from and its inspectors), a list's fulfilment row by row, an inspector's visits."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from tekseru.api.schemas.inspections import SubjectRefOut
from tekseru.services.inspections import MyVisits, PlanProgress, RowProgress, Visit

UnplannedReason = Literal["complaint", "follow_up", "request", "other"]
RowState = Literal["done", "started", "reason", "open"]


class VisitOut(BaseModel):
    inspection_id: int = Field(description="The latest revision: the one to open.")
    series_id: int = Field(description="The id of revision 1, shared by all revisions.")
    number: str = Field(description="Region, year of the act and sequence, e.g. 71-2027-0001.")
    plan_id: int | None = Field(description="The list it was started from (None: unplanned).")
    plan_rank: int | None = Field(description="The row of that list.")
    unplanned_reason: UnplannedReason | None
    subject: SubjectRefOut
    status: str = Field(description="The latest revision's: draft or completed.")
    planned_on: date | None
    inspected_on: date | None = Field(description="Of the current completed revision.")
    violations: int = Field(description="Items found non-compliant by the completed revision.")
    assigned: list[str] = Field(description="Usernames of the inspectors assigned.")

    @classmethod
    def of(cls, visit: Visit) -> VisitOut:
        origin = visit.origin
        return cls(
            inspection_id=visit.id,
            series_id=visit.series_id,
            number=visit.number,
            plan_id=origin.plan_id if origin else None,
            plan_rank=origin.plan_rank if origin else None,
            unplanned_reason=origin.reason if origin else None,
            subject=SubjectRefOut.model_validate(visit.subject, from_attributes=True),
            status=visit.status,
            planned_on=visit.latest.planned_on,
            inspected_on=visit.inspected_on,
            violations=len(visit.violations),
            assigned=list(visit.assigned),
        )


class RowVisitOut(BaseModel):
    rank: int
    bin: str
    name: str
    region: str
    planned_month: int | None
    state: RowState = Field(description="done, started (a draft), reason (will not be inspected), open.")
    visit: VisitOut | None
    reason: str | None = Field(description="Why the row will not be inspected, as a planner recorded it.")

    @classmethod
    def of(cls, row: RowProgress) -> RowVisitOut:
        return cls(
            rank=row.row.rank,
            bin=row.row.bin,
            name=row.row.name,
            region=row.row.region,
            planned_month=row.row.planned_month,
            state=row.state,
            visit=None if row.visit is None else VisitOut.of(row.visit),
            reason=None if row.reason is None else row.reason.reason,
        )


class FulfilmentOut(BaseModel):
    plan_id: int
    status: str
    fulfilled: bool = Field(description="Every row has a completed inspection or a recorded reason.")
    counts: dict[str, int] = Field(description="Rows by state: done, reason, started, open.")
    rows: list[RowVisitOut]

    @classmethod
    def of(cls, progress: PlanProgress) -> FulfilmentOut:
        return cls(
            plan_id=progress.plan.id,
            status=progress.plan.record.status,
            fulfilled=progress.fulfilled,
            counts={state: progress.count(state) for state in ("done", "reason", "started", "open")},
            rows=[RowVisitOut.of(row) for row in progress.rows],
        )


class StartIn(BaseModel):
    act_number: str = Field(
        min_length=1, max_length=64, description="Number of the act appointing the visit."
    )
    act_date: date
    inspectors: list[str] = Field(
        min_length=1, description="The officials who inspect (printed on the form)."
    )
    planned_on: date | None = Field(None, description="Default: the first day of the row's month.")
    appendix: int | None = Field(None, description="The checklist, when the subject's groups have several.")


class RowReasonIn(BaseModel):
    reason: str = Field(max_length=500, description="Why the row will not be inspected; empty: remove it.")


class AssignIn(BaseModel):
    inspectors: list[str] = Field(description="Usernames of active inspectors of the subject's region.")


class AssignedOut(BaseModel):
    inspection_id: int
    assigned: list[str]


class MyVisitsOut(BaseModel):
    assigned: list[VisitOut] = Field(description="Assigned visits by planned month, then status.")
    overdue: list[VisitOut] = Field(description="Assigned visits with an open violation past its deadline.")
    drafts: list[VisitOut] = Field(description="Drafts assigned to or recorded by the user.")

    @classmethod
    def of(cls, mine: MyVisits) -> MyVisitsOut:
        overdue = list({visit.series_id: visit for visit, _ in mine.overdue}.values())
        return cls(
            assigned=[VisitOut.of(visit) for group in mine.groups for visit in group.visits],
            overdue=[VisitOut.of(visit) for visit in overdue],
            drafts=[VisitOut.of(visit) for visit in mine.drafts],
        )
