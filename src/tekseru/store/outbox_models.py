"""The mail outbox and the addresses notices go to. Only `tekseru.store` imports this module.

A message is written to `outbox` in the transaction of the change that causes it (a list published, an
inspector assigned, a report submitted, a deadline near) and sent later by the outbox worker
(`tekseru.services.outbox`). `key` says what the message is about (one message per key: enqueuing the same
notice twice stores it once) and `message_id` is the e-mail's Message-ID, made from the key, so a message
sent again after a crash is the same message to the receiving server.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tekseru.store.models import Base

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
OUTBOX_STATUSES = (PENDING, SENDING, SENT, FAILED)


class OutboxMessage(Base):
    """One e-mail to one address: waiting (pending), claimed by a worker (sending), sent, or refused for
    good by the mail server (failed); `attempts` counts the claims, `next_attempt_at` is when it may be
    tried again."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class SubjectContact(Base):
    """The e-mail address at which a control subject receives notices (one per subject)."""

    __tablename__ = "subject_contacts"

    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))


class UserContact(Base):
    """The e-mail address at which a user (an inspector, a planner) receives notices."""

    __tablename__ = "user_contacts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
