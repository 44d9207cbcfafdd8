"""The table of semi-annual lists of preventive control with a visit. Only `tekseru.store` imports this.

A list is a draft until approved; approved and published lists never change. Migration 0002 adds
triggers that refuse such changes in the database too (see `tekseru.store.plans`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tekseru.store.models import Base

DRAFT, APPROVED, PUBLISHED = "draft", "approved", "published"
PLAN_STATUSES = (DRAFT, APPROVED, PUBLISHED)


class PlanList(Base):
    """One semi-annual list: the formed plan as JSON (`Plan.to_dict()`), its inputs and its approvals."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'approved', 'published')", name="status_known"),
        CheckConstraint(
            "(status = 'draft' AND approved_by IS NULL AND approved_at IS NULL)"
            " OR (status <> 'draft' AND approved_by IS NOT NULL AND approved_at IS NOT NULL)",
            name="approval_recorded",
        ),
        CheckConstraint(
            "(status = 'published' AND published_by IS NOT NULL AND published_at IS NOT NULL)"
            " OR (status <> 'published' AND published_by IS NULL AND published_at IS NULL)",
            name="publication_recorded",
        ),
        Index(None, "half_year", "status"),
        Index(None, "assessment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    half_year: Mapped[str] = mapped_column(String(7))
    as_of: Mapped[date]
    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessments.id", ondelete="RESTRICT"))
    edition_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    plan: Mapped[dict[str, Any]]
    capacity: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None]
    previous_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(server_default="1")  # raised by each change (migration 0007)
