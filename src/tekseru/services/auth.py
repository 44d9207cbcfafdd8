"""Signing in and out, sessions, the limit on failed sign-ins, and the key that signs session cookies.

A session is a random token: the browser keeps it in a signed cookie, the database keeps only its SHA-256
with the user, the session's CSRF token and when it expires. Sign-ins, refusals and sign-outs go to the
audit log.

Failed sign-ins are throttled (docs/SECURITY.md, "Sign-in policy") in three separate scopes, each counting the
failures of the last `LoginPolicy.window`, kept in the database so that every worker process sees them:

- one account from one address: past `max_failures`, that account waits before its next attempt from that
  address; the same account from another address, and other accounts from this one, are not held up;
- one address, all accounts (guessing many accounts): past `address_max_failures`;
- one account, all addresses (guessing from many machines): past `account_max_failures`.

The wait grows with every further failure: `first_delay`, then twice as long each time, never longer than
the window. While a scope waits, sign-in is refused without checking the password (so that guessing gains
nothing) and the refusal is not counted as a failure (so that nobody can keep an account waiting for longer
by trying more often). Because a single address reaches its own limit long before the account's, nobody
holds a named account up from one machine.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from sqlalchemy.orm import Session

from tekseru.message import Explained
from tekseru.services import audit
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor, Role
from tekseru.settings import Settings
from tekseru.store import Database as Database
from tekseru.store import open_database
from tekseru.store.accounts import (
    UserRecord,
    add_login_failure,
    add_session,
    clear_login_failures,
    delete_expired_sessions,
    delete_login_failures_before,
    delete_session,
    find_user,
    live_session,
    login_failures,
    password_hash,
    secret,
    update_user_record,
)
from tekseru.store.portal import account_bins

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
    first_delay: timedelta = timedelta(seconds=30)
    address_factor: int = 4  # an address may fail this many times `max_failures`, across its accounts
    account_factor: int = 10  # an account may fail this many times `max_failures`, across all addresses

    @property
    def address_max_failures(self) -> int:
        return self.max_failures * self.address_factor

    @property
    def account_max_failures(self) -> int:
        return self.max_failures * self.account_factor

    def delay(self, failures: int, limit: int) -> timedelta:
        """How long to wait after the latest of `failures` failures against a limit of `limit`: nothing
        below it, `first_delay` at it, twice as long for each failure beyond it, at most the window."""
        if failures < limit:
            return timedelta(0)
        growth: int = 2 ** min(failures - limit, 32)
        return min(self.first_delay * growth, self.window)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        return cls(
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            session_lifetime=timedelta(hours=settings.session_hours),
        )


class LoginRefused(Explained):
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
    notice_dismissed: bool = False  # the user closed the unofficial-translation notice


def token_id(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_of(user: UserRecord) -> Actor:
    """The user as the services' `Actor` (a subject's account with the BINs it acts for)."""
    return Actor(user.username, Role(user.role), user.region, user.full_name, user.id, frozenset(user.bins))


def with_bins(session: Session, user: UserRecord) -> UserRecord:
    """The user with the BINs a subject's account acts for (none for another role)."""
    if user.role != Role.SUBJECT:
        return user
    return replace(user, bins=tuple(sorted(account_bins(session, user.id))))


def _name(username: str) -> str:
    return username.strip().lower()[:_NAME_LIMIT]


def log_in(
    db: Database,
    username: str,
    password: str,
    *,
    client: str,
    passwords: Passwords,
    policy: LoginPolicy = LoginPolicy(),
    now: datetime | None = None,
) -> SignedIn:
    """A new session for the user, or LoginRefused."""
    now = now or datetime.now(UTC)
    name, client = _name(username), client[:_NAME_LIMIT]
    with db.transaction() as session:
        wait = _wait(session, name, client, policy, now)
        user = None if wait else find_user(session, name)
        stored = "" if user is None else password_hash(session, user.id)
    if wait:
        _refuse_limited(db, name, wait, now)
    if user is None or not user.active or not passwords.verify(stored, password):
        if user is None:  # spend the same time as for a real user, so that timing tells nothing
            passwords.verify(passwords.dummy_hash, password)
        _refuse(db, name, client, now)
    return open_session(db, user, client, password, policy, now, passwords)


def _wait(session: Session, name: str, client: str, policy: LoginPolicy, now: datetime) -> int:
    """Seconds to wait before this account may try again from this address (0: it may try now)."""
    since = now - policy.window
    scopes = (
        ({"username": name, "client": client}, policy.max_failures),
        ({"client": client}, policy.address_max_failures),
        ({"username": name}, policy.account_max_failures),
    )
    wait = timedelta(0)
    for scope, limit in scopes:
        count, latest = login_failures(session, since=since, **scope)
        if latest is not None and count >= limit:
            wait = max(wait, latest + policy.delay(count, limit) - now)
    return math.ceil(wait.total_seconds()) if wait > timedelta(0) else 0


def _refuse_limited(db: Database, name: str, wait: int, now: datetime) -> NoReturn:
    with db.transaction() as session:
        audit.record(session, Actor(name, Role.VIEWER), "user.login_limited", "user", name, now=now)
    raise LoginRefused(
        f"too many failed sign-ins; try again in {wait} seconds", rate_limited=True, retry_after=wait
    ).saying("refusal.login.limited", seconds=wait)


def _refuse(db: Database, name: str, client: str, now: datetime) -> NoReturn:
    with db.transaction() as session:
        add_login_failure(session, username=name, client=client, at=now)
        delete_login_failures_before(session, now - FAILURES_KEPT)
        audit.record(session, Actor(name, Role.VIEWER), "user.login_failed", "user", name, now=now)
    raise LoginRefused("wrong user name or password").saying("refusal.login.wrong")


def open_session(
    db: Database,
    user: UserRecord,
    client: str,
    password: str | None,
    policy: LoginPolicy,
    now: datetime,
    passwords: Passwords | None,
    via: Mapping[str, object] | None = None,
) -> SignedIn:
    """A new session for the user, audited (`via`: how it signed in, when not with its password)."""
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires_at = now + policy.session_lifetime
    with db.transaction() as session:
        actor = actor_of(with_bins(session, user))
        # Only this address's failures: signing in elsewhere must not give a guesser a fresh start.
        clear_login_failures(session, username=user.username, client=client)
        delete_expired_sessions(session, now)
        add_session(
            session,
            session_id=token_id(token),
            user_id=user.id,
            csrf_token=csrf_token,
            now=now,
            expires_at=expires_at,
        )
        if (
            password is not None
            and passwords is not None
            and passwords.needs_rehash(password_hash(session, user.id))
        ):
            update_user_record(session, user.id, now=now, password_hash=passwords.hash(password))
        audit.record(
            session, actor, "user.login", "user", user.username, region=user.region, after=via, now=now
        )
    return SignedIn(actor, token, csrf_token, expires_at)


def session_for(db: Database, token: str, now: datetime | None = None) -> LiveSession | None:
    """The signed-in actor and the CSRF token of the session, or None (unknown, expired, user inactive)."""
    now = now or datetime.now(UTC)
    with db.single_reading() as connection:  # every request asks: one statement, no transaction
        found = live_session(connection, token_id(token), now)
    user = None if found is None else found.user
    if user is not None and user.role == Role.SUBJECT:  # and the BINs it acts for, in one snapshot
        with db.reading() as session:
            found = live_session(session, token_id(token), now)
            user = None if found is None else with_bins(session, found.user)
    if found is None or user is None or not user.active:
        return None
    return LiveSession(actor_of(user), found.csrf_token, user.translation_notice_dismissed)


def log_out(db: Database, token: str, actor: Actor) -> None:
    with db.transaction() as session:
        delete_session(session, token_id(token))
        audit.record(session, actor, "user.logout", "user", actor.username, region=actor.region)


def signing_key(db: Database, settings: Settings) -> str:
    """The key that signs session cookies: `Settings.secret_key`, else one generated on first use and kept
    in the database (so every worker process of one database signs with the same key)."""
    if settings.secret_key:
        return settings.secret_key
    with db.transaction() as session:
        return secret(session, SESSION_KEY_NAME, secrets.token_urlsafe(48), datetime.now(UTC))


def open_app_database(settings: Settings) -> Database:
    """The database of the settings, migrated when new (DatabaseNeedsUpgrade when it is behind)."""
    return open_database(settings.database_url)
