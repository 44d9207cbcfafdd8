"""Roles and permissions, users and their passwords, signing in, the first admin and the demo users;
on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from argon2 import PasswordHasher

from tekseru.services import accounts, audit, auth
from tekseru.services.accounts import (
    DEMO_USERS,
    InvalidUser,
    UserNotFound,
    get_user,
    list_users,
)
from tekseru.services.auth import (
    LoginPolicy,
    LoginRefused,
    actor_of,
    log_out,
    session_for,
    signing_key,
    token_id,
)
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import REGIONAL, ROLE_PERMISSIONS, Actor, Permission, PermissionDenied, Role
from tekseru.settings import Settings
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.web.support import CHEAP_PASSWORDS

SYSTEM = Actor.system("tests")
PASSWORD = "a-long-password"


# The use cases that hash, with cheap argon2 costs.
create_user = partial(accounts.create_user, passwords=CHEAP_PASSWORDS, regions=CATALOGUE.regions)
update_user = partial(accounts.update_user, regions=CATALOGUE.regions)
set_password = partial(accounts.set_password, passwords=CHEAP_PASSWORDS)
change_own_password = partial(accounts.change_own_password, passwords=CHEAP_PASSWORDS)
ensure_first_admin = partial(accounts.ensure_first_admin, passwords=CHEAP_PASSWORDS)
create_demo_users = partial(accounts.create_demo_users, passwords=CHEAP_PASSWORDS, regions=CATALOGUE.regions)
log_in = partial(auth.log_in, passwords=CHEAP_PASSWORDS)


# Roles and permissions (no database)

INSPECTOR = Actor("i", Role.INSPECTOR, "astana")


@pytest.mark.parametrize(
    ("actor", "permission", "region", "allowed"),
    [
        (Actor("a", Role.ADMIN), Permission.MANAGE_USERS, None, True),
        (Actor("p", Role.PLANNER), Permission.MANAGE_USERS, None, False),
        (Actor("p", Role.PLANNER), Permission.WRITE_EVIDENCE, "shymkent", True),
        (Actor("v", Role.VIEWER), Permission.READ_REGISTRY, "shymkent", True),
        (Actor("v", Role.VIEWER), Permission.WRITE_EVIDENCE, None, False),
        (INSPECTOR, Permission.READ_REGISTRY, "astana", True),
        (INSPECTOR, Permission.READ_REGISTRY, "shymkent", False),
        (INSPECTOR, Permission.WRITE_EVIDENCE, "astana", True),
        (INSPECTOR, Permission.WRITE_EVIDENCE, "shymkent", False),
        (INSPECTOR, Permission.WRITE_INSPECTIONS, "shymkent", False),
        (INSPECTOR, Permission.IMPORT, None, False),
        (INSPECTOR, Permission.RUN_ASSESSMENT, None, False),
        (INSPECTOR, Permission.READ_PLANS, "shymkent", True),  # lists are national
    ],
)
def test_permissions(actor: Actor, permission: Permission, region: str | None, allowed: bool) -> None:
    assert actor.can(permission, region) is allowed
    if allowed:
        actor.require(permission, region)
    else:
        with pytest.raises(PermissionDenied, match=permission.value):
            actor.require(permission, region)


def test_listings_are_scoped_to_an_inspectors_region() -> None:
    assert INSPECTOR.scoped_region(Permission.READ_REGISTRY) == "astana"
    assert INSPECTOR.scoped_region(Permission.READ_REGISTRY, "astana") == "astana"
    with pytest.raises(PermissionDenied):
        INSPECTOR.scoped_region(Permission.READ_REGISTRY, "shymkent")
    assert Actor("v", Role.VIEWER).scoped_region(Permission.READ_REGISTRY) is None
    assert Actor("v", Role.VIEWER, region="astana").region_scope is None  # only inspectors are bound


def test_the_roles_nest() -> None:
    assert ROLE_PERMISSIONS[Role.VIEWER] < ROLE_PERMISSIONS[Role.PLANNER] < ROLE_PERMISSIONS[Role.ADMIN]
    assert ROLE_PERMISSIONS[Role.INSPECTOR] - ROLE_PERMISSIONS[Role.PLANNER] == set()
    assert {Permission.MANAGE_USERS, Permission.READ_AUDIT}.isdisjoint(REGIONAL)


# Users


def test_creating_users(database: Database) -> None:
    user, credentials = create_user(
        database, SYSTEM, username=" Aigerim ", full_name="A.", role="inspector", region="Астана"
    )
    assert (user.username, user.role, user.region, user.active) == ("aigerim", Role.INSPECTOR, "astana", True)
    assert credentials.username == "aigerim" and len(credentials.password) >= 16
    viewer, _ = create_user(database, SYSTEM, username="v1", full_name="", role="viewer", region="astana")
    assert (viewer.full_name, viewer.region) == ("v1", None)  # the region is an inspector's only
    assert [u.username for u in list_users(database, SYSTEM)] == ["aigerim", "v1"]
    with pytest.raises(PermissionDenied):
        create_user(database, actor_of(viewer), username="x2", full_name="", role="viewer")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"username": "a"}, "2 to 64"),
        ({"username": "a b"}, "2 to 64"),
        ({"username": "-ab"}, "2 to 64"),
        ({"role": "king"}, "unknown role"),
        ({"role": "inspector"}, "needs a region"),
        ({"role": "inspector", "region": "Atlantis"}, "unknown region"),
        ({"password": "short"}, "at least 10"),
    ],
)
def test_invalid_users(database: Database, values: dict[str, str], message: str) -> None:
    arguments = {"username": "good.name", "full_name": "", "role": "viewer", **values}
    with pytest.raises(InvalidUser, match=message):
        create_user(database, SYSTEM, **arguments)


def test_changes_are_audited_without_passwords(database: Database) -> None:
    create_user(database, SYSTEM, username="bob", full_name="Bob", role="viewer", password=PASSWORD)
    update_user(database, SYSTEM, "bob", role="inspector", region="shymkent")
    set_password(database, SYSTEM, "bob", "another-password")
    entries = audit.browse(database, SYSTEM, audit.AuditFilter(entity_key="bob")).entries
    assert [e.action for e in entries] == ["user.set_password", "user.update", "user.create"]
    assert entries[1].before == {"full_name": "Bob", "role": "viewer", "region": None, "active": True}
    assert entries[1].after == {"full_name": "Bob", "role": "inspector", "region": "shymkent", "active": True}
    assert all(PASSWORD not in str(e) and "another-password" not in str(e) for e in entries)
    assert {e.actor for e in entries} == {"tests"}


def test_the_last_active_admin_stays(database: Database) -> None:
    create_user(database, SYSTEM, username="root", full_name="", role="admin")
    for change in ({"role": "viewer"}, {"active": False}):
        with pytest.raises(InvalidUser, match="last active admin"):
            update_user(database, SYSTEM, "root", **change)  # type: ignore[arg-type]
    create_user(database, SYSTEM, username="root2", full_name="", role="admin")
    assert update_user(database, SYSTEM, "root", active=False).active is False


def test_unknown_users(database: Database) -> None:
    with pytest.raises(UserNotFound):
        get_user(database, SYSTEM, "nobody")
    with pytest.raises(UserNotFound):
        set_password(database, SYSTEM, "nobody")


# Signing in


@pytest.fixture
def ann(database: Database) -> Actor:
    made, _ = create_user(
        database, SYSTEM, username="ann", full_name="Ann", role="planner", password=PASSWORD
    )
    return actor_of(made)


def test_signing_in_and_out(database: Database, ann: Actor) -> None:
    signed = log_in(database, "ANN", PASSWORD, client="1.2.3.4")
    assert signed.actor == ann and signed.token != signed.csrf_token
    live = session_for(database, signed.token)
    assert live is not None and live.actor == ann and live.csrf_token == signed.csrf_token
    assert session_for(database, signed.token, now=signed.expires_at + timedelta(seconds=1)) is None
    log_out(database, signed.token, ann)
    assert session_for(database, signed.token) is None
    actions = [e.action for e in audit.browse(database, SYSTEM, audit.AuditFilter(actor="ann")).entries]
    assert actions == ["user.logout", "user.login"]
    assert len(token_id(signed.token)) == 64


def test_new_passwords_and_deactivation_end_sessions(database: Database, ann: Actor) -> None:
    first = log_in(database, "ann", PASSWORD, client="c")
    set_password(database, SYSTEM, "ann", "second-password")
    assert session_for(database, first.token) is None
    second = log_in(database, "ann", "second-password", client="c")
    change_own_password(database, ann, "second-password", "third-password")
    assert session_for(database, second.token) is None
    with pytest.raises(InvalidUser):
        change_own_password(database, ann, "wrong-current", "fourth-password")
    third = log_in(database, "ann", "third-password", client="c")
    update_user(database, SYSTEM, "ann", active=False)
    assert session_for(database, third.token) is None
    with pytest.raises(LoginRefused):
        log_in(database, "ann", "third-password", client="c")


def test_the_limit_of_failed_sign_ins(database: Database, ann: Actor) -> None:
    policy = LoginPolicy(max_failures=3, window=timedelta(minutes=10))
    now = datetime.now(UTC)
    for _ in range(3):
        with pytest.raises(LoginRefused) as refused:
            log_in(database, "ann", "wrong", client="c", policy=policy, now=now)
        assert not refused.value.rate_limited
    with pytest.raises(LoginRefused) as limited:
        log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now)
    assert limited.value.rate_limited and limited.value.retry_after == 30
    assert log_in(database, "ann", PASSWORD, client="other", policy=policy, now=now)
    assert log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now + timedelta(seconds=31))
    actions = {e.action for e in audit.browse(database, SYSTEM, audit.AuditFilter(entity_key="ann")).entries}
    assert {"user.login_failed", "user.login_limited", "user.login"} <= actions


def test_a_hash_with_old_parameters_is_renewed_on_sign_in(database: Database, ann: Actor) -> None:
    other_costs = Passwords(PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    auth.log_in(database, "ann", PASSWORD, client="c", passwords=other_costs)
    from tekseru.store.accounts import find_user, password_hash

    with database.transaction() as session:
        stored = find_user(session, "ann")
        assert stored is not None
        assert "m=2048,t=2" in password_hash(session, stored.id)


def test_the_policy_from_settings() -> None:
    assert LoginPolicy.from_settings(Settings()) == LoginPolicy()


def test_the_signing_key(database: Database) -> None:
    assert signing_key(database, Settings(secret_key="fixed")) == "fixed"
    generated = signing_key(database, Settings())
    assert len(generated) >= 48 and signing_key(database, Settings()) == generated


# First start and demo


def test_the_first_admin_is_made_once(database: Database) -> None:
    created = ensure_first_admin(database)
    assert created is not None and (created.username, created.role) == ("admin", Role.ADMIN)
    assert log_in(database, "admin", created.password, client="c").actor.role is Role.ADMIN
    assert ensure_first_admin(database) is None


def test_the_demo_users(database: Database) -> None:
    first = create_demo_users(database)
    assert [(c.username, c.role, c.region) for c in first] == [(u, r, g) for u, _, r, g in DEMO_USERS]
    names = [user.full_name for user in list_users(database, Actor.system())]
    # People's names, the same in every language: no English word, no role or region repeated
    assert sorted(names) == sorted(name for _, name, _, _ in DEMO_USERS)
    assert all(not re.search(r"[A-Za-z]", name) and len(name.split()) == 3 for name in names), names
    for credentials in first:
        assert (
            log_in(database, credentials.username, credentials.password, client="c").actor.role
            is credentials.role
        )
    again = create_demo_users(database)
    assert [c.password for c in again] != [c.password for c in first]
    with pytest.raises(LoginRefused):
        log_in(database, first[0].username, first[0].password, client="c")
