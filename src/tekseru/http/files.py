"""Files in and out, for pages and the API alike: a printed document as a download, an upload read up
to its limit."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response, UploadFile

from tekseru.services import inspections
from tekseru.services.file_names import ascii_name

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "bin": "application/octet-stream",
}
UPLOAD_LIMIT = inspections.AttachmentLimits().max_bytes


def attachment(content: bytes, name: str, format: str) -> Response:
    headers = {"Content-Disposition": disposition(name)}
    return Response(content, media_type=MEDIA_TYPES[format], headers=headers)


def disposition(name: str, kind: str = "attachment") -> str:
    """A Content-Disposition naming the file: `filename` in plain ASCII for every client, `filename*` in
    UTF-8 (RFC 6266) with its Kazakh or Russian letters, for the clients that read it."""
    plain = ascii_name(name)
    said = f'{kind}; filename="{plain}"'
    return said if plain == name else f"{said}; filename*=UTF-8''{quote(name, safe='')}"


def read_upload(file: UploadFile, limit: int = UPLOAD_LIMIT) -> bytes:
    """The uploaded content, one byte more than `limit` at most (the services refuse what is too large)."""
    return file.file.read(limit + 1)
