"""The outbox's SQL: storing a message once per key, claiming due messages, recording each attempt, and
counting for the administrators' page. A claim is a compare-and-set on the status, so two workers (or two
servers on one database) never send the same message at once; a claim whose worker died is taken back
after `stale_after`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from tekseru.store.outbox_models import FAILED, OUTBOX_STATUSES, PENDING, SENDING, SENT, OutboxMessage

__all__ = [
    "FAILED",
    "OUTBOX_STATUSES",
    "PENDING",
    "SENDING",
    "SENT",
    "OutboxRecord",
    "add_message",
    "claim_due",
    "count_by_status",
    "list_messages",
    "mark_failed",
    "mark_retry",
    "mark_sent",
]


@dataclass(frozen=True)
class OutboxRecord:
    id: int
    key: str
    message_id: str
    kind: str
    recipient: str
    subject: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    claimed_by: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _record(row: OutboxMessage) -> OutboxRecord:
    return OutboxRecord(
        id=row.id,
        key=row.key,
        message_id=row.message_id,
        kind=row.kind,
        recipient=row.recipient,
        subject=row.subject,
        body=row.body,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        claimed_by=row.claimed_by,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def add_message(
    session: Session,
    *,
    key: str,
    message_id: str,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
) -> bool:
    """Store a message to send, unless one with this key is stored already; True when stored now."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
        return False
    session.add(
        OutboxMessage(
            key=key,
            message_id=message_id,
            kind=kind,
            recipient=recipient,
            subject=subject,
            body=body,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    session.flush()
    return True


def claim_due(
    session: Session, *, worker: str, now: datetime, limit: int, stale_after: timedelta
) -> list[OutboxRecord]:
    """Claim up to `limit` messages that are due (pending and due, or claimed longer ago than
    `stale_after` by a worker that never finished): each becomes `sending` by `worker` with one more
    attempt. A row another worker claimed first is skipped."""
    due = or_(
        (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < now - stale_after),
    )
    candidates = session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts)
        .where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    claimed: list[int] = []
    for message_id, status, attempts in candidates:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == status,
                OutboxMessage.attempts == attempts,
            )
            .values(status=SENDING, claimed_by=worker, claimed_at=now, attempts=attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(message_id)
    if not claimed:
        return []
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
    ).all()
    return [_record(row) for row in rows]


def _finish(session: Session, message_id: int, worker: str, **values: object) -> bool:
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == SENDING,
            OutboxMessage.claimed_by == worker,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def mark_sent(session: Session, message_id: int, *, worker: str, now: datetime) -> bool:
    return _finish(
        session,
        message_id,
        worker,
        status=SENT,
        sent_at=now,
        claimed_by=None,
        claimed_at=None,
        last_error=None,
    )


def mark_retry(session: Session, message_id: int, *, worker: str, error: str, at: datetime) -> bool:
    """Back to pending, to be tried again at `at`, with the error kept for the administrators."""
    return _finish(
        session,
        message_id,
        worker,
        status=PENDING,
        next_attempt_at=at,
        claimed_by=None,
        claimed_at=None,
        last_error=error[:2000],
    )


def mark_failed(session: Session, message_id: int, *, worker: str, error: str) -> bool:
    """Refused for good by the mail server (an address it does not know): kept, not tried again."""
    return _finish(
        session, message_id, worker, status=FAILED, claimed_by=None, claimed_at=None, last_error=error[:2000]
    )


def count_by_status(session: Session) -> dict[str, int]:
    counts = dict.fromkeys(OUTBOX_STATUSES, 0)
    for status, count in session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ):
        counts[str(status)] = int(count)
    return counts


def list_messages(session: Session, *, status: str | None = None, limit: int = 100) -> Sequence[OutboxRecord]:
    """The newest messages first (of one status, when given)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return [_record(row) for row in session.scalars(query)]
