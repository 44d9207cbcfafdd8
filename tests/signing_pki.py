"""A small certification authority for tests, docs and the benchmark: a root, an intermediate, signers
named as Kazakhstan's NCA names them (IIN in serialNumber, BIN in OU), PKCS#12 files and CRLs, all made
with `cryptography`. Keys are RSA 2048 like NCA's RSA keys; they are made once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = b"Qwerty12"


@functools.cache
def _key(label: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def _ec_key(label: str) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class Authority:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


@dataclass(frozen=True)
class Pki:
    root: Authority
    intermediate: Authority


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    def pkcs12(self, password: bytes = PASSWORD) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"signer",
            self.key,
            self.certificate,
            list(self.chain),
            serialization.BestAvailableEncryption(password),
        )


def _name(*attributes: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def _authority(
    label: str, name: x509.Name, issuer: Authority | None, now: datetime, path_length: int
) -> Authority:
    key = _key(label)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name if issuer is None else issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=3650))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    signing_key = key if issuer is None else issuer.key
    return Authority(key, builder.sign(signing_key, hashes.SHA256()))


def make_pki(label: str = "test", now: datetime | None = None) -> Pki:
    """A root and an intermediate CA (valid ten years either side of now); `label` picks other keys."""
    now = now or datetime.now(UTC)
    root_name = _name(
        (NameOID.COUNTRY_NAME, "KZ"), (NameOID.COMMON_NAME, f"ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ ({label})")
    )
    root = _authority(f"{label}-root", root_name, None, now, 1)
    middle_name = _name((NameOID.COUNTRY_NAME, "KZ"), (NameOID.COMMON_NAME, f"ҰКО RSA ({label})"))
    return Pki(root, _authority(f"{label}-intermediate", middle_name, root, now, 0))


def issue_signer(
    pki: Pki,
    name: str,
    iin: str,
    *,
    bin: str | None = None,
    organisation: str | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    key_label: str | None = None,
    elliptic: bool = False,
) -> Signer:
    """A signing certificate of the intermediate: CN and given name, IIN, and BIN when of an organisation."""
    now = datetime.now(UTC)
    surname_given, _, patronymic = name.partition(" / ")
    attributes = [
        (NameOID.COMMON_NAME, surname_given),
        (NameOID.SERIAL_NUMBER, f"IIN{iin}"),
        (NameOID.COUNTRY_NAME, "KZ"),
    ]
    if patronymic:
        attributes.append((NameOID.GIVEN_NAME, patronymic))
    if organisation:
        attributes.append((NameOID.ORGANIZATION_NAME, organisation))
    if bin:
        attributes.append((NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin}"))
    label = key_label or f"signer-{iin}"
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = _ec_key(label) if elliptic else _key(label)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(*attributes))
        .issuer_name(pki.intermediate.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=365))
        .not_valid_after(not_after or now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .sign(pki.intermediate.key, hashes.SHA256())
    )
    return Signer(key, certificate, (pki.intermediate.certificate,))


def revocation_list(pki: Pki, revoked: list[x509.Certificate]) -> bytes:
    """A CRL of the intermediate (DER) listing `revoked`, revoked a day ago."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.intermediate.certificate.subject)
        .last_update(now - timedelta(days=1))
        .next_update(now + timedelta(days=30))
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(now - timedelta(days=1))
            .build()
        )
    return builder.sign(pki.intermediate.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def write_signer_files(folder: Path, signer: Signer, stem: str) -> Path:
    """STEM.p12, with its password in STEM.password; the path of the PKCS#12 file."""
    (folder / f"{stem}.password").write_bytes(PASSWORD + b"\n")
    (folder / f"{stem}.pem").write_bytes(pem(signer.certificate))
    (folder / f"{stem}.key.pem").write_bytes(
        signer.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path = folder / f"{stem}.p12"
    path.write_bytes(signer.pkcs12())
    return path
