"""The limits of signing in taken from the settings, applied by `log_in`; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from tekseru.services import accounts, auth
from tekseru.services.auth import LoginPolicy, LoginRefused, session_for
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.store.factories import BINS, add_subjects
from tests.web.support import CHEAP_PASSWORDS

SYSTEM = Actor.system("tests")
PASSWORD = "a-long-password"


# The use cases that hash, with cheap argon2 costs.
create_user = partial(accounts.create_user, passwords=CHEAP_PASSWORDS, regions=CATALOGUE.regions)
log_in = partial(auth.log_in, passwords=CHEAP_PASSWORDS)


@pytest.fixture
def ann(database: Database) -> None:
    create_user(database, SYSTEM, username="ann", full_name="Ann", role="planner", password=PASSWORD)


def test_the_policy_takes_every_setting() -> None:
    policy = LoginPolicy.from_settings(
        Settings(login_max_failures=2, login_window_minutes=7, session_hours=3)
    )
    assert policy == LoginPolicy(
        max_failures=2, window=timedelta(minutes=7), session_lifetime=timedelta(hours=3)
    )
    assert LoginPolicy.from_settings(Settings.from_environment({})) == LoginPolicy()


def test_max_failures_from_the_settings_refuses_the_third_attempt(database: Database, ann: None) -> None:
    policy = LoginPolicy.from_settings(
        Settings.from_environment({"TEKSERU_LOGIN_MAX_FAILURES": "2", "TEKSERU_LOGIN_WINDOW_MINUTES": "5"})
    )
    now = datetime.now(UTC)
    for _ in range(2):
        with pytest.raises(LoginRefused) as refused:
            log_in(database, "ann", "wrong", client="c", policy=policy, now=now)
        assert not refused.value.rate_limited
    with pytest.raises(LoginRefused) as limited:  # the right password, but the third attempt
        log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now)
    assert limited.value.rate_limited and limited.value.retry_after == 30
    assert "30 seconds" in str(limited.value)
    assert log_in(database, "ann", PASSWORD, client="other", policy=policy, now=now)  # another address
    assert log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now + timedelta(seconds=31))


def test_the_wait_doubles_with_each_further_failure(database: Database, ann: None) -> None:
    policy = LoginPolicy(max_failures=2, window=timedelta(minutes=15))
    assert policy.delay(30, 2) == timedelta(minutes=15)  # never longer than the window
    now = datetime.now(UTC)
    with pytest.raises(LoginRefused):
        log_in(database, "ann", "wrong", client="c", policy=policy, now=now)
    waits = []
    for _ in range(4):
        with pytest.raises(LoginRefused) as failed:
            log_in(database, "ann", "wrong", client="c", policy=policy, now=now)
        assert not failed.value.rate_limited
        with pytest.raises(LoginRefused) as limited:
            log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now)
        assert limited.value.rate_limited
        waits.append(limited.value.retry_after)
        now += timedelta(seconds=limited.value.retry_after)
    assert waits == [30, 60, 120, 240]
    assert log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now)


def test_refusals_while_waiting_do_not_make_the_wait_longer(database: Database, ann: None) -> None:
    policy = LoginPolicy(max_failures=2)
    now = datetime.now(UTC)
    for _ in range(2):
        with pytest.raises(LoginRefused):
            log_in(database, "ann", "wrong", client="c", policy=policy, now=now)
    for second in range(0, 30, 3):
        with pytest.raises(LoginRefused) as limited:
            log_in(database, "ann", "wrong", client="c", policy=policy, now=now + timedelta(seconds=second))
        assert limited.value.retry_after == 30 - second
    assert log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now + timedelta(seconds=30))


def test_an_account_guessed_from_many_addresses_waits(database: Database, ann: None) -> None:
    policy = LoginPolicy(max_failures=2, account_factor=3)
    now = datetime.now(UTC)
    for address in range(6):
        with pytest.raises(LoginRefused):
            log_in(database, "ann", "wrong", client=f"10.0.0.{address}", policy=policy, now=now)
    with pytest.raises(LoginRefused) as limited:
        log_in(database, "ann", PASSWORD, client="10.9.9.9", policy=policy, now=now)
    assert limited.value.rate_limited and limited.value.retry_after == 30


def test_the_default_policy_allows_a_third_attempt(database: Database, ann: None) -> None:
    policy = LoginPolicy.from_settings(Settings())
    now = datetime.now(UTC)
    for _ in range(2):
        with pytest.raises(LoginRefused):
            log_in(database, "ann", "wrong", client="c", policy=policy, now=now)
    assert log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now)


def test_the_session_lifetime_from_the_settings(database: Database, ann: None) -> None:
    policy = LoginPolicy.from_settings(Settings.from_environment({"TEKSERU_SESSION_HOURS": "2"}))
    now = datetime.now(UTC)
    signed = log_in(database, "ann", PASSWORD, client="c", policy=policy, now=now)
    assert signed.expires_at == now + timedelta(hours=2)
    assert session_for(database, signed.token, now=now + timedelta(hours=2, seconds=-1)) is not None
    assert session_for(database, signed.token, now=now + timedelta(hours=2, seconds=1)) is None


def test_a_session_read_in_one_statement_is_refused_at_once_after_sign_out_or_deactivation(
    database: Database, ann: None
) -> None:
    """The session is read anew on every request (nothing is remembered between requests): signing out,
    and deactivating the account, refuse the very next lookup."""
    first, second = (log_in(database, "ann", PASSWORD, client="10.0.0.1") for _ in range(2))
    live = session_for(database, first.token)
    assert live is not None and live.actor.username == "ann" and live.csrf_token == first.csrf_token
    auth.log_out(database, first.token, live.actor)
    assert session_for(database, first.token) is None
    assert session_for(database, second.token) is not None
    accounts.update_user(database, SYSTEM, "ann", active=False, regions=CATALOGUE.regions)
    assert session_for(database, second.token) is None


def test_a_subject_s_session_brings_the_bins_it_acts_for(database: Database) -> None:
    add_subjects(database, 2)
    bins = BINS[:2]
    create_user(
        database, SYSTEM, username="org", full_name="Org", role="subject", password=PASSWORD, bins=bins
    )
    signed = log_in(database, "org", PASSWORD, client="10.0.0.2")
    live = session_for(database, signed.token)
    assert live is not None and live.actor.bins == frozenset(bins)
