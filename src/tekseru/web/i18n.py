"""Interface languages: message catalogues kept as data, and the language of each request.

The language comes from `?lang=` (and a page answer then remembers it in the `tekseru_lang` cookie), else
from that cookie, else Kazakh. Message catalogues are `messages/<language>.yaml`, flat maps of the same keys.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from fastapi import Request, Response

from tekseru.catalog import LANGUAGES

DEFAULT_LANGUAGE = "kk"
OFFICIAL_LANGUAGE = "kk"
COOKIE_NAME = "tekseru_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
QUERY_PARAMETER = "lang"

# Each language named in itself, for the switcher.
LANGUAGE_NAMES: Mapping[str, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


class MissingMessage(KeyError):
    """A message key that the catalogue of a language does not have."""


@cache
def messages(language: str) -> Mapping[str, str]:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    path = resources.files("tekseru.web") / "messages" / f"{language}.yaml"
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: expected a flat map of message keys to texts")
    return {str(key): value for key, value in data.items()}


def translate(language: str, key: str, **params: object) -> str:
    try:
        text = messages(language)[key]
    except KeyError:
        raise MissingMessage(f"no message {key!r} in {language}.yaml") from None
    return text.format(**params) if params else text


@dataclass(frozen=True)
class LanguageChoice:
    language: str
    remember: bool  # chosen by ?lang= and to be kept in the cookie


def choose_language(query: str | None, cookie: str | None) -> LanguageChoice:
    if query in LANGUAGES:
        return LanguageChoice(query, remember=query != cookie)
    if cookie in LANGUAGES:
        return LanguageChoice(cookie, remember=False)
    return LanguageChoice(DEFAULT_LANGUAGE, remember=False)


def request_language(request: Request) -> str:
    """The language the language middleware chose for this request."""
    language = getattr(request.state, "language", DEFAULT_LANGUAGE)
    return str(language)


async def language_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    choice = choose_language(request.query_params.get(QUERY_PARAMETER), request.cookies.get(COOKIE_NAME))
    request.state.language = choice.language
    response = await call_next(request)
    if choice.remember and response.headers.get("content-type", "").startswith("text/html"):
        response.set_cookie(
            COOKIE_NAME,
            choice.language,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response
