"""The tables of inspections, their answers, attachments and follow-up, and of issued documents.

Only `tekseru.store` imports this module. A completed inspection never changes: besides the checks in
`tekseru.store.inspections`, triggers of migration 0003 refuse changes to a completed inspection, its
answers and its attachments (a correction is a new revision). Follow-up of the violations found
(`inspection_violations`) goes on after completion and is not frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tekseru.store.models import Base

DRAFT, COMPLETED = "draft", "completed"
INSPECTION_STATUSES = (DRAFT, COMPLETED)
PREVENTIVE_CONTROL = "preventive_control"
INSPECTION_KINDS = (PREVENTIVE_CONTROL, "unscheduled_inspection", "compliance_inspection")
ANSWERS = ("required", "not_required", "compliant", "non_compliant")
NON_COMPLIANT = "non_compliant"
OPEN, ELIMINATED = "open", "eliminated"
VIOLATION_STATUSES = (OPEN, ELIMINATED)
DOCUMENT_FORMATS = ("pdf", "docx")
ORIGIN_PREFIX = "inspection:"  # the `origin` of evidence an inspection produced: "inspection:<id>"


def _among(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Inspection(Base):
    """One revision of an inspection (or preventive control with a visit) of a subject, on one checklist.

    Revision 1 is the inspection as first recorded; a correction of a completed revision is a new row
    with `revises_id` pointing at it, `first_revision_id` at revision 1, and a reason. When the new revision
    is completed the old one gets `superseded_by_id` and stays readable.
    """

    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint(_among("kind", INSPECTION_KINDS), name="kind_known"),
        CheckConstraint(_among("status", INSPECTION_STATUSES), name="status_known"),
        CheckConstraint(
            "(status = 'draft' AND completed_by IS NULL AND completed_at IS NULL"
            " AND superseded_by_id IS NULL)"
            " OR (status = 'completed' AND completed_by IS NOT NULL AND completed_at IS NOT NULL"
            " AND inspected_on IS NOT NULL)",
            name="completion_recorded",
        ),
        CheckConstraint(
            "(revision = 1 AND revises_id IS NULL AND first_revision_id IS NULL AND reason IS NULL)"
            " OR (revision > 1 AND revises_id IS NOT NULL AND first_revision_id IS NOT NULL"
            " AND reason IS NOT NULL)",
            name="revision_recorded",
        ),
        UniqueConstraint("revises_id"),
        Index(None, "subject_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="RESTRICT"))
    edition_id: Mapped[str] = mapped_column(String(64))
    appendix: Mapped[int]
    group_keys: Mapped[list[str]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(32))
    act_number: Mapped[str] = mapped_column(String(64))
    act_date: Mapped[date]
    inspectors: Mapped[list[str]] = mapped_column(JSON)
    planned_on: Mapped[date | None]
    inspected_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int]
    first_revision_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id", ondelete="RESTRICT"))
    revises_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id", ondelete="RESTRICT"))
    reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id", ondelete="RESTRICT"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    completed_by: Mapped[str | None] = mapped_column(String(200))
    completed_at: Mapped[datetime | None]


class InspectionAnswer(Base):
    """The answer to one checklist item; `criterion` is the item's subjective criterion (None: none)."""

    __tablename__ = "inspection_answers"
    __table_args__ = (CheckConstraint(_among("answer", ANSWERS), name="answer_known"),)

    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[int] = mapped_column(primary_key=True)
    criterion: Mapped[int | None]
    answer: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(200))
    answered_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(server_default="1")  # raised by each change (migration 0007)
    deadline: Mapped[date | None]  # remediation deadline proposed for a non-compliant item (0014)


class InspectionAttachment(Base):
    """A file attached to an inspection (or to one item of it), kept under its SHA-256 in the files folder."""

    __tablename__ = "inspection_attachments"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        Index(None, "inspection_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    item: Mapped[int | None]
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_as: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]


class InspectionViolation(Base):
    """A non-compliant item of a completed revision and its follow-up: deadline and elimination."""

    __tablename__ = "inspection_violations"
    __table_args__ = (
        CheckConstraint(_among("status", VIOLATION_STATUSES), name="status_known"),
        CheckConstraint(
            "(status = 'open' AND eliminated_on IS NULL)"
            " OR (status = 'eliminated' AND eliminated_on IS NOT NULL)",
            name="elimination_recorded",
        ),
        UniqueConstraint("inspection_id", "item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    item: Mapped[int]
    criterion: Mapped[int | None]
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16))
    eliminated_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(server_default="1")  # raised by each change (migration 0007)


class IssuedDocument(Base):
    """A sealed document file tekseru wrote: its code, the form's fingerprint and the file's SHA-256."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(_among("format", DOCUMENT_FORMATS), name="format_known"),
        UniqueConstraint("file_sha256"),
        Index(None, "code"),
        Index(None, "inspection_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(17))
    fingerprint: Mapped[str] = mapped_column(String(64))
    file_sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(2))
    appendix: Mapped[int]
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id", ondelete="RESTRICT"))
    reference: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


# Plain values the repository takes and returns --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InspectionData:
    subject_id: int
    edition_id: str
    appendix: int
    group_keys: tuple[str, ...]
    kind: str
    act_number: str
    act_date: date
    inspectors: tuple[str, ...]
    planned_on: date | None = None


@dataclass(frozen=True, slots=True)
class InspectionRecord:
    id: int
    subject_id: int
    edition_id: str
    appendix: int
    group_keys: tuple[str, ...]
    kind: str
    act_number: str
    act_date: date
    inspectors: tuple[str, ...]
    planned_on: date | None
    inspected_on: date | None
    status: str
    revision: int
    first_revision_id: int | None
    revises_id: int | None
    reason: str | None
    superseded_by_id: int | None
    created_by: str
    created_at: datetime
    completed_by: str | None
    completed_at: datetime | None

    @property
    def series_id(self) -> int:
        """The id of revision 1: what all revisions of one inspection share."""
        return self.first_revision_id or self.id

    @property
    def origin(self) -> str:
        """The `origin` of the evidence this revision produced."""
        return f"{ORIGIN_PREFIX}{self.id}"


@dataclass(frozen=True, slots=True)
class AnswerData:
    """An answer: one of required, not_required, compliant, non_compliant; `criterion` from the catalogue."""

    item: int
    criterion: int | None
    answer: str
    comment: str = ""
    deadline: date | None = None  # the remediation deadline proposed for a non-compliant item


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    item: int
    criterion: int | None
    answer: str
    comment: str
    answered_by: str
    answered_at: datetime
    version: int = 1  # the number of times it was written; a write names the version it read
    deadline: date | None = None  # the remediation deadline proposed for a non-compliant item


@dataclass(frozen=True, slots=True)
class AttachmentData:
    item: int | None
    file_name: str
    media_type: str
    size: int
    sha256: str
    stored_as: str


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    id: int
    inspection_id: int
    item: int | None
    file_name: str
    media_type: str
    size: int
    sha256: str
    stored_as: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class ViolationRecord:
    """A violation found by a completed revision; `status` is stored (open, eliminated), not "overdue"."""

    id: int
    inspection_id: int
    item: int
    criterion: int | None
    deadline: date | None
    status: str
    eliminated_on: date | None
    note: str
    updated_by: str
    updated_at: datetime
    version: int = 1  # the number of times it was written; a write names the version it read
