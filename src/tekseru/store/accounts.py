"""Users, their sessions, failed sign-ins and the application's generated secrets.

Plain records go in and out; password hashing, session tokens and the rules of who may do what live in
`tekseru.services.accounts`. A user's record never holds the password hash, so that it is safe to hand out
as it is: the hash is read apart (`password_hash`), where a password is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tekseru.store.account_models import AppSecret, LoginFailure, User, UserSession
from tekseru.store.fast_reads import read_first

_USER_COLUMNS = (
    User.id,
    User.username,
    User.full_name,
    User.role,
    User.region,
    User.active,
    User.created_at,
    User.updated_at,
    User.translation_notice_dismissed,
)


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user as pages, the API and the command line show it (never its password hash)."""

    id: int
    username: str
    full_name: str
    role: str
    region: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    translation_notice_dismissed: bool = False  # the user closed the unofficial-translation notice
    # A subject's account: the BINs it acts for (`tekseru.store.portal.account_bins`), where the services
    # read them with the user.
    bins: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A live session and its user; `csrf_token` must come back with every change the session makes."""

    user: UserRecord
    csrf_token: str
    expires_at: datetime


def add_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    password_hash: str,
    role: str,
    region: str | None,
    now: datetime,
    active: bool = True,
) -> UserRecord:
    values: dict[str, Any] = {
        "username": username,
        "full_name": full_name,
        "password_hash": password_hash,
        "role": role,
        "region": region,
        "active": active,
        "created_at": now,
        "updated_at": now,
    }
    user_id = session.execute(insert(User).values(**values).returning(User.id)).scalar_one()
    del values["password_hash"]
    return UserRecord(id=user_id, **values)


def _users(session: Session, *conditions: Any) -> list[UserRecord]:
    query = select(*_USER_COLUMNS).where(*conditions).order_by(User.username)
    return [UserRecord(**row._asdict()) for row in session.execute(query)]


def find_user(session: Session, username: str) -> UserRecord | None:
    found = _users(session, User.username == username)
    return found[0] if found else None


def get_user(session: Session, user_id: int) -> UserRecord | None:
    found = _users(session, User.id == user_id)
    return found[0] if found else None


def password_hash(session: Session, user_id: int) -> str:
    """The user's password hash, to check a password against (never part of the user's record)."""
    return session.execute(select(User.password_hash).where(User.id == user_id)).scalar_one()


def user_records(session: Session) -> list[UserRecord]:
    """Every user, by user name."""
    return _users(session)


def count_users(session: Session, *, role: str | None = None, active: bool | None = None) -> int:
    query = select(func.count()).select_from(User)
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active == active)
    return session.execute(query).scalar_one()


def update_user_record(session: Session, user_id: int, *, now: datetime, **values: Any) -> UserRecord:
    """Change some of full_name, password_hash, role, region, active, translation_notice_dismissed; the
    changed record."""
    allowed = {"full_name", "password_hash", "role", "region", "active", "translation_notice_dismissed"}
    if not set(values) <= allowed:
        raise ValueError(f"cannot change {sorted(set(values) - allowed)} of a user")
    session.execute(update(User).where(User.id == user_id).values(**values, updated_at=now))
    changed = get_user(session, user_id)
    if changed is None:
        raise LookupError(f"no user with id {user_id}")
    return changed


# Sessions

# Every request of a signed-in user reads its session: the statement is made once.
_LIVE_SESSION = (
    select(*_USER_COLUMNS, UserSession.csrf_token, UserSession.expires_at)
    .join(UserSession, UserSession.user_id == User.id)
    .where((UserSession.id == bindparam("id")) & (UserSession.expires_at > bindparam("now")))
)


def add_session(
    session: Session, *, session_id: str, user_id: int, csrf_token: str, now: datetime, expires_at: datetime
) -> None:
    values = {
        "id": session_id,
        "user_id": user_id,
        "csrf_token": csrf_token,
        "created_at": now,
        "expires_at": expires_at,
    }
    session.execute(insert(UserSession), [values])


def live_session(reader: Session | Connection, session_id: str, now: datetime) -> SessionRecord | None:
    """The unexpired session with this id and its user (active or not), else None. Every request reads
    this, in one statement: on a connection (`Database.single_reading`), or on a session's connection
    (columns only: no ORM execution layer)."""
    connection = reader.connection() if isinstance(reader, Session) else reader
    row = read_first(connection, _LIVE_SESSION, {"id": session_id, "now": now})
    if row is None:
        return None
    *user, csrf_token, expires_at = row  # the columns of _LIVE_SESSION: the user's, then the session's
    return SessionRecord(UserRecord(*user), csrf_token=csrf_token, expires_at=expires_at)


def delete_session(session: Session, session_id: str) -> None:
    session.execute(delete(UserSession).where(UserSession.id == session_id))


def delete_user_sessions(session: Session, user_id: int) -> int:
    """End every session of the user (after a new password, a new role or deactivation); how many."""
    statement = delete(UserSession).where(UserSession.user_id == user_id)
    return session.connection().execute(statement).rowcount


def delete_expired_sessions(session: Session, now: datetime) -> int:
    statement = delete(UserSession).where(UserSession.expires_at <= now)
    return session.connection().execute(statement).rowcount


# Failed sign-ins


def add_login_failure(session: Session, *, username: str, client: str, at: datetime) -> None:
    session.execute(insert(LoginFailure), [{"username": username, "client": client, "at": at}])


def count_login_failures(
    session: Session, *, since: datetime, username: str | None = None, client: str | None = None
) -> int:
    """Failures since `since` for the user name, or for the client address."""
    query = select(func.count()).select_from(LoginFailure).where(LoginFailure.at > since)
    if username is not None:
        query = query.where(LoginFailure.username == username)
    if client is not None:
        query = query.where(LoginFailure.client == client)
    return session.execute(query).scalar_one()


def login_failures(
    session: Session, *, since: datetime, username: str | None = None, client: str | None = None
) -> tuple[int, datetime | None]:
    """How many failures since `since` for the user name and/or the client address, and the latest one's
    time (in UTC; None when there is none)."""
    query = select(func.count(), func.max(LoginFailure.at)).where(LoginFailure.at > since)
    if username is not None:
        query = query.where(LoginFailure.username == username)
    if client is not None:
        query = query.where(LoginFailure.client == client)
    count, latest = session.execute(query).one()
    if latest is not None and latest.tzinfo is None:  # SQLite keeps no offset; every time we write is UTC
        latest = latest.replace(tzinfo=UTC)
    return int(count), latest


def clear_login_failures(session: Session, *, username: str, client: str | None = None) -> None:
    """Forget the user name's failures (only those from `client`, when given)."""
    statement = delete(LoginFailure).where(LoginFailure.username == username)
    if client is not None:
        statement = statement.where(LoginFailure.client == client)
    session.execute(statement)


def delete_login_failures_before(session: Session, before: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.at <= before))


# Generated secrets


def secret(session: Session, name: str, candidate: str, now: datetime) -> str:
    """The secret called `name`: the stored one, or `candidate` stored now. Safe against a concurrent
    first start: whoever inserts first wins, and everyone reads the winner's value."""
    values = {"name": name, "value": candidate, "created_at": now}
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    session.execute(module.insert(AppSecret).values(**values).on_conflict_do_nothing(index_elements=["name"]))
    return session.execute(select(AppSecret.value).where(AppSecret.name == name)).scalar_one()
