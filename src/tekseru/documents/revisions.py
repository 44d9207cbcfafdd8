"""The revisions of a PDF: signing a PDF appends to it, so the file tekseru issued is the signed file's first
revision. Its seal is checked against that revision's hash; what came after is the signatures' business."""

from __future__ import annotations

import hashlib

_EOF = b"%%EOF"


def revision_digests(data: bytes) -> set[str]:
    """The SHA-256 (hex) of the file and, for a PDF, of each of its revisions (up to each end-of-file
    marker, with the line ending that follows it)."""
    digests = {hashlib.sha256(data).hexdigest()}
    if not data.startswith(b"%PDF"):
        return digests
    start = 0
    while (found := data.find(_EOF, start)) >= 0:
        end = found + len(_EOF)
        for ending in (b"", b"\n", b"\r\n", b"\r"):
            if data[end : end + len(ending)] == ending:
                digests.add(hashlib.sha256(data[: end + len(ending)]).hexdigest())
        start = end
    return digests
