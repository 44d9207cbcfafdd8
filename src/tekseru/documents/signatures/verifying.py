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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from io import BytesIO
from typing import Any

from asn1crypto import cms, pem
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as pyca_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    ValidationError,
)

from tekseru.documents.signatures.certificates import (
    Identity,
    SignatureError,
    identity_of,
    is_gost,
    key_algorithm,
)

_ALLOWED_AFTER_SIGNING = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


class Problem(StrEnum):
    """What can keep a signature, or a signed document, from holding; each has a message in every language
    (`signature.problem.<value>`)."""

    NO_SIGNATURE = "no_signature"
    CHANGED = "changed"  # the signed bytes are not these: changed after signing, or another document
    UNTRUSTED = "untrusted"  # no chain to a trusted root
    NOT_VALID_AT_SIGNING = "not_valid_at_signing"  # expired or not yet valid when it signed
    REVOKED = "revoked"
    GOST_UNSUPPORTED = "gost_unsupported"
    WRONG_ORDER = "wrong_order"


@dataclass(frozen=True)
class TrustSettings:
    """The roots a chain must end in, the revocation lists to consult, and (optionally) the IINs or BINs of
    the signers in the order they must have signed."""

    roots: tuple[asn1_x509.Certificate, ...] = ()
    crls: tuple[asn1_crl.CertificateList, ...] = ()
    expected_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignerReport:
    position: int  # 1 for the first signer
    identity: Identity
    signed_at: datetime | None
    unchanged: bool
    trusted: bool
    valid_at_signing: bool
    revoked_on: datetime | None
    certificate_sha256: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            **self.identity.as_dict(),
            "signed_at": None if self.signed_at is None else self.signed_at.isoformat(),
            "unchanged": self.unchanged,
            "trusted": self.trusted,
            "valid_at_signing": self.valid_at_signing,
            "revoked_on": None if self.revoked_on is None else self.revoked_on.isoformat(),
            "certificate_sha256": self.certificate_sha256,
            "problems": [str(problem) for problem in self.problems],
            "ok": self.ok,
        }


@dataclass(frozen=True)
class SignatureReport:
    kind: str  # "pades" (inside a PDF) or "cms" (detached)
    signers: tuple[SignerReport, ...]
    problems: tuple[Problem, ...] = field(default=())  # of the document as a whole

    @property
    def ok(self) -> bool:
        return bool(self.signers) and not self.problems and all(s.ok for s in self.signers)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "problems": [str(problem) for problem in self.problems],
            "signers": [signer.as_dict() for signer in self.signers],
        }


# The certificate: chain, validity at signing time, revocation -------------------------------------------


@dataclass(frozen=True)
class _CertificateCheck:
    trusted: bool
    valid_at_signing: bool
    revoked_on: datetime | None


def _valid_at(certificate: asn1_x509.Certificate, moment: datetime) -> bool:
    validity = certificate["tbs_certificate"]["validity"]
    return bool(validity["not_before"].native <= moment <= validity["not_after"].native)


def _chain(
    certificate: asn1_x509.Certificate,
    others: Sequence[asn1_x509.Certificate],
    trust: TrustSettings,
    moment: datetime,
) -> tuple[bool, bool, list[asn1_x509.Certificate]]:
    """Whether it chains to a trusted root, whether the chain was valid at `moment`, and the chain."""
    context = ValidationContext(
        trust_roots=list(trust.roots),
        other_certs=list(others),
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(certificate, list(others), validation_context=context)
    try:
        path = asyncio.run(validator.async_validate_path())
    except PathBuildingError:
        return False, _valid_at(certificate, moment), [certificate, *others]
    except (ExpiredError, NotYetValidError):
        return True, False, [certificate, *others]
    except (PathValidationError, ValidationError):
        return False, _valid_at(certificate, moment), [certificate, *others]
    return True, True, [c for c in path if isinstance(c, asn1_x509.Certificate)]


def _revoked_on(
    chain: Sequence[asn1_x509.Certificate], crls: Sequence[asn1_crl.CertificateList]
) -> datetime | None:
    """When the first certificate of the chain that a given CRL lists was revoked (None: none is)."""
    by_subject = {c.subject.dump(): c for c in chain}
    for certificate in chain:
        issuer = by_subject.get(certificate.issuer.dump())
        if issuer is None:
            continue
        issuer_key = pyca_x509.load_der_x509_certificate(issuer.dump()).public_key()
        for revocations in crls:
            if revocations.issuer.dump() != certificate.issuer.dump():
                continue
            loaded = pyca_x509.load_der_x509_crl(revocations.dump())
            if not loaded.is_signature_valid(issuer_key):  # type: ignore[arg-type]
                continue
            entry = loaded.get_revoked_certificate_by_serial_number(certificate.serial_number)
            if entry is not None:
                return entry.revocation_date_utc
    return None


def _check_certificate(
    certificate: asn1_x509.Certificate,
    others: Sequence[asn1_x509.Certificate],
    trust: TrustSettings,
    moment: datetime,
) -> _CertificateCheck:
    trusted, valid, chain = _chain(certificate, others, trust, moment)
    return _CertificateCheck(trusted, valid, _revoked_on(chain, trust.crls))


def _report(
    position: int,
    certificate: asn1_x509.Certificate,
    signed_at: datetime | None,
    unchanged: bool,
    check: _CertificateCheck,
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


def changed_after_signing(reader: PdfFileReader) -> bool:
    """Whether any signature of the PDF no longer holds for the document as it is."""
    return not all(_pdf_unchanged(signature) for signature in reader.embedded_signatures)


def verify_pdf(data: bytes, trust: TrustSettings, *, name: str = "document.pdf") -> SignatureReport:
    signers = []
    for position, signature in enumerate(_pdf_signatures(data, name), start=1):
        if _pdf_gost(signature):
            signers.append(_gost_report(position, signature.signer_cert))
            continue
        certificate, others = signature.signer_cert, signature.other_embedded_certs
        moment = _signed_at(signature.self_reported_timestamp)
        check = _check_certificate(certificate, others, trust, moment)
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
        position, certificate, moment, unchanged, _check_certificate(certificate, others, trust, moment)
    )


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


def verify_file(
    data: bytes, trust: TrustSettings, *, signature: bytes | None = None, name: str = "signature"
) -> SignatureReport:
    """The signatures inside a PDF, or those of a detached CMS signature over any file."""
    if signature is not None:
        return verify_cms(data, signature, trust, name=name)
    if data.startswith(b"%PDF"):
        return verify_pdf(data, trust, name=name)
    return SignatureReport("cms", (), (Problem.NO_SIGNATURE,))
