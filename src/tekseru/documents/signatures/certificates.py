"""What a signer's certificate says about the signer, and reading certificates and CRLs from files.

Kazakhstan's national certification authority (NCA) writes an individual's IIN in the subject's
serialNumber as "IIN123456789012" and, for an employee of an organisation, the organisation's BIN in an
organizationalUnitName as "BIN123456789012"; the name is the commonName (surname and given name) and the
givenName attribute (the patronymic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from tekseru.i18n import say
from tekseru.message import Explained

# GOST algorithms are named under Kazakhstan's arc for its national standards (GOST 34.310-2004 keys and
# signatures, GOST 34.311-95 hashes) and Russia's (GOST R 34.10/34.11). No maintained Python library on
# the package registry verifies the Kazakh parameter sets (docs/signatures.md), so they are recognised
# and refused by name rather than failing inside the cryptography library.
_GOST_ARCS = ("1.2.398.3.10.1.", "1.2.643.")
GOST_UNSUPPORTED = "gost_unsupported"

_IIN = re.compile(r"IIN(\d{12})")
_BIN = re.compile(r"BIN(\d{12})")


class SignatureError(Explained, ValueError):
    """A key, certificate, CRL, signature or document tekseru cannot use; it names the file, and its message
    is `signature.error.<key>`, said in the reader's language where it is shown."""

    def __init__(self, key: str, file: object, **params: object) -> None:
        self.key, self.params = key, {"file": str(file), **params}
        self.saying(f"signature.error.{key}", **self.params)
        super().__init__(say("en", self.message) if self.message else key)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a certificate names: the person, their IIN and their organisation's BIN (either may be absent)."""

    name: str
    iin: str | None
    bin: str | None
    organisation: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "iin": self.iin, "bin": self.bin, "organisation": self.organisation}


def identity_of(certificate: asn1_x509.Certificate) -> Identity:
    subject = certificate.subject.native
    name = " ".join(str(part) for part in (subject.get("common_name"), subject.get("given_name")) if part)
    serial = str(subject.get("serial_number") or "")
    units = subject.get("organizational_unit_name") or []
    units = [units] if isinstance(units, str) else list(units)
    iin = _IIN.fullmatch(serial)
    bin = next((found for unit in units if (found := _BIN.fullmatch(str(unit)))), None)
    organisation = subject.get("organization_name")
    return Identity(
        name or str(subject.get("organization_name") or "?"),
        iin.group(1) if iin else None,
        bin.group(1) if bin else None,
        None if organisation is None else str(organisation),
    )


def is_gost(dotted_oid: str) -> bool:
    return dotted_oid.startswith(_GOST_ARCS)


def key_algorithm(certificate: asn1_x509.Certificate) -> str:
    return str(certificate["tbs_certificate"]["subject_public_key_info"]["algorithm"]["algorithm"].dotted)


def _pem_or_der(path: Path) -> list[bytes]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SignatureError("unreadable_file", path, reason=error.strerror or error) from None
    if pem.detect(data):
        return [der for _, _, der in pem.unarmor(data, multiple=True)]
    return [data]


def load_certificates(paths: list[Path]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or several) or DER files."""
    found = []
    for path in paths:
        for der in _pem_or_der(path):
            try:
                certificate = asn1_x509.Certificate.load(der)
                certificate.native  # noqa: B018  parse it all now, so a bad file fails here, named
            except ValueError:
                raise SignatureError("not_certificate", path) from None
            found.append(certificate)
    return found


def load_crls(paths: list[Path]) -> list[asn1_crl.CertificateList]:
    """Certificate revocation lists from PEM or DER files."""
    found = []
    for path in paths:
        for der in _pem_or_der(path):
            try:
                revocations = asn1_crl.CertificateList.load(der)
                revocations.native  # noqa: B018
            except ValueError:
                raise SignatureError("not_crl", path) from None
            found.append(revocations)
    return found
