"""The one limit on the text fields of every form (pages and API), checked before any route reads the form.

A browser form (urlencoded or multipart) is read whole first, into a spooled file, and each text field is
measured as it arrives. When one is longer than its limit (`FIELD_LIMIT` characters, or its own in
`FIELD_LIMITS`), no route runs and nothing is stored: the answer is 413, naming the field and the limit in
the reader's language. A page answers with the form again (`FormTooLong`, rendered by the web interface):
every other field as the user sent it, the long one cut to its limit for the user to shorten, and the files
to choose again; the API answers `{"detail": ...}`. Otherwise the route reads the form as if nothing had
happened. Without this, Starlette refused a field over 1 MiB with a 400 that named no field and lost what
the user had typed.

Fields are counted in characters, as the users see them. A field is kept only up to a few times its limit
while it is read (and all kept fields together up to `KEEP_BYTES`), so a hostile form cannot fill memory.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import Any
from urllib.parse import unquote_plus

from python_multipart.multipart import MultipartParser, QuerystringParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tekseru.http.language import messages, reader_language, translate

FIELD_LIMIT = 65_536
"""Characters of one text field of a form: far beyond any comment, note or name, far below a flood."""
FIELD_LIMITS: Mapping[str, int] = {"signature_base64": 1_500_000}
"""Fields that carry more by their nature: a CMS signature in base64 (the API takes as much)."""
PARSER_PART_BYTES = 8 * 1024 * 1024
"""Starlette's own limit of a text part (FastAPI's `form_limits`), above every limit here, so that it
never speaks first."""
KEEP_BYTES = 8 * 1024 * 1024
SPOOL_BYTES = 1024 * 1024
CHUNK = 64 * 1024
_FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


_ITEM_FIELD = re.compile(r"([a-z_]+)-([0-9]+)")


def field_limit(name: str) -> int:
    return FIELD_LIMITS.get(name, FIELD_LIMIT)


def field_label(language: str, name: str) -> str:
    """What the reader calls form field `name`: "comment on item 3" for `comment-3`; the name itself when
    the catalogue has no word for it."""
    found = _ITEM_FIELD.fullmatch(name)
    key, values = (
        (f"trust12.field.{name}", {})
        if found is None
        else (
            f"trust12.field.{found[1]}.item",
            {"number": found[2]},
        )
    )
    return translate(language, key, **values) if messages(language).get(key) else name


def problem_text(language: str, refused: FormTooLong) -> str:
    """The refusal in `language`: which field, how long it is, the limit, and that nothing was saved."""
    label = field_label(language, refused.name)
    return translate(
        language, "trust12.form.too_long", field=label, length=refused.length, limit=refused.limit
    )


@dataclass
class FormTooLong:
    """A form refused because text field `name` has `length` characters, over its `limit`.

    `fields` are the form's text fields as sent (the long one cut to its limit), `files` the names of its
    file fields and the files chosen in them, `action` the path and query the form was sent to and
    `multipart` whether it was a multipart form (to send it again the same way)."""

    name: str
    length: int
    limit: int
    fields: list[tuple[str, str]]
    files: list[tuple[str, str]]
    action: str
    multipart: bool
    complete: bool = True  # False when the form was too large to keep every field


FormTooLongAnswer = Callable[[Request, FormTooLong], Response]


@dataclass
class _Field:
    name: bytearray = field(default_factory=bytearray)
    data: bytearray = field(default_factory=bytearray)
    size: int = 0
    file_name: str | None = None


class _Scanner:
    """Measures each text field of a form as its bytes arrive; keeps each up to a few times its limit."""

    def __init__(self, content_type: bytes, options: Mapping[bytes, bytes]) -> None:
        self.multipart = content_type == b"multipart/form-data"
        charset = options.get(b"charset", b"utf-8").decode("latin-1")
        try:
            self.charset = codecs.lookup(charset).name
        except LookupError:
            self.charset = "latin-1"
        self.fields: list[tuple[str, str]] = []
        self.files: list[tuple[str, str]] = []
        self.too_long: tuple[str, int, int] | None = None
        self.kept = 0
        self.complete = True
        self.broken = False
        self._current = _Field()
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._parser: MultipartParser | QuerystringParser
        if self.multipart:
            self._parser = MultipartParser(
                options.get(b"boundary", b""),
                {
                    "on_part_begin": self._begin,
                    "on_part_data": self._data,
                    "on_part_end": self._end,
                    "on_header_field": self._header_field,
                    "on_header_value": self._header_value_part,
                    "on_header_end": self._header_end,
                    "on_headers_finished": self._headers_finished,
                },
            )
        else:
            self._parser = QuerystringParser(
                {
                    "on_field_start": self._begin,
                    "on_field_name": self._name,
                    "on_field_data": self._data,
                    "on_field_end": self._end,
                }
            )

    # multipart headers
    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name, self._header_value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._current.name = bytearray(options.get(b"name", b""))
        if b"filename" in options:
            self._current.file_name = options[b"filename"].decode(self.charset, "replace")

    # both kinds
    def _begin(self) -> None:
        self._current = _Field()
        self._disposition = b""

    def _name(self, data: bytes, start: int, end: int) -> None:
        self._current.name += data[start:end]

    def _data(self, data: bytes, start: int, end: int) -> None:
        current = self._current
        if current.file_name is not None:
            return
        current.size += end - start
        # A character takes at most 4 bytes in UTF-8, and each of them 3 when percent-encoded.
        keep = (field_limit(self._field_name(current)) + 1) * (4 if self.multipart else 12)
        room = min(keep - len(current.data), KEEP_BYTES - self.kept)
        if room > 0:
            piece = data[start : start + min(end - start, room)]
            current.data += piece
            self.kept += len(piece)
        if current.size > len(current.data) and self.kept >= KEEP_BYTES:
            self.complete = False

    def _field_name(self, current: _Field) -> str:
        raw = bytes(current.name)
        return raw.decode(self.charset, "replace") if self.multipart else unquote_plus(raw.decode("latin-1"))

    def _end(self) -> None:
        current = self._current
        name = self._field_name(current)
        if current.file_name is not None:
            if current.file_name:  # a file input left empty sends a part without a file name
                self.files.append((name, current.file_name))
            return
        raw = bytes(current.data)
        text = raw.decode(self.charset, "replace") if self.multipart else unquote_plus(raw.decode("latin-1"))
        limit = field_limit(name)
        truncated = current.size > len(raw)
        if (truncated or len(text) > limit) and self.too_long is None:
            length = len(text) if not truncated else self._estimate(current.size, len(raw), len(text))
            self.too_long = (name, length, limit)
        self.fields.append((name, text[:limit] if truncated or len(text) > limit else text))

    @staticmethod
    def _estimate(size: int, kept_bytes: int, kept_characters: int) -> int:
        """The characters of a field read only in part: the part's characters per byte, over all of it."""
        return max(kept_characters + 1, round(size * kept_characters / max(kept_bytes, 1)))

    def write(self, chunk: bytes) -> None:
        if self.broken:
            return
        try:
            self._parser.write(chunk)
        except Exception:  # a malformed form: the route's own parser says so, as before
            self.broken = True

    def finish(self) -> None:
        if not self.broken:
            try:
                self._parser.finalize()
            except Exception:
                self.broken = True


class FormFieldLimits:
    """ASGI middleware: refuses a form with a text field over its limit before any route reads it (413,
    the page from `answer`, or JSON under `api_prefix`); passes every other request on unchanged."""

    def __init__(self, app: ASGIApp, answer: FormTooLongAnswer, api_prefix: str = "/api/") -> None:
        self.app = app
        self.answer = answer
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _UNSAFE:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        content_type, options = parse_options_header(headers.get(b"content-type", b""))
        if content_type not in _FORM_TYPES:
            await self.app(scope, receive, send)
            return
        scanner = _Scanner(content_type, options)
        body: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        try:
            if not await self._read(receive, body, scanner):
                return  # the client left before sending the whole form: nobody to answer
            scanner.finish()
            if scanner.too_long is None or scanner.broken:
                await self.app(scope, _replay(body, receive), send)
                return
            refused = self._refused(scope, scanner)
            request = Request(scope, receive)
            if scope.get("path", "").startswith(self.api_prefix):
                language = reader_language(request)
                detail = {
                    "detail": problem_text(language, refused),
                    "field": refused.name,
                    "limit": refused.limit,
                }
                response: Response = JSONResponse(
                    detail, status_code=413, headers={"Content-Language": language}
                )
            else:
                response = await run_in_threadpool(self.answer, request, refused)
            await response(scope, receive, send)
        finally:
            body.close()

    @staticmethod
    async def _read(receive: Receive, body: Any, scanner: _Scanner) -> bool:
        """Read the whole body into `body`, measuring it; False when the client left before its end."""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return False
            chunk = message.get("body", b"")
            if chunk:
                body.write(chunk)
                scanner.write(chunk)
            if not message.get("more_body", False):
                return True

    def _refused(self, scope: Scope, scanner: _Scanner) -> FormTooLong:
        assert scanner.too_long is not None
        name, length, limit = scanner.too_long
        path = scope.get("path", "/")
        query = scope.get("query_string", b"").decode("latin-1")
        return FormTooLong(
            name=name,
            length=length,
            limit=limit,
            fields=scanner.fields,
            files=scanner.files,
            action=scope.get("root_path", "") + path + (f"?{query}" if query else ""),
            multipart=scanner.multipart,
            complete=scanner.complete,
        )


def _replay(body: Any, receive: Receive) -> Receive:
    """The body read, in chunks, then whatever `receive` gives next (a disconnect)."""
    size = body.tell()
    body.seek(0)
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()
        chunk = body.read(CHUNK)
        done = body.tell() >= size
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return replay


__all__ = [
    "FIELD_LIMIT",
    "FIELD_LIMITS",
    "PARSER_PART_BYTES",
    "FormFieldLimits",
    "FormTooLong",
    "FormTooLongAnswer",
    "field_label",
    "field_limit",
    "problem_text",
]
