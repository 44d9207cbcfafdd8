"""What a verification finds: each signer's report and the document's, and what the caller trusts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509

from tekseru.documents.signatures.certificates import Identity


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
