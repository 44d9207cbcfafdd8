"""Subjects' accounts (the BINs each acts for) and remediation reports with their files.

Plain records go in and out; who may read and write them is decided in `tekseru.services.portal`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from tekseru.store._chunks import chunks
from tekseru.store.inspection_models import AttachmentData
from tekseru.store.portal_models import (
    ACCEPTED,
    SUBMITTED,
    RemediationFile,
    RemediationReport,
    SignInChallenge,
    SubjectAccountBin,
)

_r, _f, _b = RemediationReport.__table__.c, RemediationFile.__table__.c, SubjectAccountBin.__table__.c


@dataclass(frozen=True, slots=True)
class RemediationFileRecord:
    id: int
    report_id: int
    file_name: str
    media_type: str
    size: int
    sha256: str
    stored_as: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class RemediationRecord:
    id: int
    violation_id: int
    inspection_id: int
    subject_id: int
    item: int
    text: str
    status: str
    submitted_by: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_reason: str | None
    files: tuple[RemediationFileRecord, ...] = ()


_REPORT_COLUMNS = [_r[f.name] for f in fields(RemediationRecord) if f.name != "files"]
_FILE_COLUMNS = [_f[f.name] for f in fields(RemediationFileRecord)]


# Accounts -------------------------------------------------------------------------------------------------


def account_bins(session: Session, user_id: int) -> frozenset[str]:
    query = select(_b.bin).where(_b.user_id == user_id)
    return frozenset(session.execute(query).scalars())


def bins_by_user(session: Session) -> dict[int, tuple[str, ...]]:
    found: defaultdict[int, list[str]] = defaultdict(list)
    for user_id, bin in session.execute(select(_b.user_id, _b.bin).order_by(_b.user_id, _b.bin)):
        found[user_id].append(bin)
    return {key: tuple(value) for key, value in found.items()}


def set_account_bins(session: Session, user_id: int, bins: Iterable[str]) -> None:
    session.execute(delete(SubjectAccountBin).where(_b.user_id == user_id))
    rows = [{"user_id": user_id, "bin": bin} for bin in sorted(set(bins))]
    if rows:
        session.execute(insert(SubjectAccountBin), rows)


def accounts_of_bin(session: Session, bin: str) -> list[int]:
    """The ids of the accounts bound to a BIN, in the order they were made."""
    return list(session.execute(select(_b.user_id).where(_b.bin == bin).order_by(_b.user_id)).scalars())


# Sign-in challenges ---------------------------------------------------------------------------------------

_c = SignInChallenge.__table__.c


def add_challenge(
    session: Session, challenge_id: str, *, client: str, now: datetime, expires_at: datetime
) -> None:
    session.execute(delete(SignInChallenge).where(_c.expires_at < now))
    session.execute(
        insert(SignInChallenge),
        [
            {
                "id": challenge_id,
                "client": client,
                "created_at": now,
                "expires_at": expires_at,
                "used_at": None,
            }
        ],
    )


def use_challenge(session: Session, challenge_id: str, now: datetime) -> tuple[str, datetime | None]:
    """Mark the challenge used, once: ("ok", when it was made), or ("unknown" | "used" | "expired", None).
    A conditional update, so that of two answers at the same moment only one finds it unused."""
    used = session.execute(
        update(SignInChallenge)
        .where(_c.id == challenge_id, _c.used_at.is_(None), _c.expires_at >= now)
        .values(used_at=now)
        .returning(_c.created_at)
    ).scalar_one_or_none()
    if used is not None:
        return "ok", used
    found = session.execute(select(_c.used_at).where(_c.id == challenge_id)).one_or_none()
    if found is None:
        return "unknown", None
    return ("used" if found.used_at is not None else "expired"), None


# Reports --------------------------------------------------------------------------------------------------


def _with_files(session: Session, rows: Sequence[Any]) -> list[RemediationRecord]:
    ids = [row.id for row in rows]
    files: defaultdict[int, list[RemediationFileRecord]] = defaultdict(list)
    for part in chunks(ids):
        query = select(*_FILE_COLUMNS).where(_f.report_id.in_(part)).order_by(_f.id)
        for row in session.execute(query):
            files[row.report_id].append(RemediationFileRecord(**row._asdict()))
    return [RemediationRecord(**row._asdict(), files=tuple(files[row.id])) for row in rows]


def add_report(
    session: Session,
    *,
    violation_id: int,
    inspection_id: int,
    subject_id: int,
    item: int,
    text: str,
    files: Sequence[AttachmentData],
    by: str,
    now: datetime,
) -> RemediationRecord:
    values = {
        "violation_id": violation_id,
        "inspection_id": inspection_id,
        "subject_id": subject_id,
        "item": item,
        "text": text,
        "status": SUBMITTED,
        "submitted_by": by,
        "submitted_at": now,
    }
    report_id = session.execute(insert(RemediationReport).values(**values).returning(_r.id)).scalar_one()
    for file in files:
        session.execute(
            insert(RemediationFile).values(
                report_id=report_id,
                file_name=file.file_name,
                media_type=file.media_type,
                size=file.size,
                sha256=file.sha256,
                stored_as=file.stored_as,
                added_at=now,
            )
        )
    found = get_report(session, report_id)
    assert found is not None
    return found


def get_report(session: Session, report_id: int, *, lock: bool = False) -> RemediationRecord | None:
    query = select(*_REPORT_COLUMNS).where(_r.id == report_id)
    rows = list(session.execute(query.with_for_update() if lock else query))
    return _with_files(session, rows)[0] if rows else None


def reports_of_subjects(session: Session, subject_ids: Iterable[int]) -> list[RemediationRecord]:
    rows: list[Any] = []
    for part in chunks(sorted(set(subject_ids))):
        rows.extend(session.execute(select(*_REPORT_COLUMNS).where(_r.subject_id.in_(part))))
    return _with_files(session, sorted(rows, key=lambda row: row.id))


def reports_of_violations(session: Session, violation_ids: Iterable[int]) -> list[RemediationRecord]:
    rows: list[Any] = []
    for part in chunks(sorted(set(violation_ids))):
        rows.extend(session.execute(select(*_REPORT_COLUMNS).where(_r.violation_id.in_(part))))
    return _with_files(session, sorted(rows, key=lambda row: row.id))


def reports_with_status(session: Session, status: str, limit: int = 500) -> list[RemediationRecord]:
    query = select(*_REPORT_COLUMNS).where(_r.status == status).order_by(_r.id).limit(limit)
    return _with_files(session, list(session.execute(query)))


def accepted_reports(session: Session, violation_ids: Iterable[int]) -> list[RemediationRecord]:
    return [r for r in reports_of_violations(session, violation_ids) if r.status == ACCEPTED]


def review_report(
    session: Session, report_id: int, *, status: str, reason: str, by: str, now: datetime
) -> RemediationRecord:
    statement = (
        update(RemediationReport)
        .where(_r.id == report_id, _r.status == SUBMITTED)
        .values(status=status, review_reason=reason, reviewed_by=by, reviewed_at=now)
    )
    session.execute(statement)
    found = get_report(session, report_id)
    assert found is not None
    return found


def file_by_hash(session: Session, sha256: str) -> list[tuple[RemediationFileRecord, int]]:
    """The files with this SHA-256, each with the subject of its report."""
    query = (
        select(*_FILE_COLUMNS, _r.subject_id)
        .join(RemediationReport, _r.id == _f.report_id)
        .where(_f.sha256 == sha256)
        .order_by(_f.id)
    )
    return [
        (
            RemediationFileRecord(**{k: v for k, v in row._asdict().items() if k != "subject_id"}),
            row.subject_id,
        )
        for row in session.execute(query)
    ]
