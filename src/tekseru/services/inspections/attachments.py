"""Files attached to an inspection (docs/inspections.md): what is accepted and why, and where they are kept.

`tekseru.services.inspections.attach_file` records the file and its audit entry in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from tekseru.services.file_names import MAX_NAME, sanitise_file_name
from tekseru.settings import Settings
from tekseru.store.documents_store import keep_file
from tekseru.store.inspections import (
    AttachmentData,
    AttachmentRecord,
    InspectionError,
)

_OFFICE = "application/vnd.openxmlformats-officedocument"
# The documents and photos an inspector produces, each with the bytes its content must start with.
ATTACHMENT_TYPES: Mapping[str, tuple[str, bytes]] = MappingProxyType(
    {
        ".pdf": ("application/pdf", b"%PDF-"),
        ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
        ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
        ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
        ".docx": (f"{_OFFICE}.wordprocessingml.document", b"PK\x03\x04"),
        ".xlsx": (f"{_OFFICE}.spreadsheetml.sheet", b"PK\x03\x04"),
        ".txt": ("text/plain", b""),  # checked as UTF-8 text without NUL bytes
    }
)


class AttachmentRefused(InspectionError, ValueError):
    """The file is too large, of a type not accepted, or does not contain what its name says."""


@dataclass(frozen=True)
class AttachmentLimits:
    """What an attachment may be, each limit with its reason; `attach_file` takes other limits.

    `max_bytes`: photos and scans of a few pages fit in 20 MiB; larger files (videos, whole archives) are
    not part of a checklist and would fill the server's disk. `max_files`: a checklist has a few dozen items,
    a few files each. `types`: nothing that can run (programs, scripts, HTML) or hide other files
    (archives) is accepted, and the content must start as the type its name claims.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_files: int = 200
    max_name: int = MAX_NAME
    types: Mapping[str, tuple[str, bytes]] = field(default_factory=lambda: ATTACHMENT_TYPES)


ATTACHMENTS_FOLDER = "inspections"  # under Settings.attachments_dir; each file is named by its SHA-256


def _media_type(name: str, content: bytes, limits: AttachmentLimits) -> str:
    suffix = Path(name).suffix.lower()
    if len(content) > limits.max_bytes:
        raise AttachmentRefused(f"{name}: {len(content)} bytes, more than the limit of {limits.max_bytes}")
    if suffix not in limits.types:
        accepted = ", ".join(sorted(limits.types))
        raise AttachmentRefused(f"{name}: files of type {suffix or '(none)'} are not accepted ({accepted})")
    media_type, magic = limits.types[suffix]
    if not content.startswith(magic) or not (magic or _is_text(content)):
        raise AttachmentRefused(f"{name}: the content is not a {suffix} file")
    return media_type


def _is_text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in content


@dataclass(frozen=True)
class CheckedFile:
    """A file that may be attached: its sanitised name, media type and SHA-256, and the limits it met."""

    name: str
    media_type: str
    sha256: str
    limits: AttachmentLimits


def checked_file(file_name: str, content: bytes, limits: AttachmentLimits | None) -> CheckedFile:
    """The file the client sent: its name sanitised (its path ignored) and its content checked against
    `limits`; AttachmentRefused."""
    checked = limits or AttachmentLimits()
    name = sanitise_file_name(file_name, checked.max_name)
    media_type, digest = _media_type(name, content, checked), hashlib.sha256(content).hexdigest()
    return CheckedFile(name, media_type, digest, checked)


def keep(file: CheckedFile, item: int | None, content: bytes, settings: Settings | None) -> AttachmentData:
    """Keep the content under its SHA-256 in the attachments folder; what the store records of it, attached
    to `item` (None: the whole inspection)."""
    stored = f"{ATTACHMENTS_FOLDER}/{file.sha256[:2]}/{file.sha256}"
    keep_file(Path((settings or Settings.from_environment()).attachments_dir), stored, content)
    return AttachmentData(item, file.name, file.media_type, len(content), file.sha256, stored)


def attachment_path(attachment: AttachmentRecord, settings: Settings | None = None) -> Path:
    return Path((settings or Settings.from_environment()).attachments_dir) / attachment.stored_as
