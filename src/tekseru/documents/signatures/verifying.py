"""Verifying signatures: for each signer, who signed and when, whether the document changed after the
signature, whether the certificate chains to a trusted root, was valid when it signed and is not revoked by
one of the given CRLs.

The signature itself is checked by pyHanko (PAdES inside a PDF, detached CMS over any file); the chain by
pyhanko-certvalidator at the signing time the signature states, with no network access (roots and CRLs
are what the caller gives); revocation by looking the certificates of the chain up in the given CRLs whose
signature their issuer made. GOST signatures are reported as an unsupported algorithm, not as invalid.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from tekseru.documents.signatures.certificates import (
    Identity,
    SignatureError,
    identity_of,
    is_gost,
    key_algorithm,
)
from tekseru.documents.signatures.chain import CertificateCheck, check_certificate
from tekseru.documents.signatures.loops import outside_event_loop
from tekseru.documents.signatures.reports import Problem, SignatureReport, SignerReport, TrustSettings

__all__ = [
    "Problem",
    "SignatureReport",
    "SignerReport",
    "TrustSettings",
    "changed_after_signing",
    "decode_cms",
    "only_signed_after",
    "verify_cms",
    "verify_file",
    "verify_pdf",
]

_ALLOWED_AFTER_SIGNING = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


def _report(
    position: int,
    certificate: asn1_x509.Certificate,
    signed_at: datetime | None,
    unchanged: bool,
    check: CertificateCheck,
) -> SignerReport:
    problems = [problem for problem, holds in ((Problem.CHANGED, unchanged),) if not holds]
    if not check.trusted:
        problems.append(Problem.UNTRUSTED)
    if not check.valid_at_signing:
        problems.append(Problem.NOT_VALID_AT_SIGNING)
    if check.revoked_on is not None:
        problems.append(Problem.REVOKED)
    digest = hashlib.sha256(certificate.dump()).hexdigest()
    return SignerReport(
        position,
        identity_of(certificate),
        signed_at,
        unchanged,
        check.trusted,
        check.valid_at_signing,
        check.revoked_on,
        digest,
        tuple(problems),
    )


def _gost_report(position: int, certificate: asn1_x509.Certificate | None) -> SignerReport:
    identity = Identity("?", None, None, None) if certificate is None else identity_of(certificate)
    digest = "" if certificate is None else hashlib.sha256(certificate.dump()).hexdigest()
    return SignerReport(
        position, identity, None, False, False, False, None, digest, (Problem.GOST_UNSUPPORTED,)
    )


def _order_problems(signers: Sequence[SignerReport], trust: TrustSettings) -> tuple[Problem, ...]:
    if not trust.expected_order:
        return ()
    actual = [s.identity.iin or s.identity.bin for s in signers]
    expected = list(trust.expected_order)
    matches = len(actual) == len(expected) and all(
        want in (s.identity.iin, s.identity.bin) for want, s in zip(expected, signers, strict=True)
    )
    return () if matches else (Problem.WRONG_ORDER,)


def _signed_at(claimed: datetime | None) -> datetime:
    return claimed if claimed is not None else datetime.now(UTC)


# PAdES ------------------------------------------------------------------------------------------------


def _pdf_signatures(data: bytes, name: str) -> list[EmbeddedPdfSignature]:
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        found = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError):
        raise SignatureError("not_pdf", name) from None
    return sorted(found, key=lambda signature: signature.signed_revision)


def _pdf_gost(signature: EmbeddedPdfSignature) -> bool:
    digest = signature.signer_info["digest_algorithm"]["algorithm"].dotted
    mechanism = signature.signer_info["signature_algorithm"]["algorithm"].dotted
    try:
        certificate_key = key_algorithm(signature.signer_cert)
    except (ValueError, KeyError, SignatureValidationError):
        certificate_key = ""
    return any(is_gost(oid) for oid in (digest, mechanism, certificate_key))


def _integrity_only(certificate: asn1_x509.Certificate) -> ValidationContext:
    """A context in which the signer's own certificate is trusted: pyHanko then checks only the signature's
    bytes, and the chain is checked apart (`_check_certificate`), where its failures can be told apart."""
    return ValidationContext(trust_roots=[certificate], allow_fetching=False)


def _pdf_unchanged(signature: EmbeddedPdfSignature) -> bool:
    """Its bytes verify, it covers its whole revision, and what came after it only added signatures."""
    try:
        status = validate_pdf_signature(signature, _integrity_only(signature.signer_cert))
    except (SignatureValidationError, PdfError, ValueError):
        return False
    level = status.modification_level
    return bool(
        status.intact
        and status.valid
        and status.coverage in (SignatureCoverageLevel.ENTIRE_REVISION, SignatureCoverageLevel.ENTIRE_FILE)
        and status.docmdp_ok is not False
        and (level is None or level in _ALLOWED_AFTER_SIGNING)
    )


# What the revision of a PDF's first signature may add to objects already there: the form that holds the
# signature field, the page's annotation (its widget), the version and extensions PAdES declares, and the
# information dictionary's modification date and producer. Everything else it adds is a new object.
_FIRST_SIGNATURE_ADDS = frozenset(
    {"/AcroForm", "/Annots", "/Version", "/Extensions", "/ModDate", "/Producer"}
)


def _first_signature_only_adds(reader: PdfFileReader, base: int) -> bool:
    """Whether revision `base + 1` changes nothing of revision `base` but to add what a signature adds."""
    before, after = reader.get_historical_resolver(base), reader.get_historical_resolver(base + 1)
    for reference in reader.xrefs.explicit_refs_in_revision(base + 1):
        old = before(reference)
        if isinstance(old, generic.NullObject):
            continue  # a new object
        new = after(reference)
        dictionaries = isinstance(old, generic.DictionaryObject) and isinstance(new, generic.DictionaryObject)
        if not dictionaries or isinstance(old, generic.StreamObject) or isinstance(new, generic.StreamObject):
            return False
        for key in old:
            kept = new.raw_get(key) if key in new else None
            if key == "/Annots" and isinstance(kept, generic.ArrayObject):
                if not all(item in kept for item in old.raw_get(key)):
                    return False
            elif kept != old.raw_get(key):
                return False
        if set(new) - set(old) - _FIRST_SIGNATURE_ADDS:
            return False
    return True


@outside_event_loop
def only_signed_after(data: bytes, issued_length: int) -> bool:
    """Whether the PDF is its first `issued_length` bytes followed by signatures and nothing else: the first
    signature signs the revision right after them, which only adds what a signature adds, and every later
    revision only adds or fills signature fields (pyHanko's difference analysis). It says nothing of
    whether the signatures hold: that is `verify_pdf`'s business."""
    try:
        base = PdfFileReader(BytesIO(data[:issued_length]), strict=False).xrefs.total_revisions - 1
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = sorted(reader.embedded_signatures, key=lambda signature: signature.signed_revision)
        if not signatures or signatures[0].signed_revision != base + 1:
            return False
        if not _first_signature_only_adds(reader, base):
            return False
        if reader.xrefs.total_revisions <= base + 2:
            return True
        result = DEFAULT_DIFF_POLICY.review_file(reader, base + 1)  # as after an approval signature
    except (PdfError, ValueError, KeyError, SignatureValidationError):
        return False
    return isinstance(result, DiffResult) and result.modification_level in _ALLOWED_AFTER_SIGNING


@outside_event_loop
def changed_after_signing(reader: PdfFileReader) -> bool:
    """Whether any signature of the PDF no longer holds for the document as it is."""
    return not all(_pdf_unchanged(signature) for signature in reader.embedded_signatures)


@outside_event_loop
def verify_pdf(data: bytes, trust: TrustSettings, *, name: str = "document.pdf") -> SignatureReport:
    signers = []
    for position, signature in enumerate(_pdf_signatures(data, name), start=1):
        if _pdf_gost(signature):
            signers.append(_gost_report(position, signature.signer_cert))
            continue
        certificate, others = signature.signer_cert, signature.other_embedded_certs
        moment = _signed_at(signature.self_reported_timestamp)
        check = check_certificate(certificate, others, trust, moment)
        signers.append(_report(position, certificate, moment, _pdf_unchanged(signature), check))
    problems = () if signers else (Problem.NO_SIGNATURE,)
    return SignatureReport("pades", tuple(signers), problems + _order_problems(signers, trust))


# Detached CMS -------------------------------------------------------------------------------------------


def decode_cms(data: bytes, *, name: str = "signature") -> cms.SignedData:
    """The SignedData of a CMS signature given as DER, PEM, or bare base64 (NCALayer's answer)."""
    der = data
    if pem.detect(data):
        _, _, der = pem.unarmor(data)
    elif data[:1] != b"\x30":  # DER starts with a SEQUENCE
        try:
            der = base64.b64decode(b"".join(data.split()), validate=True)
        except (binascii.Error, ValueError):
            raise SignatureError("not_cms", name) from None
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            raise ValueError("not signed data")
        signed = info["content"]
        signed.native  # noqa: B018  parse it all now, so a bad file fails here, named
    except (ValueError, TypeError, KeyError):
        raise SignatureError("not_cms", name) from None
    if not len(signed["signer_infos"]):
        raise SignatureError("not_cms", name)
    if signed["encap_content_info"]["content"].native is not None:
        raise SignatureError("attached_cms", name)
    return signed


def _certificates(signed: cms.SignedData) -> list[asn1_x509.Certificate]:
    return [c.chosen for c in (signed["certificates"] or []) if c.name == "certificate"]


def _signer_certificate(
    info: cms.SignerInfo, certificates: Sequence[asn1_x509.Certificate]
) -> asn1_x509.Certificate | None:
    sid = info["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            chosen = sid.chosen
            if (
                certificate.issuer.dump() == chosen["issuer"].dump()
                and certificate.serial_number == chosen["serial_number"].native
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    return None


def _one_signer(signed: cms.SignedData, info: cms.SignerInfo) -> cms.SignedData:
    return cms.SignedData(
        {
            "version": signed["version"],
            "digest_algorithms": signed["digest_algorithms"],
            "encap_content_info": {"content_type": signed["encap_content_info"]["content_type"]},
            "certificates": signed["certificates"],
            "signer_infos": [info],
        }
    )


def _cms_signer(
    data: bytes,
    signed: cms.SignedData,
    info: cms.SignerInfo,
    position: int,
    trust: TrustSettings,
) -> SignerReport:
    certificates = _certificates(signed)
    certificate = _signer_certificate(info, certificates)
    oids = (info["digest_algorithm"]["algorithm"].dotted, info["signature_algorithm"]["algorithm"].dotted)
    if certificate is None or any(is_gost(o) for o in (*oids, key_algorithm(certificate))):
        return _gost_report(position, certificate)
    others = [c for c in certificates if c is not certificate]
    try:
        status = asyncio.run(
            async_validate_detached_cms(
                data,
                _one_signer(signed, info),
                signer_validation_context=_integrity_only(certificate),
            )
        )
        unchanged, claimed = bool(status.intact and status.valid), status.signer_reported_dt
    except (SignatureValidationError, ValueError, KeyError):
        unchanged, claimed = False, None
    moment = _signed_at(claimed)
    return _report(
        position, certificate, moment, unchanged, check_certificate(certificate, others, trust, moment)
    )


@outside_event_loop
def verify_cms(
    data: bytes, signature: bytes, trust: TrustSettings, *, name: str = "signature"
) -> SignatureReport:
    """Each signer of a detached CMS signature over `data`."""
    signed = decode_cms(signature, name=name)
    found = [_cms_signer(data, signed, info, 0, trust) for info in signed["signer_infos"]]
    # DER sorts a SET OF, so the signer infos' order is not the signing order: their signing times are.
    earliest = datetime.min.replace(tzinfo=UTC)
    found.sort(key=lambda signer: signer.signed_at or earliest)
    signers = [replace(signer, position=position) for position, signer in enumerate(found, start=1)]
    return SignatureReport("cms", tuple(signers), _order_problems(signers, trust))


@outside_event_loop
def verify_file(
    data: bytes, trust: TrustSettings, *, signature: bytes | None = None, name: str = "signature"
) -> SignatureReport:
    """The signatures inside a PDF, or those of a detached CMS signature over any file."""
    if signature is not None:
        return verify_cms(data, signature, trust, name=name)
    if data.startswith(b"%PDF"):
        return verify_pdf(data, trust, name=name)
    return SignatureReport("cms", (), (Problem.NO_SIGNATURE,))
