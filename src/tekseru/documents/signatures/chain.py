"""A signer's certificate: whether it chains to a trusted root, whether it was valid at the signing time,
and whether a given CRL revokes it or a certificate of its chain. No network access: the roots and CRLs
are the caller's."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as pyca_x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    ValidationError,
)

from tekseru.documents.signatures.loops import outside_event_loop
from tekseru.documents.signatures.reports import TrustSettings


@dataclass(frozen=True)
class CertificateCheck:
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


@outside_event_loop
def check_certificate(
    certificate: asn1_x509.Certificate,
    others: Sequence[asn1_x509.Certificate],
    trust: TrustSettings,
    moment: datetime,
) -> CertificateCheck:
    trusted, valid, chain = _chain(certificate, others, trust, moment)
    return CertificateCheck(trusted, valid, _revoked_on(chain, trust.crls))
