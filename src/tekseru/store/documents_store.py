"""The documents of inspections: the sealed files tekseru issued, what a form or sheet shows, attachments.

Each issued file is kept with its verification code, the form's fingerprint and the file's SHA-256;
recording the same file twice changes nothing, so printing a completed inspection again is idempotent.
The code is looked up when a document is verified. Attachments' contents are kept as files named by
their SHA-256 under the attachments folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, insert, select
from sqlalchemy.orm import Session

from tekseru.store import inspections
from tekseru.store.inspection_models import (
    AnswerRecord,
    AttachmentRecord,
    InspectionRecord,
    IssuedDocument,
    ViolationRecord,
)
from tekseru.store.inspection_pages import inspections_after
from tekseru.store.records import SubjectRecord
from tekseru.store.subjects import find_subject_by_bin, get_subject, subjects_by_id


@dataclass(frozen=True, slots=True)
class DocumentData:
    code: str
    fingerprint: str
    file_sha256: str
    format: str
    language: str
    appendix: int
    inspection_id: int | None
    reference: str
    issued_on: date | None


@dataclass(frozen=True, slots=True)
class DocumentRecord(DocumentData):
    """An issued file as stored: its data, and who issued it when."""

    id: int
    created_by: str
    created_at: datetime


_d = IssuedDocument.__table__.c
_COLUMNS = [_d[f.name] for f in fields(DocumentRecord)]


def _documents(session: Session, condition: ColumnElement[bool]) -> list[DocumentRecord]:
    query = select(*_COLUMNS).where(condition).order_by(_d.id)
    return [DocumentRecord(**row._asdict()) for row in session.execute(query)]


def record_document(
    session: Session, data: DocumentData, *, created_by: str, now: datetime
) -> DocumentRecord:
    """Store an issued file, or return the stored one with the same file hash."""
    stored = _documents(session, _d.file_sha256 == data.file_sha256)
    if stored:
        return stored[0]
    values: dict[str, Any] = {f.name: getattr(data, f.name) for f in fields(DocumentData)}
    session.execute(insert(IssuedDocument).values(**values, created_by=created_by, created_at=now))
    return _documents(session, _d.file_sha256 == data.file_sha256)[0]


def documents_with_code(session: Session, code: str) -> list[DocumentRecord]:
    """The files issued under a verification code (the same form printed as PDF, DOCX or again)."""
    return _documents(session, _d.code == code)


def documents_of_inspection(session: Session, inspection_id: int) -> list[DocumentRecord]:
    return _documents(session, _d.inspection_id == inspection_id)


# What a document of an inspection shows -------------------------------------------------------------------


@dataclass(frozen=True)
class InspectionContents:
    """Everything a printed form or the sheet of an inspection shows, read in one transaction."""

    record: InspectionRecord
    subject: SubjectRecord
    answers: Mapping[int, AnswerRecord]
    attachments: tuple[AttachmentRecord, ...]
    violations: tuple[ViolationRecord, ...]  # found by this revision
    revisions: tuple[InspectionRecord, ...]  # of the same inspection, the first first
    earlier: tuple[
        InspectionRecord, ...
    ]  # earlier inspections of the subject on this checklist, latest first
    previous_answers: Mapping[int, AnswerRecord]  # of the latest earlier inspection
    still_open: tuple[ViolationRecord, ...]  # found by earlier inspections, not eliminated


def inspection_contents(session: Session, inspection_id: int) -> InspectionContents:
    record = inspections.get_or_raise(session, inspection_id)
    subject = get_subject(session, record.subject_id)
    assert subject is not None, "an inspection's subject cannot be deleted (foreign key)"
    earlier = inspections.earlier_inspections(session, record)
    previous = inspections.answers_of(session, earlier[0].id) if earlier else []
    return InspectionContents(
        record,
        subject,
        {answer.item: answer for answer in inspections.answers_of(session, inspection_id)},
        tuple(inspections.attachments_of(session, inspection_id)),
        tuple(inspections.violations_of(session, [inspection_id])),
        tuple(inspections.revisions(session, record)),
        tuple(earlier),
        {answer.item: answer for answer in previous},
        tuple(inspections.open_violations(session, earlier)),
    )


def keep_file(folder: Path, relative: str, content: bytes) -> None:
    """Write `content` to `folder/relative` once (it is named by its hash), atomically."""
    target = folder / relative
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, target)


def inspections_with_subjects_after(
    session: Session,
    after_id: int,
    limit: int,
    *,
    subject_id: int | None,
    status: str | None,
    current_only: bool,
    region: str | None,
) -> list[tuple[InspectionRecord, SubjectRecord]]:
    """One page of `inspections_with_subjects` (ids above `after_id`, at most `limit`), of `region`'s
    subjects when given: the subjects of the page read in one go."""
    found = inspections_after(
        session,
        after_id,
        limit,
        subject_id=subject_id,
        status=status,
        current_only=current_only,
        region=region,
    )
    subjects = subjects_by_id(session, {record.subject_id for record in found})
    return [(record, subjects[record.subject_id]) for record in found if record.subject_id in subjects]


def inspections_with_subjects(
    session: Session, *, bin: str | None, status: str | None, current_only: bool
) -> list[tuple[InspectionRecord, SubjectRecord]] | None:
    """Inspections (by id) with their subjects, optionally of the subject with `bin` (None: no such BIN)."""
    subject = None if bin is None else find_subject_by_bin(session, bin)
    if bin is not None and subject is None:
        return None
    subject_id = None if subject is None else subject.id
    found = inspections.list_inspections(
        session, subject_id=subject_id, status=status, current_only=current_only
    )
    subjects = {record.subject_id: get_subject(session, record.subject_id) for record in found}
    return [(record, subject) for record in found if (subject := subjects[record.subject_id]) is not None]
