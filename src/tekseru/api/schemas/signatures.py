"""Models of the signatures of inspections and lists."""

from __future__ import annotations

from typing import Any

from pydantic import AliasPath, BaseModel, ConfigDict, Field

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


def _stored(name: str, description: str | None = None) -> Any:
    """A field read from the stored signature (`ShownSignature.record`)."""
    return Field(validation_alias=AliasPath("record", name), description=description)


# A signature with its status now, read from the service's `ShownSignature` (a comment, not a docstring: the
# OpenAPI document would show a docstring).
class SignatureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = _stored("id")
    position: int = _stored("position", "The order of signing among the signatures of the document, from 1.")
    file_name: str = _stored("file_name")
    document_sha256: str = _stored("document_sha256")
    signer_name: str = _stored("signer_name")
    signer_iin: str | None = _stored("signer_iin")
    signer_bin: str | None = _stored("signer_bin")
    signed_at: Timestamp | None = _stored("signed_at", "The signing time the signature states.")
    accepted_by: str = _stored("created_by")
    accepted_at: Timestamp = _stored("created_at")
    valid: bool = Field(
        validation_alias="ok",
        description="Whether it still holds now (roots and CRLs of the server's settings).",
    )
    problems: list[str] = Field(
        description="What keeps it from holding: changed, untrusted, not_valid_at_signing, revoked, "
        "gost_unsupported; `missing_document` when the signed file is gone."
    )
