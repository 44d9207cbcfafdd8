"""Signing a file with a PKCS#12 key and checking the signatures of a file (`tekseru sign`, `tekseru
verify`): the use cases that need no database. The trusted roots and revocation lists come from the
caller, else from the settings (`trusted_roots`, `revocation_lists`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tekseru.documents.signatures import (
    SignatureError,
    SignatureReport,
    TrustSettings,
    load_certificates,
    load_crls,
    load_key,
    sign_file,
    verify_cms,
    verify_file,
)
from tekseru.settings import Settings

CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")
CRL_SUFFIXES = (".pem", ".crl", ".der")


def _setting_paths(value: str, suffixes: tuple[str, ...]) -> list[Path]:
    """The files a path setting names: each entry a file, or a folder whose files with `suffixes` count."""
    found: list[Path] = []
    for entry in filter(None, (part.strip() for part in value.split(os.pathsep))):
        path = Path(entry)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes and p.is_file())
        else:
            found.append(path)
    return found


def trust_settings(
    roots: Sequence[Path] = (),
    crls: Sequence[Path] = (),
    expected_order: Sequence[str] = (),
    settings: Settings | None = None,
) -> TrustSettings:
    """Trusted roots and CRLs as given, else as the settings name them; SignatureError names a bad file."""
    settings = settings or Settings.from_environment()
    root_paths = list(roots) or _setting_paths(settings.trusted_roots, CERTIFICATE_SUFFIXES)
    crl_paths = list(crls) or _setting_paths(settings.revocation_lists, CRL_SUFFIXES)
    order = tuple(signer.strip().upper().removeprefix("IIN").removeprefix("BIN") for signer in expected_order)
    return TrustSettings(tuple(load_certificates(root_paths)), tuple(load_crls(crl_paths)), order)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SignatureError("unreadable_file", path.name, reason=error.strerror or error) from None


def is_pdf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(5) == b"%PDF-"


@dataclass(frozen=True)
class Signed:
    output: Path
    signers: int  # how many signatures the output now holds
    pdf: bool


def sign(
    file: Path, pkcs12: Path, password: bytes | None, *, output: Path | None = None, language: str = "kk"
) -> Signed:
    """Sign `file`: a PDF gets one more PAdES signature (written to `output`, default FILE-signed.pdf);
    any other file a detached CMS signature in `output` (default FILE.cms), joined to the signers already
    there when it holds signatures of this same file."""
    data, key = _read(file), load_key(_read(pkcs12), password, name=pkcs12.name)
    pdf = data.startswith(b"%PDF-")
    target = output or (file.with_name(f"{file.stem}-signed.pdf") if pdf else Path(f"{file}.cms"))
    existing = None
    if not pdf and target.is_file():
        existing = _read(target)
        earlier = verify_cms(data, existing, TrustSettings(), name=target.name)
        if not all(signer.unchanged for signer in earlier.signers):
            raise SignatureError("other_document", target.name)
    signed = sign_file(data, key, pdf=pdf, existing=existing, language=language, name=file.name)
    temporary = target.with_name(f".{target.name}.partial")
    temporary.write_bytes(signed)
    temporary.replace(target)
    now = verify_file(signed, TrustSettings()) if pdf else verify_cms(data, signed, TrustSettings())
    return Signed(target, len(now.signers), pdf)


def check(file: Path, trust: TrustSettings, *, signature: Path | None = None) -> SignatureReport:
    """The signatures of `file`: inside it (a PDF), or in the detached CMS file `signature`."""
    data = _read(file)
    detached = None if signature is None else _read(signature)
    name = file.name if signature is None else signature.name
    return verify_file(data, trust, signature=detached, name=name)
