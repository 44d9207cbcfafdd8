"""The revisions of a PDF: signing a PDF appends to it, so the file tekseru issued is the signed file's first
revision. A signed form's seal is checked against that revision, provided that what follows it only signs
(`tekseru.documents.signatures.verifying.only_signed_after`); anything else appended is an alteration."""

from __future__ import annotations

import hashlib

_EOF = b"%%EOF"


def earlier_revisions(data: bytes) -> dict[str, int]:
    """The SHA-256 (hex) of each earlier revision of a PDF, up to each end-of-file marker with the line
    ending after it, and the revision's length in bytes; empty for another file."""
    found: dict[str, int] = {}
    if not data.startswith(b"%PDF"):
        return found
    start = 0
    while (at := data.find(_EOF, start)) >= 0:
        end = at + len(_EOF)
        for ending in (b"", b"\n", b"\r\n", b"\r"):
            length = end + len(ending)
            if data[end:length] == ending and length < len(data):
                found.setdefault(hashlib.sha256(data[:length]).hexdigest(), length)
        start = end
    return found
