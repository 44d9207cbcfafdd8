"""The files of the documents handed out for signing, under the files folder (`signed/<entity>-<id>/`): each
PDF issued for signing (`<sha256>--<name>`), and each revision prepared for the next signature of one
(`prepared-<sha256>.pdf`, named by the SHA-256 of what its signature covers, with `.json` beside it: the
issued PDF it belongs to, how many signatures it was prepared after, the signed PDF it was prepared on and
where its room for the signature lies). `services.document_signatures` decides; this module keeps."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from tekseru.documents.signatures.external import PreparedPdf, embed_cms, signature_der, signed_digest
from tekseru.settings import Settings
from tekseru.store.documents_store import keep_file
from tekseru.store.signatures import SignatureRecord


@dataclass(frozen=True)
class DocumentToSign:
    """Bytes a signer signs: the issued PDF (`content`), or what the next signature of it will cover."""

    entity: str
    entity_id: int
    file_name: str
    sha256: str
    content: bytes


@dataclass(frozen=True)
class Revision:
    """The next revision of an issued PDF, prepared for its signature number `after + 1`."""

    prepared: PreparedPdf
    original_sha256: str
    file_name: str  # the issued PDF's
    after: int  # the signatures of the issued PDF accepted when it was prepared


def files_folder(settings: Settings, entity: str, entity_id: int) -> Path:
    return Path(settings.attachments_dir) / "signed" / f"{entity}-{entity_id}"


def issued_copy(settings: Settings, entity: str, entity_id: int, language: str) -> DocumentToSign | None:
    """The PDF of that language already issued for signing, if any."""
    folder = files_folder(settings, entity, entity_id)
    found = sorted(folder.glob(f"*-{language}.pdf")) if folder.is_dir() else []
    if not found:
        return None
    content = found[0].read_bytes()
    sha256, _, file_name = found[0].name.partition("--")
    return DocumentToSign(entity, entity_id, file_name, sha256, content)


def issued_by_hash(settings: Settings, entity: str, entity_id: int, sha256: str) -> DocumentToSign | None:
    folder = files_folder(settings, entity, entity_id)
    found = sorted(folder.glob(f"{sha256}--*")) if folder.is_dir() and sha256.isalnum() else []
    if not found:
        return None
    return DocumentToSign(entity, entity_id, found[0].name.partition("--")[2], sha256, found[0].read_bytes())


def revision_of(settings: Settings, entity: str, entity_id: int, to_sign_sha256: str) -> Revision | None:
    """The revision prepared whose signature covers bytes with that SHA-256, if it is kept."""
    folder = files_folder(settings, entity, entity_id)
    if not to_sign_sha256.isalnum() or not (folder / f"prepared-{to_sign_sha256}.json").is_file():
        return None
    about = json.loads((folder / f"prepared-{to_sign_sha256}.json").read_text())
    pdf = (folder / f"prepared-{to_sign_sha256}.pdf").read_bytes()
    prepared = PreparedPdf(pdf, about["start"], about["end"])
    return Revision(prepared, about["original"], about["file_name"], about["after"])


def keep_revision(settings: Settings, entity: str, entity_id: int, revision: Revision, base: str) -> str:
    prepared = revision.prepared
    sha256 = hashlib.sha256(prepared.to_sign).hexdigest()
    about = {
        "original": revision.original_sha256,
        "file_name": revision.file_name,
        "after": revision.after,
        "start": prepared.start,
        "end": prepared.end,
        "base": base,  # the SHA-256 of the signed PDF it was prepared on
    }
    folder = files_folder(settings, entity, entity_id)
    keep_file(folder, f"prepared-{sha256}.pdf", prepared.pdf)  # the PDF first: the JSON says it is whole
    keep_file(folder, f"prepared-{sha256}.json", json.dumps(about).encode())
    return sha256


def signed_pdf(settings: Settings, original: DocumentToSign, records: list[SignatureRecord]) -> bytes:
    """The issued PDF with the signatures accepted so far: the last signature's revision, signed."""
    for record in reversed(records):
        revision = revision_of(settings, original.entity, original.entity_id, signed_digest(record.signature))
        if revision is not None:
            return embed_cms(revision.prepared, signature_der(record.signature))
    return original.content


def prepared_on(
    settings: Settings, original: DocumentToSign, after: int, base: str
) -> tuple[Revision, str] | None:
    """The revision already prepared after `after` signatures of the issued PDF, on the signed PDF whose
    SHA-256 is `base`, with the SHA-256 of what its signature covers; None when there is none yet."""
    place = files_folder(settings, original.entity, original.entity_id)
    for about_file in sorted(place.glob("prepared-*.json")):
        about = json.loads(about_file.read_text())
        if about["original"] == original.sha256 and about["after"] == after and about["base"] == base:
            sha256 = about_file.name.removeprefix("prepared-").removesuffix(".json")
            found = revision_of(settings, original.entity, original.entity_id, sha256)
            if found is not None:
                return found, sha256
    return None
