"""Signatures accepted for documents of inspections and lists: stored in the order of signing, read back
with the file each one signs."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tekseru.store.signature_models import SIGNED_ENTITIES, DocumentSignature

__all__ = ["SIGNED_ENTITIES", "SignatureData", "SignatureRecord", "add_signature", "signatures_of"]


@dataclass(frozen=True, slots=True)
class SignatureData:
    entity: str
    entity_id: int
    file_name: str
    document_sha256: str
    signature: bytes
    signer_name: str
    signer_iin: str | None
    signer_bin: str | None
    certificate_sha256: str
    signed_at: datetime | None


@dataclass(frozen=True, slots=True)
class SignatureRecord:
    id: int
    entity: str
    entity_id: int
    file_name: str
    document_sha256: str
    position: int
    signature: bytes
    signer_name: str
    signer_iin: str | None
    signer_bin: str | None
    certificate_sha256: str
    signed_at: datetime | None
    created_by: str
    created_at: datetime


_s = DocumentSignature.__table__.c
_COLUMNS = [_s[f.name] for f in fields(SignatureRecord)]


def signatures_of(session: Session, entity: str, entity_id: int) -> list[SignatureRecord]:
    """The signatures of the entity's documents, each document's in the order of signing."""
    query = select(*_COLUMNS).where(_s.entity == entity, _s.entity_id == entity_id).order_by(_s.id)
    return [SignatureRecord(**row._asdict()) for row in session.execute(query)]


def add_signature(
    session: Session, data: SignatureData, *, created_by: str, now: datetime, position: int | None = None
) -> SignatureRecord:
    """Store a signature as the next one of its document (unique per document and certificate), at
    `position` when the caller read the earlier signatures itself: then a signature another transaction
    stored since that reading takes the same position and the unique key refuses this one. (Read again
    here, under PostgreSQL's READ COMMITTED the position would follow a signature committed after the
    caller's checks, and both would be stored.)"""
    if position is None:
        last = session.scalar(select(func.max(_s.position)).where(_s.document_sha256 == data.document_sha256))
        position = (last or 0) + 1
    values: dict[str, Any] = {f.name: getattr(data, f.name) for f in fields(SignatureData)}
    session.execute(
        insert(DocumentSignature).values(**values, position=position, created_by=created_by, created_at=now)
    )
    query = select(*_COLUMNS).where(
        _s.document_sha256 == data.document_sha256, _s.certificate_sha256 == data.certificate_sha256
    )
    return SignatureRecord(**session.execute(query).one()._asdict())
