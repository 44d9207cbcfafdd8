"""Files in and out, for pages and the API alike: a printed document as a download, an upload read up
to its limit."""

from __future__ import annotations

from fastapi import Response, UploadFile

from tekseru.services import inspections

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "bin": "application/octet-stream",
}
UPLOAD_LIMIT = inspections.AttachmentLimits().max_bytes


def attachment(content: bytes, name: str, format: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=MEDIA_TYPES[format], headers=headers)


def read_upload(file: UploadFile, limit: int = UPLOAD_LIMIT) -> bytes:
    """The uploaded content, one byte more than `limit` at most (the services refuse what is too large)."""
    return file.file.read(limit + 1)
