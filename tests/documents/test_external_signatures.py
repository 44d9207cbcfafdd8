"""PAdES signatures made outside tekseru: the server prepares a revision, a signer signs what it covers with
any CMS tool (here tekseru's own CMS signer and `openssl cms`), and the signature goes into the PDF."""

from __future__ import annotations

import hashlib
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tekseru.catalog import CatalogueEdition
from tekseru.documents.checklist_pdf import checklist_pdf_bytes
from tekseru.documents.signatures import (
    SignatureError,
    SigningKey,
    TrustSettings,
    load_certificates,
    load_key,
    sign_cms,
    sign_pdf,
    verify_pdf,
)
from tekseru.documents.signatures.external import embed_cms, prepare_pdf, signature_der, signed_digest
from tekseru.documents.verification import read_verification
from tests.documents.checklist_cases import filled_form
from tests.signing_pki import PASSWORD, Pki, Signer, issue_signer, make_pki, pem


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki("external")


@pytest.fixture(scope="module")
def trust(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> TrustSettings:
    root = tmp_path_factory.mktemp("roots") / "root.pem"
    root.write_bytes(pem(pki.root.certificate))
    return TrustSettings(tuple(load_certificates([root])))


@pytest.fixture(scope="module")
def form(edition: CatalogueEdition) -> bytes:
    return checklist_pdf_bytes(filled_form(edition, 3, "ru"))


def _key(signer: Signer) -> SigningKey:
    return load_key(signer.pkcs12(), PASSWORD)


def _openssl_cms(folder: Path, signer: Signer, pki: Pki, data: bytes) -> bytes:
    key = signer.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (folder / "me.key").write_bytes(key)
    (folder / "me.pem").write_bytes(pem(signer.certificate))
    (folder / "ca.pem").write_bytes(pem(pki.intermediate.certificate))
    (folder / "form-2.tosign").write_bytes(data)
    command = "openssl cms -sign -binary -in form-2.tosign -signer me.pem -inkey me.key -certfile ca.pem"
    subprocess.run([*command.split(), "-outform", "PEM", "-out", "form-2.cms"], cwd=folder, check=True)
    return (folder / "form-2.cms").read_bytes()


def test_three_signers_each_covering_the_earlier_whatever_made_the_signature(
    form: bytes, pki: Pki, trust: TrustSettings, tmp_path: Path
) -> None:
    official = issue_signer(pki, "БІРІНШІ", "880101300123")
    inspector = issue_signer(pki, "ВТОРОЙ", "910303400789")
    prepared = prepare_pdf(form)
    assert prepared.pdf.startswith(form) and len(prepared.to_sign) < len(prepared.pdf)
    one = embed_cms(prepared, signature_der(sign_cms(prepared.to_sign, _key(official))))
    again = prepare_pdf(one)
    assert again.pdf.startswith(one)
    signature = _openssl_cms(tmp_path, inspector, pki, again.to_sign)  # PEM, as a user may hand it in
    assert signed_digest(signature) == hashlib.sha256(again.to_sign).hexdigest()
    two = embed_cms(again, signature_der(signature))
    head = issue_signer(pki, "БАСШЫ", "750505300555", bin="100140011059")
    three = sign_pdf(two, _key(head))  # and `tekseru sign` after them
    report = verify_pdf(three, trust)
    assert report.ok, report.as_dict()
    assert [(s.position, s.identity.iin) for s in report.signers] == [
        (1, "880101300123"),
        (2, "910303400789"),
        (3, "750505300555"),
    ]
    assert read_verification(three) == read_verification(form)  # the issued form's seal still holds


def test_a_changed_byte_or_a_signature_of_other_bytes_does_not_hold(
    form: bytes, pki: Pki, trust: TrustSettings
) -> None:
    signer = issue_signer(pki, "БІРІНШІ", "880101300123")
    prepared = prepare_pdf(form)
    other = embed_cms(prepared, signature_der(sign_cms(prepared.to_sign + b"x", _key(signer))))
    (wrong,) = verify_pdf(other, trust).signers
    assert not wrong.unchanged
    good = embed_cms(prepared, signature_der(sign_cms(prepared.to_sign, _key(signer))))
    position = len(form) // 2  # a byte of the issued form, which the signature covers
    changed = good[:position] + bytes([good[position] ^ 0x01]) + good[position + 1 :]
    assert not verify_pdf(changed, trust).ok


def test_what_cannot_be_prepared_or_embedded_is_refused(form: bytes, pki: Pki) -> None:
    with pytest.raises(SignatureError) as not_pdf:
        prepare_pdf(b"%PDF-1.7 but nothing more", name="broken.pdf")
    assert not_pdf.value.key == "not_pdf" and "broken.pdf" in str(not_pdf.value)
    signer = issue_signer(pki, "БІРІНШІ", "880101300123")
    signed = sign_pdf(form, _key(signer))
    with pytest.raises(SignatureError) as changed:
        prepare_pdf(_stamped(signed), name="changed.pdf")
    assert changed.value.key == "changed_after_signing"
    prepared = prepare_pdf(form)
    with pytest.raises(ValueError, match="does not fit"):
        embed_cms(prepared, b"\x30" * (prepared.capacity + 1))
    assert signed_digest(b"not a signature") == ""


def _stamped(data: bytes) -> bytes:
    """The PDF with text added to its first page after it was signed."""
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 40 40 Td (added later) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
