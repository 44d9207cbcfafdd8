"""Response headers every answer carries: a content security policy that lets the browser load nothing
from anywhere but this application (no CDN, no inline script), the usual hardening headers, and the
request's id (`X-Request-ID`), which the log and the error page name, so that a user's report of an error
finds its traceback in the log."""

from __future__ import annotations

import re
import secrets

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# An id a proxy in front already gave the request is kept when it is short and plain (it goes into the log).
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP answer (unless the route set its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in HEADERS.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.headers if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def request_id(request: Request) -> str:
    """The id `RequestId` gave this request ("-" outside it)."""
    return str(request.scope.get("state", {}).get("request_id", "-"))


class RequestId:
    """ASGI middleware: an id for every HTTP request (the proxy's `X-Request-ID` when it gave a plain one,
    else a new random one), kept in the request's state and sent back in the `X-Request-ID` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER.lower().encode("latin-1"), b"")
        text = given.decode("latin-1")
        identifier = text if _GIVEN_ID.fullmatch(text) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = identifier
        header = (REQUEST_ID_HEADER.lower().encode("latin-1"), identifier.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != header[0]]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        await self.app(scope, receive, send_with_id)
