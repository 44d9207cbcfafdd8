"""The session cookie's signature is checked once per process: a cookie seen before is only checked for its
age again, and a cookie not signed by the application's key, or too old, is never taken."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from itsdangerous import URLSafeTimedSerializer

from tekseru.http import security
from tekseru.http.security import SESSION_COOKIE, session_token


class _State:
    def __init__(self, key: str, lifetime: int = 3600) -> None:
        self._signer = URLSafeTimedSerializer(key, salt="tekseru.session")
        self.policy = SimpleNamespace(session_lifetime=SimpleNamespace(total_seconds=lambda: lifetime))
        self.checked_cookies: dict[str, tuple[str, int]] = {}
        self.checks = 0

    def signer(self) -> URLSafeTimedSerializer:
        self.checks += 1
        return self._signer


def _request(state: _State, cookie: str | None) -> Any:
    app = SimpleNamespace(state=SimpleNamespace(tekseru=state))
    return SimpleNamespace(app=app, cookies={} if cookie is None else {SESSION_COOKIE: cookie})


def test_a_cookie_is_checked_once_and_its_age_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    state = _State("key")
    cookie = state.signer().dumps("the-token")
    assert session_token(_request(state, cookie)) == "the-token"
    checks = state.checks
    assert session_token(_request(state, cookie)) == "the-token"
    assert state.checks == checks  # remembered
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 3600 + 5)
    assert session_token(_request(state, cookie)) is None  # too old, as `loads(max_age=...)` says
    monkeypatch.setattr(time, "time", lambda: now - 60)
    assert session_token(_request(state, cookie)) is None  # signed in the future


def test_a_cookie_of_another_key_or_tampered_is_refused_every_time() -> None:
    state, other = _State("key"), _State("another key")
    forged = other.signer().dumps("the-token")
    for _ in range(2):
        assert session_token(_request(state, forged)) is None
    assert state.checked_cookies == {}
    good = state.signer().dumps("the-token")
    assert session_token(_request(state, good[:-2] + ("AA" if good[-2:] != "AA" else "BB"))) is None
    assert session_token(_request(state, None)) is None


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "CHECKED_COOKIES", 3)
    state = _State("key")
    for number in range(10):
        assert session_token(_request(state, state.signer().dumps(f"token-{number}"))) == f"token-{number}"
        assert len(state.checked_cookies) <= 3
