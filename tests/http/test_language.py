"""The language of a request: the query, then the cookie, then Kazakh."""

from __future__ import annotations

import pytest

from tekseru.http.language import DEFAULT_LANGUAGE, choose_language


@pytest.mark.parametrize(
    ("query", "cookie", "language", "remember"),
    [
        (None, None, DEFAULT_LANGUAGE, False),
        ("ru", None, "ru", True),
        ("ru", "ru", "ru", False),
        ("en", "ru", "en", True),
        (None, "en", "en", False),
        ("de", "en", "en", False),
        ("de", "xx", "kk", False),
        ("", None, "kk", False),
    ],
)
def test_choose_language(query: str | None, cookie: str | None, language: str, remember: bool) -> None:
    choice = choose_language(query, cookie)
    assert (choice.language, choice.remember) == (language, remember)
