"""Files attached to an inspection (docs/inspections.md): what is accepted and why, and where they are kept.

`tekseru.services.inspections.attach_file` records the file and its audit entry in one transaction.
"""

from __future__ import annotations

import hashlib
import io
import warnings
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
        refused = AttachmentRefused(
            f"{name}: {len(content)} bytes, more than the limit of {limits.max_bytes}"
        )
        raise refused.saying(
            "refusal.attachment.too_large", file=name, size=len(content), limit=limits.max_bytes
        )
    if suffix not in limits.types:
        accepted = ", ".join(sorted(limits.types))
        refused = AttachmentRefused(
            f"{name}: files of type {suffix or '(none)'} are not accepted ({accepted})"
        )
        raise refused.saying("refusal.attachment.type", file=name, type=suffix or "—", accepted=accepted)
    media_type, magic = limits.types[suffix]
    if not content.startswith(magic) or not (magic or _is_text(content)):
        refused = AttachmentRefused(f"{name}: the content is not a {suffix} file")
        raise refused.saying("refusal.attachment.content", file=name, type=suffix)
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


GPS_IFD = 0x8825  # the EXIF tag of the GPS block: where a photo was taken
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_PIXELS = 64_000_000  # a phone photo has 12 to 50 megapixels; more is refused before it is decoded


def without_location(file: CheckedFile, content: bytes) -> tuple[CheckedFile, bytes]:
    """The photo without where it was taken: the EXIF GPS block and any XMP packet (which may repeat it)
    removed; a JPEG keeps its quantisation tables ("keep"), so the picture is not degraded. A photo with
    no location, or another file, is kept byte for byte. AttachmentRefused for an image too large to read."""
    if file.media_type not in PHOTO_TYPES:
        return file, content
    from PIL import Image  # Pillow: only for a photo

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValueError("too many pixels")
                exif = image.getexif()
                xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
                if GPS_IFD not in exif and not xmp:
                    return file, content
                exif.pop(GPS_IFD, None)
                out = io.BytesIO()
                options: dict[str, object] = {"exif": exif.tobytes()}
                if image.info.get("icc_profile"):
                    options["icc_profile"] = image.info["icc_profile"]
                if image.format == "JPEG":
                    options |= {"quality": "keep", "subsampling": "keep"}
                image.save(out, format=image.format, **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        refused = AttachmentRefused(f"{file.name}: the image has too many pixels")
        raise refused.saying("refusal.attachment.content", file=file.name, type=file.media_type) from None
    except (OSError, ValueError, SyntaxError):  # not a picture Pillow decodes: its metadata bytes go
        stripped = _metadata_removed(content, file)
    else:
        stripped = out.getvalue()
    if stripped == content:
        return file, content
    return CheckedFile(
        file.name, file.media_type, hashlib.sha256(stripped).hexdigest(), file.limits
    ), stripped


def _metadata_removed(content: bytes, file: CheckedFile) -> bytes:
    """The file without its metadata segments, for a JPEG or PNG Pillow cannot decode: a JPEG's APP1
    segments (EXIF, XMP) and a PNG's eXIf, iTXt and zTXt chunks; AttachmentRefused when its structure
    cannot be followed and it may hold a location."""
    try:
        return _jpeg_without_app1(content) if content.startswith(b"\xff\xd8") else _png_without_exif(content)
    except ValueError:
        if b"Exif" in content or b"GPS" in content or b"xmp" in content:
            refused = AttachmentRefused(f"{file.name}: the image cannot be read")
            raise refused.saying("refusal.attachment.content", file=file.name, type=file.media_type) from None
        return content


def _jpeg_without_app1(content: bytes) -> bytes:
    kept, at = [content[:2]], 2
    while at < len(content):
        if content[at] != 0xFF or at + 4 > len(content):
            raise ValueError("not a JPEG segment")
        marker = content[at + 1]
        if marker == 0xDA:  # start of scan: the picture itself follows, to the end
            kept.append(content[at:])
            break
        length = int.from_bytes(content[at + 2 : at + 4], "big")
        if length < 2 or at + 2 + length > len(content):
            raise ValueError("a JPEG segment runs past the end")
        if marker != 0xE1:
            kept.append(content[at : at + 2 + length])
        at += 2 + length
    return b"".join(kept)


def _png_without_exif(content: bytes) -> bytes:
    kept, at = [content[:8]], 8
    while at < len(content):
        if at + 12 > len(content):
            raise ValueError("a PNG chunk runs past the end")
        length = int.from_bytes(content[at : at + 4], "big")
        end = at + 12 + length
        if end > len(content):
            raise ValueError("a PNG chunk runs past the end")
        if content[at + 4 : at + 8] not in (b"eXIf", b"iTXt", b"zTXt"):
            kept.append(content[at:end])
        at = end
    return b"".join(kept)


def has_location(content: bytes) -> bool:
    """Whether a JPEG or PNG says where it was taken (its EXIF GPS block)."""
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        return GPS_IFD in image.getexif()


def keep(file: CheckedFile, item: int | None, content: bytes, settings: Settings | None) -> AttachmentData:
    """Keep the content under its SHA-256 in the attachments folder; what the store records of it, attached
    to `item` (None: the whole inspection)."""
    stored = f"{ATTACHMENTS_FOLDER}/{file.sha256[:2]}/{file.sha256}"
    keep_file(Path((settings or Settings.from_environment()).attachments_dir), stored, content)
    return AttachmentData(item, file.name, file.media_type, len(content), file.sha256, stored)


def attachment_path(attachment: AttachmentRecord, settings: Settings | None = None) -> Path:
    return Path((settings or Settings.from_environment()).attachments_dir) / attachment.stored_as


THUMBNAILS_FOLDER = "thumbnails"  # under Settings.attachments_dir: a small JPEG of each photo, by its SHA-256
THUMBNAIL_SIZE = 144  # pixels, the longer side: twice the 72 px it is shown at, for sharp phone screens


def thumbnail_path(attachment: AttachmentRecord, settings: Settings | None = None) -> Path:
    """A small JPEG of an attached photo, made once and kept by the photo's SHA-256; AttachmentRefused for
    a file that is not a photo (its item shows its name instead)."""
    if attachment.media_type not in PHOTO_TYPES:
        refused = AttachmentRefused(f"{attachment.file_name} is not a photo")
        raise refused.saying(
            "refusal.attachment.type",
            file=attachment.file_name,
            type=attachment.media_type,
            accepted=", ".join(sorted(PHOTO_TYPES)),
        )
    folder = Path((settings or Settings.from_environment()).attachments_dir)
    relative = f"{THUMBNAILS_FOLDER}/{attachment.sha256[:2]}/{attachment.sha256}.jpg"
    if not (folder / relative).exists():
        keep_file(folder, relative, _thumbnail(folder / attachment.stored_as))
    return folder / relative


def _thumbnail(path: Path) -> bytes:
    """A small JPEG of the photo; a plain grey square for one that cannot be decoded (its link still opens
    the file as it was kept)."""
    from PIL import Image

    out = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
                image.convert("RGB").save(out, format="JPEG", quality=80)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        out = io.BytesIO()
        Image.new("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE), (200, 200, 200)).save(out, format="JPEG")
    return out.getvalue()
