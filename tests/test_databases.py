"""The PostgreSQL server of the tests is found without any setting, and a run says when it is skipped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.databases import LOCAL_POSTGRES_URL, POSTGRES_URL_ENV, postgres_test_server


@pytest.fixture
def asked_again() -> Iterator[None]:
    postgres_test_server.cache_clear()
    yield
    postgres_test_server.cache_clear()


def test_a_named_server_is_used(monkeypatch: pytest.MonkeyPatch, asked_again: None) -> None:
    monkeypatch.setenv(POSTGRES_URL_ENV, "postgresql+psycopg://someone@db.example:5433/x")
    choice = postgres_test_server()
    assert choice.url == "postgresql+psycopg://someone@db.example:5433/x"
    assert str(choice) == (
        "PostgreSQL tests run on postgresql+psycopg://someone@db.example:5433/x "
        f"(named by {POSTGRES_URL_ENV})"
    )


def test_none_turns_postgresql_off(monkeypatch: pytest.MonkeyPatch, asked_again: None) -> None:
    monkeypatch.setenv(POSTGRES_URL_ENV, "none")
    assert str(postgres_test_server()) == f"PostgreSQL tests are skipped: {POSTGRES_URL_ENV}=none"


def test_without_a_setting_the_local_server_is_tried(
    monkeypatch: pytest.MonkeyPatch, asked_again: None
) -> None:
    monkeypatch.delenv(POSTGRES_URL_ENV, raising=False)
    choice = postgres_test_server()
    if choice.url is None:  # no server here: the line says why, in one line
        assert "no server answers at 127.0.0.1:5432" in str(choice).replace(
            LOCAL_POSTGRES_URL, "127.0.0.1:5432"
        )
        assert "\n" not in str(choice)
    else:
        assert choice.url == LOCAL_POSTGRES_URL
        assert str(choice).endswith("the local server answers)")
