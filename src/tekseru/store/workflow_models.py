"""The tables that connect a semi-annual list to its visits (migration 0013). Only `tekseru.store` imports
this module.

- `inspection_origins`: each inspection (its series: the id of revision 1) has a unique number made of its
  subject's region, the year of its act and a sequence per region and year ("10-2027-0001"), and where it
  came from: a list and the rank of its row, or the reason of an unplanned visit (a complaint, a follow-up).
  One inspection per list row.
- `inspection_counters`: the last sequence given per region and year; a number is taken by one atomic
  upsert, so that two inspections created at once never get the same number.
- `inspection_assignments`: the inspectors (users) a planner assigned to an inspection.
- `plan_row_reasons`: why a row of a list will not be inspected, recorded by a planner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tekseru.store.models import Base


class InspectionOrigin(Base):
    __tablename__ = "inspection_origins"
    __table_args__ = (
        UniqueConstraint("number"),
        UniqueConstraint("region", "year", "sequence"),
        UniqueConstraint("plan_id", "plan_rank"),
    )

    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(64))
    year: Mapped[int]
    sequence: Mapped[int]
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    plan_rank: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class InspectionCounter(Base):
    __tablename__ = "inspection_counters"

    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int]


class InspectionAssignment(Base):
    __tablename__ = "inspection_assignments"
    __table_args__ = (Index(None, "username"),)

    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True
    )
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime]


class PlanRowReason(Base):
    __tablename__ = "plan_row_reasons"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"), primary_key=True)
    rank: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


@dataclass(frozen=True, slots=True)
class OriginRecord:
    inspection_id: int
    number: str
    region: str
    year: int
    sequence: int
    plan_id: int | None
    plan_rank: int | None
    reason: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    inspection_id: int
    username: str
    assigned_by: str
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class RowReasonRecord:
    plan_id: int
    rank: int
    reason: str
    recorded_by: str
    recorded_at: datetime
