"""The language of each request: `?lang=` (and a page answer then remembers it in the `tekseru_lang`
cookie), else that cookie, else Kazakh. The words themselves are in `tekseru.i18n`'s gettext catalogues.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tekseru.http.dependencies import app_regions
from tekseru.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    OFFICIAL_LANGUAGE,
    MissingMessage,
    messages,
    say_error,
    translate,
)

__all__ = [
    "COOKIE_NAME",
    "DEFAULT_LANGUAGE",
    "LANGUAGE_NAMES",
    "OFFICIAL_LANGUAGE",
    "LanguageChoice",
    "LanguageMiddleware",
    "MissingMessage",
    "choose_language",
    "messages",
    "reader_language",
    "request_language",
    "said",
    "say_error",
    "translate",
]

COOKIE_NAME = "tekseru_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
QUERY_PARAMETER = "lang"

# Each language named in itself, for the switcher.
LANGUAGE_NAMES: Mapping[str, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


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


def said(request: Request, error: BaseException, language: str | None = None) -> str:
    """A refusal (an exception) in `language` (default: the language of the request's page), a region in
    it named from the application's catalogue."""
    return say_error(language or request_language(request), error, app_regions(request))


def reader_language(request: Request) -> str:
    """The request's language (`?lang=`, the cookie); for an API client that sets neither, the first of
    its Accept-Language that tekseru speaks."""
    chosen = request.query_params.get(QUERY_PARAMETER) or request.cookies.get(COOKIE_NAME)
    if chosen not in LANGUAGES:
        for part in request.headers.get("accept-language", "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return request_language(request)


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
