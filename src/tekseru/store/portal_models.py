"""The tables of subjects' accounts and their remediation reports. Only `tekseru.store` imports this module.

A subject's account (a user of role `subject`) is bound to the BINs in `subject_account_bins`, set by an
administrator. A remediation report answers one violation (`inspection_violations`): the subject's text and
files, then an inspector's decision; an accepted report closes the violation. Files are kept as
inspection attachments are, under their SHA-256 (`tekseru.services.inspections.attachments`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tekseru.store.models import Base

SUBMITTED, ACCEPTED, REJECTED = "submitted", "accepted", "rejected"
REPORT_STATUSES = (SUBMITTED, ACCEPTED, REJECTED)


class SubjectAccountBin(Base):
    """One BIN a subject's account acts for."""

    __tablename__ = "subject_account_bins"
    __table_args__ = (Index(None, "bin"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    bin: Mapped[str] = mapped_column(String(12), primary_key=True)


class RemediationReport(Base):
    """What a subject says it did about one violation, and the inspector's decision with its reason."""

    __tablename__ = "remediation_reports"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in REPORT_STATUSES)})", name="status_known"),
        CheckConstraint(
            "(status = 'submitted' AND reviewed_by IS NULL AND reviewed_at IS NULL)"
            " OR (status <> 'submitted' AND reviewed_by IS NOT NULL AND reviewed_at IS NOT NULL)",
            name="review_recorded",
        ),
        Index(None, "violation_id"),
        Index(None, "subject_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(ForeignKey("inspection_violations.id", ondelete="RESTRICT"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="RESTRICT"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="RESTRICT"))
    item: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime]
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(Text)


class RemediationFile(Base):
    """A file of a remediation report, kept under its SHA-256 in the files folder."""

    __tablename__ = "remediation_files"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        Index(None, "report_id"),
        Index(None, "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("remediation_reports.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_as: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]


class SignInChallenge(Base):
    """A one-time random text a subject signs with its electronic signature to sign in: kept by its SHA-256
    until it expires; `used_at` is set by the first attempt that answers it, so no challenge serves twice."""

    __tablename__ = "signin_challenges"
    __table_args__ = (Index(None, "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the challenge, hex
    client: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
