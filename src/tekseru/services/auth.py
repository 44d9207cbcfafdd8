"""Signing in and out, sessions, the limit on failed sign-ins, and the key that signs session cookies.

A session is a random token: the browser keeps it in a signed cookie, the database keeps only its SHA-256
with the user, the session's CSRF token and when it expires. Failed sign-ins are counted per user name and
per client address; past `LoginPolicy.max_failures` within `LoginPolicy.window`, sign-in is refused (even
with the right password) until the window has passed. Sign-ins, refusals and sign-outs go to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from sqlalchemy.orm import Session

from tekseru.services import audit
from tekseru.services.accounts import password_hasher, verify_password
from tekseru.services.permissions import Actor, Role
from tekseru.settings import Settings
from tekseru.store import Database as Database
from tekseru.store import accounts as store
from tekseru.store import open_database
from tekseru.store.accounts import UserRecord

SESSION_KEY_NAME = "session-signing-key"
FAILURES_KEPT = timedelta(days=1)
_NAME_LIMIT = 64


@dataclass(frozen=True)
class LoginPolicy:
    """Limits of signing in. Each has a named default (the same as the setting's); `from_settings` takes
    the settings `login_max_failures`, `login_window_minutes` and `session_hours`."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    session_lifetime: timedelta = timedelta(hours=12)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        return cls(
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            session_lifetime=timedelta(hours=settings.session_hours),
        )


class LoginRefused(Exception):
    """Sign-in refused: a wrong user name or password, an inactive account (told apart from nothing), or
    too many failures (`rate_limited`, try again after `retry_after` seconds)."""

    def __init__(self, message: str, *, rate_limited: bool = False, retry_after: int = 0) -> None:
        super().__init__(message)
        self.rate_limited = rate_limited
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    """A new session: `token` goes into the cookie, `csrf_token` into every form and unsafe API call."""

    actor: Actor
    token: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class LiveSession:
    actor: Actor
    csrf_token: str


def token_id(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _actor(user: UserRecord) -> Actor:
    return Actor(user.username, Role(user.role), user.region, user.full_name, user.id)


def _name(username: str) -> str:
    return username.strip().lower()[:_NAME_LIMIT]


def log_in(
    db: Database,
    username: str,
    password: str,
    *,
    client: str,
    policy: LoginPolicy = LoginPolicy(),
    now: datetime | None = None,
) -> SignedIn:
    """A new session for the user, or LoginRefused."""
    now = now or datetime.now(UTC)
    name, client = _name(username), client[:_NAME_LIMIT]
    with db.transaction() as session:
        limited = _limited(session, name, client, policy, now)
        user = None if limited else store.find_user(session, name)
    if limited:
        _refuse_limited(db, name, policy, now)
    if user is None or not user.active or not verify_password(user.password_hash, password):
        if user is None:  # spend the same time as for a real user, so that timing tells nothing
            verify_password(_dummy_hash(), password)
        _refuse(db, name, client, now)
    return _open_session(db, user, password, policy, now)


def _limited(session: Session, name: str, client: str, policy: LoginPolicy, now: datetime) -> bool:
    since = now - policy.window
    return (
        store.count_login_failures(session, since=since, username=name) >= policy.max_failures
        or store.count_login_failures(session, since=since, client=client) >= policy.max_failures
    )


def _refuse_limited(db: Database, name: str, policy: LoginPolicy, now: datetime) -> NoReturn:
    with db.transaction() as session:
        audit.record(session, Actor(name, Role.VIEWER), "user.login_limited", "user", name, now=now)
    minutes = int(policy.window.total_seconds() // 60)
    raise LoginRefused(
        f"too many failed sign-ins; try again in {minutes} minutes",
        rate_limited=True,
        retry_after=int(policy.window.total_seconds()),
    )


def _refuse(db: Database, name: str, client: str, now: datetime) -> NoReturn:
    with db.transaction() as session:
        store.add_login_failure(session, username=name, client=client, at=now)
        store.delete_login_failures_before(session, now - FAILURES_KEPT)
        audit.record(session, Actor(name, Role.VIEWER), "user.login_failed", "user", name, now=now)
    raise LoginRefused("wrong user name or password")


def _open_session(
    db: Database, user: UserRecord, password: str, policy: LoginPolicy, now: datetime
) -> SignedIn:
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires_at = now + policy.session_lifetime
    actor = _actor(user)
    with db.transaction() as session:
        store.clear_login_failures(session, username=user.username)
        store.delete_expired_sessions(session, now)
        store.add_session(
            session,
            session_id=token_id(token),
            user_id=user.id,
            csrf_token=csrf_token,
            now=now,
            expires_at=expires_at,
        )
        if password_hasher().check_needs_rehash(user.password_hash):
            store.update_user(session, user.id, now=now, password_hash=password_hasher().hash(password))
        audit.record(session, actor, "user.login", "user", user.username, region=user.region, now=now)
    return SignedIn(actor, token, csrf_token, expires_at)


def session_for(db: Database, token: str, now: datetime | None = None) -> LiveSession | None:
    """The signed-in actor and the CSRF token of the session, or None (unknown, expired, user inactive)."""
    with db.reading() as session:
        found = store.live_session(session, token_id(token), now or datetime.now(UTC))
    if found is None or not found.user.active:
        return None
    return LiveSession(_actor(found.user), found.csrf_token)


def log_out(db: Database, token: str, actor: Actor) -> None:
    with db.transaction() as session:
        store.delete_session(session, token_id(token))
        audit.record(session, actor, "user.logout", "user", actor.username, region=actor.region)


def signing_key(db: Database, settings: Settings) -> str:
    """The key that signs session cookies: `Settings.secret_key`, else one generated on first use and kept
    in the database (so every worker process of one database signs with the same key)."""
    if settings.secret_key:
        return settings.secret_key
    with db.transaction() as session:
        return store.secret(session, SESSION_KEY_NAME, secrets.token_urlsafe(48), datetime.now(UTC))


_dummy_hashes: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash made with the current hasher's parameters, to verify against when the user is unknown."""
    hasher = password_hasher()
    if id(hasher) not in _dummy_hashes:
        _dummy_hashes[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[id(hasher)]


def open_app_database(settings: Settings) -> Database:
    """The database of the settings, migrated when new (DatabaseNeedsUpgrade when it is behind)."""
    return open_database(settings.database_url)
