"""Users and their accounts: create, list, change, reset passwords; the first admin; the demo users.

Passwords are hashed with the `Passwords` the caller hands in (argon2, `tekseru.services.passwords`), and an
inspector's region is looked up in the catalogue's `Regions` the caller hands in.
Managing users needs `Permission.MANAGE_USERS` (admins); every change is written to the audit log in the
same transaction, never with a password or its hash.
Sign-in and sessions are in `tekseru.services.auth`; roles and permissions in `tekseru.services.permissions`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from tekseru.catalog.identifiers import is_valid_identifier
from tekseru.catalog.regions import Regions, UnknownRegion
from tekseru.message import Explained
from tekseru.services import audit
from tekseru.services.auth import with_bins
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor, Permission, Role
from tekseru.store import Database
from tekseru.store.accounts import UserRecord as UserRecord  # a user as the services hand it out
from tekseru.store.accounts import (
    add_user,
    count_users,
    delete_user_sessions,
    find_user,
    password_hash,
    update_user_record,
    user_records,
)
from tekseru.store.portal import bins_by_user, set_account_bins

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 10
FIRST_ADMIN = "admin"
DEMO_INSPECTOR_REGION = "astana"


class UserNotFound(Explained, LookupError):
    """No user has this user name."""


class InvalidUser(Explained, ValueError):
    """A user name, role, region or password that cannot be used, or a change that would lock admins out."""


def hash_password(password: str, passwords: Passwords) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidUser(f"a password needs at least {MIN_PASSWORD_LENGTH} characters").saying(
            "refusal.user.password_short", minimum=MIN_PASSWORD_LENGTH
        )
    return passwords.hash(password)


def new_password() -> str:
    """A random password of 16 URL-safe characters (96 random bits)."""
    return secrets.token_urlsafe(12)


def check_username(username: str) -> str:
    """The user name as stored (lower case), or InvalidUser."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise InvalidUser(
            f"user name {username!r}: 2 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
        ).saying("refusal.user.name", name=username)
    return name


def check_role_and_region(role: str, region: str | None, regions: Regions) -> tuple[Role, str | None]:
    """The role, and the region key an inspector needs (None for the other roles) by any of the region's
    names in `regions`, or InvalidUser."""
    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidUser(f"unknown role {role!r}; use one of {', '.join(Role)}").saying(
            "refusal.user.role", role=role, roles=", ".join(Role)
        ) from None
    if chosen is not Role.INSPECTOR:
        return chosen, None
    if not region:
        raise InvalidUser("an inspector needs a region").saying("refusal.user.region_needed")
    try:
        return chosen, regions.find(region).key
    except UnknownRegion:
        raise InvalidUser(f"unknown region {region!r}").saying("refusal.user.region", region=region) from None


def check_bins(role: Role, bins: Sequence[str]) -> tuple[str, ...]:
    """The BINs a subject's account acts for (at least one, each a valid BIN), none for another role."""
    given = tuple(sorted({bin.strip() for bin in bins if bin.strip()}))
    if role is not Role.SUBJECT:
        if given:
            raise InvalidUser("only a subject's account is bound to BINs").saying(
                "refusal.user.bins_not_subject"
            )
        return ()
    if not given:
        raise InvalidUser("a subject's account needs at least one BIN").saying("refusal.user.bins_needed")
    for bin in given:
        if not is_valid_identifier(bin):
            raise InvalidUser(f"{bin!r} is not a valid BIN").saying("refusal.user.bin", bin=bin)
    return given


def _audit_values(user: UserRecord) -> dict[str, object]:
    kept = {"full_name": user.full_name, "role": user.role, "region": user.region, "active": user.active}
    return kept | ({"bins": list(user.bins)} if user.bins else {})


@dataclass(frozen=True)
class Credentials:
    """A user name with a password to hand over once (a new account, a reset, the first admin, the demo)."""

    username: str
    password: str
    role: Role
    region: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _user(session: Session, username: str) -> UserRecord:
    record = find_user(session, username.strip().lower())
    if record is None:
        raise UserNotFound(f"no user {username!r}").saying("refusal.user.not_found", name=username)
    return record


def create_user(
    db: Database,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    role: str,
    region: str | None = None,
    password: str | None = None,
    bins: Sequence[str] = (),
    passwords: Passwords,
    regions: Regions,
) -> tuple[UserRecord, Credentials]:
    """A new active user; with no `password` a random one. The credentials are shown once, never stored.
    A subject's account (role `subject`) is bound to `bins` (at least one)."""
    actor.require(Permission.MANAGE_USERS)
    name = check_username(username)
    chosen, region_key = check_role_and_region(role, region, regions)
    bound = check_bins(chosen, bins)
    password = password or new_password()
    hashed = hash_password(password, passwords)
    with db.transaction() as session:
        if find_user(session, name) is not None:
            raise InvalidUser(f"user name {name!r} is taken").saying("refusal.user.taken", name=name)
        record = add_user(
            session,
            username=name,
            full_name=full_name.strip() or name,
            password_hash=hashed,
            role=chosen.value,
            region=region_key,
            now=_now(),
        )
        set_account_bins(session, record.id, bound)
        made = replace(record, bins=bound)
        audit.record(
            session, actor, "user.create", "user", name, region=region_key, after=_audit_values(made)
        )
    return made, Credentials(name, password, chosen, region_key)


def list_users(db: Database, actor: Actor) -> list[UserRecord]:
    actor.require(Permission.MANAGE_USERS)
    with db.transaction() as session:
        bound = bins_by_user(session)
        return [replace(record, bins=bound.get(record.id, ())) for record in user_records(session)]


def get_user(db: Database, actor: Actor, username: str) -> UserRecord:
    if username.strip().lower() != actor.username:
        actor.require(Permission.MANAGE_USERS)
    with db.transaction() as session:
        return with_bins(session, _user(session, username))


def update_user(
    db: Database,
    actor: Actor,
    username: str,
    *,
    full_name: str | None = None,
    role: str | None = None,
    region: str | None = None,
    active: bool | None = None,
    bins: Sequence[str] | None = None,
    regions: Regions,
) -> UserRecord:
    """Change a user's name, role (and region), the BINs of a subject's account, or whether the account is
    active. A changed role, region or BINs or a deactivation ends the user's sessions. Nobody can take away
    the last active admin."""
    actor.require(Permission.MANAGE_USERS)
    with db.transaction() as session:
        before = record = with_bins(session, _user(session, username))
        chosen, region_key = check_role_and_region(role or record.role, region or record.region, regions)
        kept = before.bins if bins is None and chosen is Role.SUBJECT else (bins or ())
        bound = check_bins(chosen, kept)
        set_account_bins(session, record.id, bound)
        values: dict[str, object] = {"role": chosen.value, "region": region_key}
        if full_name is not None and full_name.strip():
            values["full_name"] = full_name.strip()
        if active is not None:
            values["active"] = active
        after = replace(update_user_record(session, record.id, now=_now(), **values), bins=bound)
        _keep_an_admin(session, before, after)
        was = (before.role, before.region, before.active, before.bins)
        if (after.role, after.region, after.active, after.bins) != was:
            delete_user_sessions(session, record.id)
        audit.record(
            session,
            actor,
            "user.update",
            "user",
            record.username,
            region=after.region,
            before=_audit_values(before),
            after=_audit_values(after),
        )
    return after


def _keep_an_admin(session: Session, before: UserRecord, after: UserRecord) -> None:
    was_admin = before.role == Role.ADMIN and before.active
    still_admin = after.role == Role.ADMIN and after.active
    if was_admin and not still_admin and count_users(session, role=Role.ADMIN.value, active=True) == 0:
        raise InvalidUser(f"{before.username} is the last active admin").saying(
            "refusal.user.last_admin", name=before.username
        )


def set_password(
    db: Database, actor: Actor, username: str, password: str | None = None, *, passwords: Passwords
) -> Credentials:
    """A new password (random when not given) for the user, whose sessions end. Admins may set anyone's;
    a user only their own (see `change_own_password`)."""
    actor.require(Permission.MANAGE_USERS)
    password = password or new_password()
    hashed = hash_password(password, passwords)
    with db.transaction() as session:
        record = _user(session, username)
        update_user_record(session, record.id, now=_now(), password_hash=hashed)
        delete_user_sessions(session, record.id)
        audit.record(session, actor, "user.set_password", "user", record.username, region=record.region)
    return Credentials(record.username, password, Role(record.role), record.region)


def change_own_password(db: Database, actor: Actor, current: str, new: str, *, passwords: Passwords) -> None:
    """The signed-in user changes their password, giving the current one; other sessions end."""
    hashed = hash_password(new, passwords)
    with db.transaction() as session:
        record = _user(session, actor.username)
        if not passwords.verify(password_hash(session, record.id), current):
            raise InvalidUser("the current password is not right").saying("refusal.user.wrong_password")
        update_user_record(session, record.id, now=_now(), password_hash=hashed)
        delete_user_sessions(session, record.id)
        audit.record(session, actor, "user.change_password", "user", record.username, region=record.region)


def ensure_first_admin(db: Database, passwords: Passwords) -> Credentials | None:
    """When there is no user at all, create the admin `admin` with a random password and return it
    (to print once); else None. Two processes starting at once cannot both create it."""
    with db.transaction() as session:
        if count_users(session) > 0:
            return None
    first_start = Actor.system("first start")
    try:
        _, credentials = create_user(
            db,
            first_start,
            username=FIRST_ADMIN,
            full_name="Administrator",
            role="admin",
            passwords=passwords,
            regions=Regions(()),  # an admin has no region
        )
    except InvalidUser:  # another process created it first
        return None
    return credentials


# People's names as a Kazakh office writes them (surname, name, patronymic): they are shown in every
# language, so they are names, never English words ("Demo administrator") or the role again.
DEMO_USERS = (
    ("demo-admin", "Бекова Айгүл Серікқызы", Role.ADMIN, None),
    ("demo-planner", "Жұмабаев Ерлан Маратұлы", Role.PLANNER, None),
    ("demo-inspector", "Сейтқали Асқар Қайратұлы", Role.INSPECTOR, DEMO_INSPECTOR_REGION),
    ("demo-viewer", "Ким Наталья Викторовна", Role.VIEWER, None),
)


def create_demo_users(db: Database, passwords: Passwords, regions: Regions) -> list[Credentials]:
    """One user per role (`demo-admin`, `demo-planner`, `demo-inspector` of Astana, `demo-viewer`), each
    with a new random password; a user that exists already gets a new password. Their credentials."""
    actor = Actor.system("demo")
    found: list[Credentials] = []
    for username, name, role, region in DEMO_USERS:
        try:
            _, credentials = create_user(
                db,
                actor,
                username=username,
                full_name=name,
                role=role,
                region=region,
                passwords=passwords,
                regions=regions,
            )
        except InvalidUser:
            update_user(db, actor, username, role=role.value, region=region, active=True, regions=regions)
            credentials = set_password(db, actor, username, passwords=passwords)
        found.append(credentials)
    return found


def dismiss_translation_notice(db: Database, actor: Actor, *, dismissed: bool = True) -> None:
    """The signed-in user closes (or, `dismissed=False`, brings back) the notice that a page not in Kazakh
    is an unofficial translation; remembered on the user, on every device. Audited as `user.notice`."""
    with db.transaction() as session:
        record = _user(session, actor.username)
        if record.translation_notice_dismissed == dismissed:
            return
        update_user_record(session, record.id, now=_now(), translation_notice_dismissed=dismissed)
        after = {"translation_notice_dismissed": dismissed}
        audit.record(
            session, actor, "user.notice", "user", record.username, region=record.region, after=after
        )
