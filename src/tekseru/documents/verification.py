"""Verification codes for printed checklists, and reading them back from a PDF or DOCX file.

A filled form's *fingerprint* is the SHA-256 of its canonical JSON (`ChecklistForm.canonical_json`): the
texts it prints, the answers, the header values and its identity. It does not depend on the bytes of the
PDF or DOCX file, so the same form always gives the same fingerprint, whatever renders it. The *verification
code* is the first 60 bits of the fingerprint in Crockford's base 32, short enough to type:
"TK-7QH2-M0XA-93KD". Each document carries both, in its metadata (PDF keywords, DOCX core properties), in
its text and in a QR code, as the payload "tekseru:verify:<code>:<fingerprint>".

Checking a document is a pure function of the file and the fingerprint expected for it
(`check_document`); looking up that expected fingerprint by code is the store's business.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO
from typing import NamedTuple

import segno
from PIL import Image, ImageOps

from tekseru.documents.checklist_form import ChecklistForm

__all__ = [
    "PAYLOAD_PREFIX",
    "Seal",
    "VerificationResult",
    "VerificationStatus",
    "check_document",
    "document_fingerprint",
    "normalise_code",
    "qr_code_modules",
    "qr_code_png",
    "read_verification",
    "seal_of",
    "verification_code",
]

PAYLOAD_PREFIX = "tekseru:verify:"
_CODE_PREFIX = "TK"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
_CODE_CHARS = 12  # 60 bits
_CODE = r"TK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"
_FINGERPRINT = r"[0-9a-f]{64}"
_PAYLOAD = re.compile(re.escape(PAYLOAD_PREFIX) + f"({_CODE}):({_FINGERPRINT})")
_TEXT_CODE = re.compile(_CODE)
_TEXT_FINGERPRINT = re.compile(_FINGERPRINT)
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


class Seal(NamedTuple):
    """A document's verification code and fingerprint."""

    code: str
    fingerprint: str

    @property
    def payload(self) -> str:
        """What the QR code and the metadata carry."""
        return f"{PAYLOAD_PREFIX}{self.code}:{self.fingerprint}"


def document_fingerprint(form: ChecklistForm) -> str:
    """The SHA-256 (hex) of the form's canonical JSON."""
    return hashlib.sha256(form.canonical_json().encode("utf-8")).hexdigest()


def verification_code(fingerprint: str) -> str:
    """The short code of a fingerprint: "TK-" and 12 base-32 characters from its first 60 bits."""
    if not re.fullmatch(_FINGERPRINT, fingerprint):
        raise ValueError(f"a fingerprint is 64 lowercase hex digits, got {fingerprint!r}")
    number = int(fingerprint[:15], 16)
    chars = "".join(_ALPHABET[(number >> shift) & 31] for shift in range(55, -1, -5))
    return f"{_CODE_PREFIX}-{chars[0:4]}-{chars[4:8]}-{chars[8:12]}"


def normalise_code(text: str) -> str:
    """A code as a person typed it (any case, spaces or dashes, O for 0, I or L for 1) in its printed form."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    compact = compact.removeprefix(_CODE_PREFIX).translate(_MISREAD)
    if len(compact) != _CODE_CHARS or any(char not in _ALPHABET for char in compact):
        raise ValueError(f"{text!r} is not a verification code like TK-XXXX-XXXX-XXXX")
    return f"{_CODE_PREFIX}-{compact[0:4]}-{compact[4:8]}-{compact[8:12]}"


def seal_of(form: ChecklistForm) -> Seal | None:
    """The seal a rendered form carries; a form without an identity (e.g. a blank one) carries none."""
    if form.identity is None:
        return None
    fingerprint = document_fingerprint(form)
    return Seal(verification_code(fingerprint), fingerprint)


def qr_code_modules(seal: Seal) -> tuple[bytearray, ...]:
    """The QR code carrying the seal's payload, without its quiet zone: its rows of modules, 1 for dark.

    segno encodes with a fixed mask pattern (choosing the best of eight took longer than the rest of the
    code)."""
    return segno.make(seal.payload, error="m", micro=False, mask=0, mode="byte").matrix


def qr_code_png(seal: Seal, scale: int = 4, border: int = 2) -> bytes:
    """A black-and-white PNG of the QR code carrying the seal's payload, `scale` pixels a module.

    Pillow draws the PNG (segno's own writer goes pixel by pixel in Python).
    """
    matrix = qr_code_modules(seal)
    side = len(matrix)
    modules = Image.frombytes(
        "L", (side, side), b"".join(bytes(0 if dark else 255 for dark in row) for row in matrix)
    )
    framed = ImageOps.expand(modules, border=border, fill=255)
    image = framed.resize((framed.width * scale, framed.height * scale), Image.Resampling.NEAREST).convert(
        "1"
    )
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def read_verification(data: bytes) -> Seal | None:
    """The code and fingerprint a tekseru PDF or DOCX carries, or None if it carries none (ValueError for
    anything else)."""
    if data.startswith(b"%PDF"):
        return _read_pdf(data)
    if data.startswith(b"PK"):
        return _read_docx(data)
    raise ValueError("neither a PDF nor a DOCX file")


class VerificationStatus(StrEnum):
    GENUINE = "genuine"  # the document carries the expected fingerprint
    MISMATCH = "mismatch"  # it carries another fingerprint: another document or a changed one
    BROKEN = "broken"  # its code does not belong to its fingerprint: edited by hand
    UNSEALED = "unsealed"  # it carries no code at all


@dataclass(frozen=True)
class VerificationResult:
    status: VerificationStatus
    seal: Seal | None

    @property
    def ok(self) -> bool:
        return self.status is VerificationStatus.GENUINE


def check_document(data: bytes, expected_fingerprint: str) -> VerificationResult:
    """Whether the document `data` is the one whose fingerprint is `expected_fingerprint`."""
    seal = read_verification(data)
    return VerificationResult(_status(seal, expected_fingerprint), seal)


def _status(seal: Seal | None, expected_fingerprint: str) -> VerificationStatus:
    if seal is None:
        return VerificationStatus.UNSEALED
    if verification_code(seal.fingerprint) != seal.code:
        return VerificationStatus.BROKEN
    if seal.fingerprint != expected_fingerprint.strip().lower():
        return VerificationStatus.MISMATCH
    return VerificationStatus.GENUINE


def _find_payload(text: str) -> Seal | None:
    match = _PAYLOAD.search(text)
    return Seal(match.group(1), match.group(2)) if match else None


def _find_in_text(text: str) -> Seal | None:
    """The printed code and fingerprint, in text whose line breaks may cut through them."""
    compact = re.sub(r"\s+", "", text)
    found = _find_payload(compact)
    if found:
        return found
    codes, fingerprints = _TEXT_CODE.findall(compact), _TEXT_FINGERPRINT.findall(compact)
    for fingerprint in fingerprints:
        if verification_code(fingerprint) in codes:
            return Seal(verification_code(fingerprint), fingerprint)
    return None


def _read_pdf(data: bytes) -> Seal | None:
    # tekseru writes the payload as a plain ASCII string in the document information dictionary.
    found = _find_payload(data.decode("latin-1"))
    return found if found else _read_pdf_with_pypdf(data)


def _read_pdf_with_pypdf(data: bytes) -> Seal | None:
    """For a PDF another program re-saved (compressed metadata): its metadata, then its text."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pypdf is optional: tekseru's own PDFs are read without it
        return None
    pypdf_log = logging.getLogger("pypdf")
    level, pypdf_log.level = pypdf_log.level, logging.ERROR  # its English warnings ("EOF marker not found")
    try:
        reader = PdfReader(BytesIO(data))
        metadata = dict(reader.metadata or {})
        found = _find_payload(" ".join(str(value) for value in metadata.values()))
        return found or _find_in_text(" ".join(page.extract_text() or "" for page in reader.pages))
    except PyPdfError:  # a damaged or cut-short PDF carries no seal tekseru can read
        return None
    finally:
        pypdf_log.setLevel(level)


def _read_docx(data: bytes) -> Seal | None:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        texts = {
            name: archive.read(name).decode("utf-8", errors="replace")
            for name in archive.namelist()
            if re.fullmatch(r"docProps/core\.xml|word/(document|footer\d*)\.xml", name)
        }
    found = _find_payload(texts.pop("docProps/core.xml", ""))
    return found or _find_in_text(" ".join(re.sub(r"<[^>]+>", "", texts[name]) for name in sorted(texts)))
