"""Signatures with legal weight: PAdES inside a sealed form, detached CMS for other files, and what their
verification catches (a changed byte, a re-sealed document, an expired certificate, an unknown root, a
revoked certificate, the wrong signer order, a signature over another document, a GOST signature)."""

from __future__ import annotations

import hashlib
import statistics
import subprocess
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from tekseru.catalog import CatalogueEdition
from tekseru.documents.checklist_pdf import checklist_pdf_bytes
from tekseru.documents.revisions import earlier_revisions
from tekseru.documents.signatures import (
    Problem,
    SignatureError,
    SigningKey,
    TrustSettings,
    identity_of,
    is_gost,
    load_certificates,
    load_crls,
    load_key,
    sign_cms,
    sign_pdf,
    verify_cms,
    verify_file,
    verify_pdf,
)
from tekseru.documents.signatures.verifying import only_signed_after
from tekseru.documents.verification import read_verification
from tekseru.i18n import say_error
from tests.documents.checklist_cases import filled_form
from tests.signing_pki import PASSWORD, Pki, Signer, issue_signer, make_pki, pem, revocation_list

OFFICIAL = ("ОСПАНОВ АЙДАР / СЕРІКҰЛЫ", "880101300123", "120240012345")
HEAD = ("АХМЕТОВА ДИНА / ҚАЙРАТҚЫЗЫ", "900202400456", "010140003456")


def _der(certificate: object) -> asn1_x509.Certificate:
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def trust(pki: Pki) -> TrustSettings:
    return TrustSettings((_der(pki.root.certificate),))


def _signer(pki: Pki, who: tuple[str, str, str], **validity: datetime) -> Signer:
    name, iin, bin = who
    return issue_signer(pki, name, iin, bin=bin, organisation="ТЕКСЕРУ", **validity)


def _key(signer: Signer) -> SigningKey:
    return load_key(signer.pkcs12(), PASSWORD)


@pytest.fixture(scope="module")
def official(pki: Pki) -> Signer:
    return _signer(pki, OFFICIAL)


@pytest.fixture(scope="module")
def head(pki: Pki) -> Signer:
    return _signer(pki, HEAD)


@pytest.fixture(scope="module")
def form(edition: CatalogueEdition) -> bytes:
    return checklist_pdf_bytes(filled_form(edition, 2, "kk"))


@pytest.fixture(scope="module")
def signed_twice(form: bytes, official: Signer, head: Signer) -> bytes:
    return sign_pdf(sign_pdf(form, _key(official)), _key(head), language="ru")


def test_two_signers_in_order_each_later_signature_covering_the_earlier(
    signed_twice: bytes, form: bytes, trust: TrustSettings
) -> None:
    report = verify_pdf(signed_twice, trust)
    assert report.ok, report.as_dict()
    first, second = report.signers
    assert (first.position, first.identity.name) == (1, "ОСПАНОВ АЙДАР СЕРІКҰЛЫ")
    assert (first.identity.iin, first.identity.bin) == (OFFICIAL[1], OFFICIAL[2])
    assert (second.identity.iin, second.identity.bin) == (HEAD[1], HEAD[2])
    assert first.signed_at is not None and second.signed_at is not None
    assert first.signed_at <= second.signed_at <= datetime.now(UTC)
    # Incremental: the issued form is the first revision, so its seal and hash still hold.
    assert signed_twice.startswith(form)
    assert read_verification(signed_twice) == read_verification(form)
    issued = hashlib.sha256(form).hexdigest()
    assert earlier_revisions(signed_twice)[issued] == len(form)
    assert only_signed_after(signed_twice, len(form))
    assert not only_signed_after(_resealed(signed_twice), len(form))
    assert not only_signed_after(form + b"\n% appended by hand\n", len(form))
    # The expected order holds; the reverse does not.
    in_order = TrustSettings(trust.roots, expected_order=(OFFICIAL[1], HEAD[2]))
    assert verify_pdf(signed_twice, in_order).ok
    reversed_order = TrustSettings(trust.roots, expected_order=(HEAD[1], OFFICIAL[1]))
    assert verify_pdf(signed_twice, reversed_order).problems == (Problem.WRONG_ORDER,)


def test_each_signature_has_a_visible_stamp_on_the_last_page(signed_twice: bytes) -> None:
    reader = PdfReader(BytesIO(signed_twice))
    widgets = [
        annotation.get_object()
        for annotation in reader.pages[-1].get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert [w["/T"] for w in widgets] == ["Signature1", "Signature2"]
    boxes = [[float(v) for v in w["/Rect"]] for w in widgets]
    assert all(right - left > 100 and top - bottom > 40 for left, bottom, right, top in boxes)
    assert boxes[0][2] <= boxes[1][0], "the stamps sit side by side, not on each other"
    assert all("/AP" in w for w in widgets)
    footer_band = 16 / 25.4 * 72  # the form's footer: verification code and "page X of Y"
    assert all(bottom >= footer_band for _, bottom, _, _ in boxes), boxes


def _stamp_widths(widget: Any) -> list[float]:
    """The glyph widths (/W) of the fonts the stamp's appearance uses, in thousandths of an em."""
    widths: list[float] = []
    stream = widget["/AP"]["/N"].get_object()
    pending = [stream]
    while pending:
        resources = pending.pop().get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                entries = descendant.get_object().get("/W", [])
                widths += [float(w) for entry in entries if isinstance(entry, list) for w in entry]
        pending += [x.get_object() for x in (resources.get("/XObject") or {}).values()]
    return widths


def test_the_stamps_letters_have_their_own_widths(signed_twice: bytes) -> None:
    """Widths in font units (2,048 an em for DejaVu) spread the letters to twice their width and cut the
    signer's name at the stamp's edge; PDF widths are thousandths of an em, a digit 0.636."""
    reader = PdfReader(BytesIO(signed_twice))
    for annotation in reader.pages[-1]["/Annots"]:
        widget = annotation.get_object()
        if widget.get("/FT") == "/Sig":
            widths = _stamp_widths(widget)
            assert widths and 636 in widths and 250 < statistics.median(widths) < 750, widths


def test_a_changed_byte_breaks_every_signature_that_covers_it(
    signed_twice: bytes, trust: TrustSettings
) -> None:
    changed = bytearray(signed_twice)
    at = changed.index(b"/Producer")
    changed[at + 1] = ord("p")
    report = verify_pdf(bytes(changed), trust)
    assert not report.ok
    assert all(Problem.CHANGED in signer.problems for signer in report.signers)


def _resealed(data: bytes) -> bytes:
    """The document changed after signing the way a re-seal would: new text drawn on its first page."""
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 40 40 Td (TK-0000-0000-0000) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_signed_document_cannot_be_resealed(
    signed_twice: bytes, trust: TrustSettings, official: Signer
) -> None:
    resealed = _resealed(signed_twice)
    report = verify_pdf(resealed, trust)
    assert [Problem.CHANGED in s.problems for s in report.signers] == [True, True]
    with pytest.raises(SignatureError) as refused:
        sign_pdf(resealed, _key(official), name="form.pdf")
    assert refused.value.key == "changed_after_signing"
    assert "form.pdf" in say_error("kk", refused.value) and "мөрлеуге" in say_error("kk", refused.value)


def test_an_expired_certificate(pki: Pki, form: bytes, trust: TrustSettings) -> None:
    now = datetime.now(UTC)
    expired = _signer(
        pki,
        ("ЕСКІ КІЛТ", "700101300999", ""),
        not_before=now - timedelta(days=800),
        not_after=now - timedelta(days=1),
    )
    report = verify_pdf(sign_pdf(form, _key(expired)), trust)
    (signer,) = report.signers
    assert signer.problems == (Problem.NOT_VALID_AT_SIGNING,)
    assert signer.trusted and signer.unchanged and not report.ok


def test_an_unknown_root(form: bytes, trust: TrustSettings) -> None:
    stranger = issue_signer(make_pki("stranger"), "БӨТЕН АДАМ", "850505300111")
    data = b"the approved list"
    report = verify_cms(data, sign_cms(data, _key(stranger)), trust)
    assert report.signers[0].problems == (Problem.UNTRUSTED,) and not report.ok
    assert verify_pdf(sign_pdf(form, _key(stranger)), trust).signers[0].problems == (Problem.UNTRUSTED,)
    assert verify_pdf(sign_pdf(form, _key(stranger)), TrustSettings()).signers[0].problems == (
        Problem.UNTRUSTED,
    )


def test_a_revoked_certificate(pki: Pki, official: Signer, head: Signer, trust: TrustSettings) -> None:
    data = b"inspection-7-kk.docx"
    signature = sign_cms(data, _key(head), existing=sign_cms(data, _key(official)))
    revocations = asn1_crl.CertificateList.load(revocation_list(pki, [head.certificate]))
    report = verify_cms(data, signature, TrustSettings(trust.roots, (revocations,)))
    assert [s.problems for s in report.signers] == [(), (Problem.REVOKED,)]
    assert report.signers[1].revoked_on is not None and not report.ok
    # A CRL some other authority signed revokes nothing here.
    forged = asn1_crl.CertificateList.load(revocation_list(make_pki("forger"), [head.certificate]))
    assert verify_cms(data, signature, TrustSettings(trust.roots, (forged,))).ok


def test_the_wrong_signer_order(official: Signer, head: Signer, trust: TrustSettings) -> None:
    data = b"approved list"
    head_first = sign_cms(data, _key(official), existing=sign_cms(data, _key(head)))
    expected = TrustSettings(trust.roots, expected_order=(OFFICIAL[1], HEAD[2]))
    report = verify_cms(data, head_first, expected)
    assert [s.identity.iin for s in report.signers] == [HEAD[1], OFFICIAL[1]]
    assert report.problems == (Problem.WRONG_ORDER,)
    assert verify_cms(data, sign_cms(data, _key(head), existing=sign_cms(data, _key(official))), expected).ok


def test_a_signature_over_a_different_document(official: Signer, trust: TrustSettings) -> None:
    signature = sign_cms(b"list 2026-H1", _key(official))
    assert verify_cms(b"list 2026-H1", signature, trust).ok
    report = verify_cms(b"list 2026-H2", signature, trust)
    assert report.signers[0].problems == (Problem.CHANGED,) and not report.signers[0].unchanged


def test_a_cms_signature_made_by_openssl(tmp_path: Path, official: Signer, trust: TrustSettings) -> None:
    document = tmp_path / "list.xlsx"
    document.write_bytes(b"PK\x03\x04 a list")
    (tmp_path / "signer.pem").write_bytes(pem(official.certificate))
    (tmp_path / "chain.pem").write_bytes(pem(official.chain[0]))
    from cryptography.hazmat.primitives import serialization

    (tmp_path / "signer.key").write_bytes(
        official.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    for form in ("DER", "PEM"):
        out = tmp_path / f"list.{form}.cms"
        subprocess.run(
            [
                "openssl",
                "cms",
                "-sign",
                "-binary",
                "-in",
                str(document),
                "-signer",
                str(tmp_path / "signer.pem"),
                "-inkey",
                str(tmp_path / "signer.key"),
                "-certfile",
                str(tmp_path / "chain.pem"),
                "-outform",
                form,
                "-out",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        report = verify_file(document.read_bytes(), trust, signature=out.read_bytes())
        assert report.ok, report.as_dict()
        assert report.signers[0].identity.iin == OFFICIAL[1]


def _with_digest(signature: bytes, oid: str) -> bytes:
    info = cms.ContentInfo.load(signature)
    signed = info["content"]
    signer = signed["signer_infos"][0]
    changed = cms.SignerInfo(
        {
            **{k: signer[k] for k in ("version", "sid", "signed_attrs", "signature_algorithm", "signature")},
            "digest_algorithm": {"algorithm": oid},
        }
    )
    rebuilt = cms.SignedData(
        {
            "version": signed["version"],
            "digest_algorithms": [{"algorithm": oid}],
            "encap_content_info": {"content_type": "data"},
            "certificates": signed["certificates"],
            "signer_infos": [changed],
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": rebuilt}).dump())


def test_a_gost_signature_is_reported_as_an_unsupported_algorithm(
    official: Signer, trust: TrustSettings
) -> None:
    data = b"a form"
    gost = _with_digest(sign_cms(data, _key(official)), "1.2.398.3.10.1.3.1")  # GOST 34.311-95 (Kazakh arc)
    report = verify_cms(data, gost, trust)
    assert report.signers[0].problems == (Problem.GOST_UNSUPPORTED,) and not report.ok
    assert report.signers[0].identity.iin == OFFICIAL[1]
    assert (
        is_gost("1.2.398.3.10.1.1.1.1") and is_gost("1.2.643.2.2.19") and not is_gost("1.2.840.113549.1.1.1")
    )


def test_identity_of_an_individual_and_of_an_organisation(official: Signer, pki: Pki) -> None:
    person = identity_of(_der(issue_signer(pki, "ИВАНОВ ИВАН", "770707300777").certificate))
    assert (person.name, person.iin, person.bin) == ("ИВАНОВ ИВАН", "770707300777", None)
    employee = identity_of(_der(official.certificate))
    assert (employee.iin, employee.bin, employee.organisation) == (OFFICIAL[1], OFFICIAL[2], "ТЕКСЕРУ")


def test_unreadable_inputs_are_named_in_the_readers_language(tmp_path: Path, official: Signer) -> None:
    with pytest.raises(SignatureError) as wrong:
        load_key(official.pkcs12(), b"wrong", name="official.p12")
    assert "official.p12" in say_error("ru", wrong.value) and "неверный пароль" in say_error(
        "ru", wrong.value
    )
    with pytest.raises(SignatureError) as not_cms:
        verify_cms(b"x", b"<html>not a signature</html>", TrustSettings(), name="upload.cms")
    assert say_error("kk", not_cms.value).startswith("upload.cms: ") and "CMS" in say_error(
        "kk", not_cms.value
    )
    attached = tmp_path / "attached.cms"
    (tmp_path / "doc").write_bytes(b"doc")
    bad = tmp_path / "root.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(SignatureError) as not_certificate:
        load_certificates([bad])
    assert not_certificate.value.key == "not_certificate" and "root.pem" in str(not_certificate.value)
    with pytest.raises(SignatureError):
        load_crls([tmp_path / "doc"])
    with pytest.raises(SignatureError) as not_pdf:
        sign_pdf(b"%PDF-1.7 broken", _key(official), name="broken.pdf")
    assert not_pdf.value.key == "not_pdf"
    assert not attached.exists()


def test_an_ecdsa_key_signs_and_verifies(pki: Pki, form: bytes, trust: TrustSettings) -> None:
    elliptic = _key(issue_signer(pki, "ЭЛЛИПС", "860606300666", elliptic=True))
    assert verify_pdf(sign_pdf(form, elliptic), trust).ok
    assert verify_cms(b"a list", sign_cms(b"a list", elliptic), trust).ok


def test_a_signature_carrying_no_chain_needs_the_intermediate_among_the_roots(
    tmp_path: Path, pki: Pki, official: Signer, trust: TrustSettings
) -> None:
    from cryptography.hazmat.primitives import serialization

    (tmp_path / "doc").write_bytes(b"document")
    (tmp_path / "signer.pem").write_bytes(pem(official.certificate))
    (tmp_path / "signer.key").write_bytes(
        official.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    subprocess.run(
        [
            "openssl",
            "cms",
            "-sign",
            "-binary",
            "-in",
            "doc",
            "-signer",
            "signer.pem",
            "-inkey",
            "signer.key",
            "-outform",
            "PEM",
            "-out",
            "doc.cms",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    signature = (tmp_path / "doc.cms").read_bytes()
    assert verify_cms(b"document", signature, trust).signers[0].problems == (Problem.UNTRUSTED,)
    with_intermediate = TrustSettings((*trust.roots, _der(pki.intermediate.certificate)))
    assert verify_cms(b"document", signature, with_intermediate).ok


def test_signing_and_verifying_work_inside_a_running_event_loop(
    official: Signer, trust: TrustSettings
) -> None:
    """As from an async web handler: pyHanko's own calls would fail there (asyncio.run in a running loop)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside() -> bool:
        data = b"a list"
        return verify_cms(data, sign_cms(data, _key(official)), trust).ok

    # A thread of its own runs the loop: the test's own thread may run one already (Playwright's).
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(asyncio.run, inside()).result()
