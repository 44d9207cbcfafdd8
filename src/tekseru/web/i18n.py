"""Interface languages: message catalogues kept as data, and the language of each request.

The language comes from `?lang=` (and a page answer then remembers it in the `tekseru_lang` cookie), else
from that cookie, else Kazakh. Message catalogues are `messages/<language>.yaml`, flat maps of the same keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class LanguageMiddleware:
    """ASGI middleware: chooses the request's language (`request_language`) and, when `?lang=` changed it,
    remembers it in the cookie on an HTML answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        choice = choose_language(request.query_params.get(QUERY_PARAMETER), request.cookies.get(COOKIE_NAME))
        scope.setdefault("state", {})["language"] = choice.language
        if not choice.remember:
            await self.app(scope, receive, send)
            return
        cookie = _cookie(choice.language, secure=request.url.scheme == "https")

        async def send_remembering(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    message = {**message, "headers": [*headers, (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_remembering)


def _cookie(language: str, *, secure: bool) -> bytes:
    response = Response()
    response.set_cookie(
        COOKIE_NAME, language, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax", secure=secure
    )
    return response.headers["set-cookie"].encode("latin-1")
