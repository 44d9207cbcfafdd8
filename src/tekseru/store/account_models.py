"""The tables of accounts and security: users, their sessions, failed logins, the audit log, background
jobs and the application's generated secrets; and an index the registry pages need. Only `tekseru.store`
imports this module.

Passwords are kept as argon2 hashes; a session is kept under the SHA-256 of its token (the cookie carries
the token, signed), so that neither a copy of the database nor of the log opens a session.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from tekseru.store.models import Base

ROLES = ("admin", "planner", "inspector", "viewer", "subject")
JOB_STATUSES = (
    "queued",
    "running",
    "cancelling",
    "finished",
    "failed",
    "cancelled",
    "timed_out",
    "interrupted",
)


def _among(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class User(Base):
    """A person who signs in. An inspector works in one region (`region`, a region key); others in all."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_among("role", ROLES), name="role_known"),
        CheckConstraint("role <> 'inspector' OR region IS NOT NULL", name="inspector_has_region"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The user closed the unofficial-translation notice (migration 0014): not shown to them again.
    translation_notice_dismissed: Mapped[bool] = mapped_column(server_default=false())


class UserSession(Base):
    """A signed-in browser or API client: `id` is the SHA-256 of the token its cookie carries."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index(None, "user_id"), Index(None, "expires_at"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class LoginFailure(Base):
    """One failed sign-in, counted per user name and per client address to limit guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (Index(None, "username", "at"), Index(None, "client", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class AuditEntry(Base):
    """One change: who made it, when, what it changed, and the thing before and after, as JSON.

    `hash` is the SHA-256 of the entry and of `previous_hash`, the hash of the entry before it (a chain:
    see `tekseru.store.audit_chain`). Both are NULL only if the row was put in behind tekseru's back.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "at"), Index(None, "entity", "entity_key"), Index(None, "actor"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """The one row (id 1) that names the last entry of the audit chain and its hash. Writers lock it
    (SELECT ... FOR UPDATE) so that two transactions never chain onto the same entry, and a deleted last
    entry shows as a head that names an entry no longer there."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))


class Job(Base):
    """A background job (an import, an assessment): its progress and its result, read back by any page."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_among("status", JOB_STATUSES), name="status_known"),
        Index(None, "kind", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    done: Mapped[int]
    total: Mapped[int]
    message: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any] | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class AppSecret(Base):
    """A secret the application generated for itself once (the key that signs session cookies)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
