"""Models of the signatures of inspections and lists."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tekseru.api.schemas.common import Timestamp


class SignatureIn(BaseModel):
    document_sha256: str = Field(
        pattern="^[0-9a-fA-F]{64}$",
        description="The SHA-256 of the document signed, as the `X-Document-SHA256` header of "
        "`.../signatures/document` gave it.",
    )
    signature: str = Field(
        min_length=1,
        max_length=1_500_000,
        description="The detached CMS signature of that document: base64 (as NCALayer's "
        "createCAdESFromBase64 "
        "returns it), PEM or DER in base64.",
    )


class SignatureOut(BaseModel):
    id: int
    position: int = Field(description="The order of signing among the signatures of the document, from 1.")
    file_name: str
    document_sha256: str
    signer_name: str
    signer_iin: str | None
    signer_bin: str | None
    signed_at: Timestamp | None = Field(description="The signing time the signature states.")
    accepted_by: str
    accepted_at: Timestamp
    valid: bool = Field(description="Whether it still holds now (roots and CRLs of the server's settings).")
    problems: list[str] = Field(
        description="What keeps it from holding: changed, untrusted, not_valid_at_signing, revoked, "
        "gost_unsupported; `missing_document` when the signed file is gone."
    )
