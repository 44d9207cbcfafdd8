"""The table of electronic digital signatures accepted for a document of an inspection or a list. Only
`tekseru.store` imports this module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tekseru.store.models import Base

SIGNED_ENTITIES = ("inspection", "plan")


class DocumentSignature(Base):
    """A detached CMS signature of a document file (kept by its SHA-256 under the files folder), accepted
    after its verification; `position` is the order of signing among the signatures of that file."""

    __tablename__ = "document_signatures"
    __table_args__ = (
        CheckConstraint(f"entity IN ({', '.join(repr(e) for e in SIGNED_ENTITIES)})", name="entity_known"),
        CheckConstraint("position > 0", name="position_positive"),
        UniqueConstraint("document_sha256", "position"),
        UniqueConstraint("document_sha256", "certificate_sha256"),
        Index(None, "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(200))
    document_sha256: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    signer_name: Mapped[str] = mapped_column(String(400))
    signer_iin: Mapped[str | None] = mapped_column(String(12))
    signer_bin: Mapped[str | None] = mapped_column(String(12))
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
