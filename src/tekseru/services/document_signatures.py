"""Signatures of the documents of inspections and lists, for people (the web application and the API).

Signing happens on the signer's computer (NCALayer, or any tool that makes a detached CMS signature); the
server hands out the document to sign, verifies every signature against the trusted roots and CRLs of the
settings before it accepts it, stores it beside the document in the order of signing and records it in
the audit log (`inspection.sign`, `plan.sign`) in the same transaction.

The document is the completed inspection's printed form, or the approved list, as a PDF in Kazakh or
Russian, issued once and kept (by its SHA-256, under the files folder). Signatures go inside it as PAdES
signatures, each in a revision of its own: the server prepares the next revision on top of every signature
accepted so far (`documents.signatures.external`), the signer signs the bytes that revision covers, and the
accepted signature is embedded there. So each later signature covers the document and all earlier ones, as
with `tekseru sign`, while the key never leaves the signer's computer. A signer whose revision was prepared
before another signature was accepted is asked to sign again (`stale`). On an inspection the officials sign
first and the head of the subject (a certificate whose BIN is the subject's) last: once the head has
signed, no official may sign after.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.documents.signatures import SignatureError, SignerReport, verify_cms
from tekseru.documents.signatures.external import (
    prepare_pdf,
    signature_der,
    signed_digest,
)
from tekseru.i18n import say
from tekseru.message import Explained, tell
from tekseru.services import audit, inspections, plans
from tekseru.services.inspections.access import READ, WRITE, region_of
from tekseru.services.permissions import Actor, Permission
from tekseru.services.signature_files import (
    DocumentToSign,
    Revision,
    files_folder,
    issued_by_hash,
    issued_copy,
    keep_revision,
    prepared_on,
    revision_of,
    signed_pdf,
)
from tekseru.services.signatures import trust_settings
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.store import inspections as inspection_store
from tekseru.store import signatures as signature_store
from tekseru.store.documents_store import keep_file
from tekseru.store.signatures import SignatureRecord
from tekseru.store.subjects import get_subject

ENTITIES = ("inspection", "plan")
DOCUMENT_LANGUAGES = ("kk", "ru")
SIGNABLE_PLAN_STATUSES = ("approved", "published")
STORE_ATTEMPTS = 5
MAX_SIGNATURE_BYTES = 1 << 20  # a CMS signature with its certificates is a few kilobytes


class SignatureRefused(Explained, Exception):
    """A signature, or a request to sign, that is not accepted: the message `signature.refused.<key>`, said
    in the reader's language where it is shown (`tekseru.i18n.say_error`)."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        said = {name: _said(value) for name, value in params.items()}
        self.saying(f"signature.refused.{key}", **said)
        super().__init__(say("en", self.message) if self.message else key)


def _said(value: object) -> object:
    if isinstance(value, SignatureError):
        return value.message
    if isinstance(value, tuple):  # the problems of a certificate, each a message of its own
        return tuple(tell(f"signature.problem.{problem}") for problem in value)
    return value


class SignatureNotSignable(SignatureRefused):
    """The inspection is a draft, or the list is not approved: there is nothing to sign yet."""


@dataclass(frozen=True)
class ShownSignature:
    """A stored signature with its status now (verified again: a root or CRL may have changed since)."""

    record: SignatureRecord
    report: SignerReport | None  # None when the signed file is no longer in the files folder

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.ok

    @property
    def problems(self) -> list[str]:
        """What keeps it from holding (the report's problems), or `missing_document`."""
        return ["missing_document"] if self.report is None else [str(p) for p in self.report.problems]


def _check_entity(entity: str, language: str) -> None:
    if entity not in ENTITIES:
        raise SignatureRefused("unknown_entity", entity=entity)
    if language not in DOCUMENT_LANGUAGES:
        raise SignatureRefused("language", code=language)


def _require(db: Database, actor: Actor, entity: str, entity_id: int, *, write: bool) -> str | None:
    """The region of the entity (None for a list), once the actor may read it, or sign it with `write`."""
    if entity == "plan":
        actor.require(Permission.WRITE_PLANS if write else Permission.READ_PLANS)
        plans.get_plan(db, actor, entity_id)  # PlanNotFound, and the actor's view of it
        return None
    permission = WRITE if write else READ
    actor.require(permission)
    with db.transaction() as session:
        region = region_of(session, entity_id)
    actor.require(permission, region)
    return region


def _issued(
    db: Database,
    actor: Actor,
    entity: str,
    entity_id: int,
    *,
    language: str,
    catalogue: Catalogue,
    settings: Settings,
) -> DocumentToSign:
    """The PDF issued for signing in that language: the one kept, else the completed inspection's form
    (issued and audited as a print) or the approved list, kept from now on."""
    _check_entity(entity, language)
    _require(db, actor, entity, entity_id, write=False)
    kept = issued_copy(settings, entity, entity_id, language)
    if kept is not None:
        return kept
    if entity == "inspection":
        with db.transaction() as session:
            status = inspection_store.get_or_raise(session, entity_id).status
        if status != "completed":
            raise SignatureNotSignable("not_completed", id=entity_id)
        content, file_name, _ = inspections.print_inspection(
            db, actor, entity_id, format="pdf", language=language, catalogue=catalogue
        )
    else:
        if plans.get_plan(db, actor, entity_id).record.status not in SIGNABLE_PLAN_STATUSES:
            raise SignatureNotSignable("not_approved", id=entity_id)
        content, file_name = plans.plan_document(
            db,
            actor,
            entity_id,
            format="pdf",
            language=language,
            zone=settings.time_zone,
            catalogue=catalogue,
        )
    sha256 = hashlib.sha256(content).hexdigest()
    keep_file(files_folder(settings, entity, entity_id), f"{sha256}--{file_name}", content)
    return DocumentToSign(entity, entity_id, file_name, sha256, content)


def _records_of(db: Database, original: DocumentToSign) -> list[SignatureRecord]:
    with db.transaction() as session:
        stored = signature_store.signatures_of(session, original.entity, original.entity_id)
    return [record for record in stored if record.document_sha256 == original.sha256]


def signed_document(
    db: Database,
    actor: Actor,
    entity: str,
    entity_id: int,
    *,
    language: str,
    catalogue: Catalogue,
    settings: Settings | None = None,
) -> tuple[bytes, str]:
    """The issued PDF with every signature accepted so far inside it, and its file name."""
    settings = settings or Settings.from_environment()
    original = _issued(
        db, actor, entity, entity_id, language=language, catalogue=catalogue, settings=settings
    )
    content = signed_pdf(settings, original, _records_of(db, original))
    return content, original.file_name.removesuffix(".pdf") + "-signed.pdf"


def document_to_sign(
    db: Database,
    actor: Actor,
    entity: str,
    entity_id: int,
    *,
    language: str,
    catalogue: Catalogue,
    settings: Settings | None = None,
) -> DocumentToSign:
    """What the next signer signs: the bytes of the issued PDF's next revision that its signature covers
    (the revision holds every signature accepted so far). The same revision is handed out until a
    signature of it is accepted."""
    settings = settings or Settings.from_environment()
    original = _issued(
        db, actor, entity, entity_id, language=language, catalogue=catalogue, settings=settings
    )
    records = _records_of(db, original)
    signed = signed_pdf(settings, original, records)
    base = hashlib.sha256(signed).hexdigest()
    found = prepared_on(settings, original, len(records), base)
    if found is not None:
        return _handed_out(original, *found)
    revision = Revision(
        prepare_pdf(signed, name=original.file_name), original.sha256, original.file_name, len(records)
    )
    return _handed_out(original, revision, keep_revision(settings, entity, entity_id, revision, base))


def _handed_out(original: DocumentToSign, revision: Revision, sha256: str) -> DocumentToSign:
    name = f"{original.file_name.removesuffix('.pdf')}-{revision.after + 1}.tosign"
    return DocumentToSign(original.entity, original.entity_id, name, sha256, revision.prepared.to_sign)


def _verify(document: DocumentToSign, record: SignatureRecord, settings: Settings) -> SignerReport | None:
    try:
        report = verify_cms(document.content, record.signature, trust_settings(settings=settings))
    except SignatureError:
        return None
    return report.signers[0] if report.signers else None


def signatures(
    db: Database, actor: Actor, entity: str, entity_id: int, *, settings: Settings | None = None
) -> list[ShownSignature]:
    """The entity's signatures in the order of signing, each verified again now."""
    settings = settings or Settings.from_environment()
    _check_entity(entity, "kk")
    _require(db, actor, entity, entity_id, write=False)
    with db.transaction() as session:
        stored = signature_store.signatures_of(session, entity, entity_id)
    shown = []
    for record in stored:
        covered = signed_digest(record.signature)
        revision = revision_of(settings, entity, entity_id, covered)
        document = (
            DocumentToSign(entity, entity_id, record.file_name, covered, revision.prepared.to_sign)
            if revision is not None
            else issued_by_hash(settings, entity, entity_id, record.document_sha256)  # signed before 0.5
        )
        shown.append(
            ShownSignature(record, None if document is None else _verify(document, record, settings))
        )
    return shown


def _subject_bin(db: Database, entity: str, entity_id: int) -> str | None:
    if entity != "inspection":
        return None
    with db.transaction() as session:
        subject = get_subject(session, inspection_store.get_or_raise(session, entity_id).subject_id)
    return None if subject is None else subject.bin


def accept_signature(
    db: Database,
    actor: Actor,
    entity: str,
    entity_id: int,
    *,
    document_sha256: str,
    signature: bytes,
    file_name: str = "signature.cms",
    settings: Settings | None = None,
    now: datetime | None = None,
) -> SignatureRecord:
    """Verify a detached CMS signature of the bytes handed out for signing (`document_to_sign`, named by
    their SHA-256) and store it as the next signature of the issued PDF, audited; SignatureRefused says why
    one is not accepted."""
    settings = settings or Settings.from_environment()
    _check_entity(entity, "kk")
    region = _require(db, actor, entity, entity_id, write=True)
    covered = document_sha256.strip().lower()
    revision = revision_of(settings, entity, entity_id, covered)
    if revision is None:
        raise SignatureRefused("unknown_document")
    if len(signature) > MAX_SIGNATURE_BYTES:
        raise SignatureRefused("too_large", file=file_name)
    try:
        report = verify_cms(
            revision.prepared.to_sign, signature, trust_settings(settings=settings), name=file_name
        )
        der = signature_der(signature, name=file_name)
    except SignatureError as error:
        raise SignatureRefused("unreadable", error=error) from None
    if len(der) > revision.prepared.capacity:
        raise SignatureRefused("too_large", file=file_name)
    if len(report.signers) != 1:
        raise SignatureRefused("one_signer", file=file_name, count=len(report.signers))
    signer = report.signers[0]
    if not report.ok:
        raise SignatureRefused("invalid", name=signer.identity.name, problems=signer.problems)
    head_bin = _subject_bin(db, entity, entity_id)
    now = now or datetime.now(UTC)
    data = signature_store.SignatureData(
        entity,
        entity_id,
        revision.file_name,
        revision.original_sha256,
        der,
        signer.identity.name,
        signer.identity.iin,
        signer.identity.bin,
        signer.certificate_sha256,
        signer.signed_at,
    )
    # Two signers of one document accepted at the same instant (PostgreSQL does not serialise them as
    # SQLite's write lock does) may both take the next position: the unique key refuses the second, which
    # then reads the signatures again and takes the position after.
    for _ in range(STORE_ATTEMPTS):
        try:
            with db.transaction() as session:
                return _store_next(session, actor, data, signer, head_bin, region, now, revision.after)
        except IntegrityError:
            continue
    raise SignatureRefused("busy")


def _store_next(
    session: Session,
    actor: Actor,
    data: signature_store.SignatureData,
    signer: SignerReport,
    head_bin: str | None,
    region: str | None,
    now: datetime,
    prepared_after: int,
) -> SignatureRecord:
    """Store the signature after the document's earlier ones: officials first, the subject's head last,
    each over the revision that holds all the earlier ones."""
    earlier = [
        s
        for s in signature_store.signatures_of(session, data.entity, data.entity_id)
        if s.document_sha256 == data.document_sha256
    ]
    if any(s.certificate_sha256 == signer.certificate_sha256 for s in earlier):
        raise SignatureRefused("already_signed", name=signer.identity.name)
    head_signed = head_bin is not None and any(s.signer_bin == head_bin for s in earlier)
    if head_signed and signer.identity.bin != head_bin:
        raise SignatureRefused("wrong_order", name=signer.identity.name)
    if len(earlier) != prepared_after:  # another signature came in since this revision was handed out
        raise SignatureRefused("stale", name=signer.identity.name)
    # The position follows what was read above: a signature stored meanwhile by another request holds it,
    # and the unique key sends this one round again, to be found stale.
    position = max((s.position for s in earlier), default=0) + 1
    record = signature_store.add_signature(
        session, data, created_by=actor.username, now=now, position=position
    )
    after = {
        "file": data.file_name,
        "document_sha256": data.document_sha256,
        "position": record.position,
        "signer": signer.identity.name,
        "iin": signer.identity.iin,
        "bin": signer.identity.bin,
        "certificate_sha256": signer.certificate_sha256,
    }
    entity = data.entity
    audit.record(
        session, actor, f"{entity}.sign", entity, data.entity_id, region=region, after=after, now=now
    )
    return record
