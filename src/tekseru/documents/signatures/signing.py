"""Signing with a PKCS#12 key: a PAdES signature with a visible stamp inside a PDF, or a detached CMS
signature for any other file.

Signers sign in order. In a PDF each signature is an incremental update, so a later signature covers the
document and every earlier signature, and verification accepts nothing after a signature but further
signatures: any later change of the content (a new seal included) shows as a change after a signature.
A detached CMS signature holds one signer info per signer, each over the file, ordered by signing time.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from tekseru.documents.signatures.certificates import Identity, SignatureError, identity_of, key_algorithm
from tekseru.documents.signatures.loops import outside_event_loop
from tekseru.documents.signatures.placement import stamp_box
from tekseru.i18n import translate

_FONT = Path(__file__).parents[1] / "fonts" / "DejaVuSans.ttf"
_DIGEST = "sha256"


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's signer with the private key kept loaded: pyHanko parses the key anew for each signature,
    and that (with its checks of an RSA key) took far longer than the signature itself."""

    loaded_key: PrivateKeyTypes | None = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key, hash_algorithm = self.loaded_key, get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(hash_algorithm))
        return bytes(super().sign_raw(data, digest_algorithm))


@dataclass(frozen=True)
class SigningKey:
    """A signer's private key with its certificate and the chain the PKCS#12 file carried."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate

    @property
    def identity(self) -> Identity:
        return identity_of(self.certificate)


def load_key(data: bytes, password: bytes | None, *, name: str = "KEY.p12") -> SigningKey:
    """The key of a PKCS#12 file; SignatureError names the file when it cannot be opened."""
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password)
    except (ValueError, TypeError):
        raise SignatureError("unreadable_key", name) from None
    signer = _LoadedKeySigner(
        signing_key=loaded.signing_key, signing_cert=loaded.signing_cert, cert_registry=loaded.cert_registry
    )
    signer.loaded_key = serialization.load_der_private_key(loaded.signing_key.dump(), password=None)
    certificate = signer.signing_cert
    assert certificate is not None, "a PKCS#12 key loaded by pyHanko carries its certificate"
    return SigningKey(signer, certificate)


@functools.cache
def _stamp_font() -> str:
    """DejaVu Sans cut once per process to the letters a stamp may need (Latin, Cyrillic with the Kazakh
    letters, punctuation, №): pyHanko reads and cuts the font of each stamp, and the whole font made that
    the larger part of signing."""
    from fontTools import subset
    from fontTools.ttLib.scaleUpem import scale_upem

    options = subset.Options()
    options.layout_features = []  # a stamp needs no kerning or ligatures
    options.hinting = False
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern"]
    font = subset.load_font(str(_FONT), options)
    cutter = subset.Subsetter(options)
    cutter.populate(
        unicodes=[
            *range(0x20, 0x7F),
            *range(0xA0, 0x180),
            *range(0x400, 0x530),
            *range(0x2010, 0x2030),
            0x2116,
        ]
    )
    cutter.subset(font)
    # pyHanko writes the glyphs' advances in font units as the PDF's widths, which are in thousandths of
    # an em: DejaVu's 2,048 units per em spread the letters to twice their width and cut the stamp's text.
    scale_upem(font, 1000)
    handle, path = tempfile.mkstemp(prefix="tekseru-stamp-", suffix=".ttf")
    with os.fdopen(handle, "wb") as out:
        font.save(out)
    atexit.register(os.unlink, path)
    return path


def _stamp_text(identity: Identity, language: str) -> str:
    lines = [translate(language, "signature.stamp.signed", name=identity.name)]
    if identity.iin:
        lines.append(translate(language, "signature.stamp.iin", iin=identity.iin))
    if identity.bin:
        lines.append(translate(language, "signature.stamp.bin", bin=identity.bin))
    # %(ts)s is pyHanko's: the signing time it writes into the signature.
    lines.append(translate(language, "signature.stamp.time") + " %(ts)s")
    return "\n".join(line.replace("%", "%%") if "%(ts)s" not in line else line for line in lines)


def _last_page(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"]) - 1


def _box(position: int, reader: PdfFileReader) -> tuple[int, int, int, int] | None:
    """The stamp's place on the last page: its first free slot after those of earlier signatures, in whole
    points (`placement`); None, for a signature without a stamp, when the page has no room left."""
    box = stamp_box(reader, position)
    return None if box is None else (round(box[0]), round(box[1]), round(box[2]), round(box[3]))


@outside_event_loop
def sign_pdf(data: bytes, key: SigningKey, *, language: str = "kk", name: str = "document.pdf") -> bytes:
    """The PDF with one more PAdES signature: a visible stamp with the signer's name, IIN or BIN and time.

    SignatureError when the file is not a PDF, or when it changed after an earlier signature (it would be
    re-sealed under signatures that no longer hold).
    """
    from tekseru.documents.signatures.verifying import changed_after_signing

    _refuse_gost(key, name)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        reader = writer.prev
        existing = len(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError):
        raise SignatureError("not_pdf", name) from None
    if existing and changed_after_signing(reader):
        raise SignatureError("changed_after_signing", name)
    field_name = f"Signature{existing + 1}"
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=_DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    style = TextStampStyle(
        stamp_text=_stamp_text(key.identity, language),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(_stamp_font()), font_size=7),
        timestamp_format="%Y-%m-%d %H:%M:%S UTC",
        border_width=1,
    )
    spec = fields.SigFieldSpec(field_name, on_page=_last_page(reader), box=_box(existing, reader))
    pdf_signer = signers.PdfSigner(metadata, signer=key.signer, stamp_style=style, new_field_spec=spec)
    out = pdf_signer.sign_pdf(writer, in_place=False)
    return bytes(out.getvalue())


def _refuse_gost(key: SigningKey, name: str) -> None:
    from tekseru.documents.signatures.certificates import is_gost

    if is_gost(key_algorithm(key.certificate)):
        raise SignatureError("gost_key", name)


def read_cms(data: bytes, *, name: str = "signature") -> cms.SignedData:
    """The SignedData of a CMS file, DER or PEM/base64 (as NCALayer returns it)."""
    from tekseru.documents.signatures.verifying import decode_cms

    return decode_cms(data, name=name)


def _signing_times(signed: cms.SignedData) -> list[datetime]:
    return [
        attribute["values"][0].native
        for info in signed["signer_infos"]
        for attribute in info["signed_attrs"] or []
        if attribute["type"].native == "signing_time"
    ]


def _after(earlier: cms.SignedData | None) -> datetime:
    """Now, to the second, once it is later than every earlier signer's signing time: a CMS file's
    signers are ordered by it (DER sorts the signer infos), and it counts whole seconds."""
    latest = max(_signing_times(earlier), default=None) if earlier is not None else None
    now = datetime.now(UTC).replace(microsecond=0)
    while latest is not None and now <= latest:
        time.sleep(1.0 - datetime.now(UTC).microsecond / 1_000_000)
        now = datetime.now(UTC).replace(microsecond=0)
    return now


@outside_event_loop
def sign_cms(
    data: bytes, key: SigningKey, *, existing: bytes | None = None, name: str = "signature.cms"
) -> bytes:
    """A detached CMS signature (DER) over `data`; with `existing`, that signature with one more signer."""
    _refuse_gost(key, name)
    earlier = None if existing is None else read_cms(existing, name=name)
    attributes = PdfCMSSignedAttributes(signing_time=_after(earlier))
    signing = key.signer.async_sign_general_data(
        data, _DIGEST, detached=True, signed_attr_settings=attributes
    )
    signed = asyncio.run(signing)
    if existing is None:
        return bytes(signed.dump())
    assert earlier is not None
    new = signed["content"]
    certificates = list(earlier["certificates"] or [])
    known = {certificate.dump() for certificate in certificates}
    certificates += [c for c in new["certificates"] if c.dump() not in known]
    algorithms = list(earlier["digest_algorithms"])
    if all(a["algorithm"].native != _DIGEST for a in algorithms):
        algorithms += list(new["digest_algorithms"])
    combined = cms.SignedData(
        {
            "version": earlier["version"],
            "digest_algorithms": algorithms,
            "encap_content_info": {"content_type": "data"},
            "certificates": certificates,
            "signer_infos": [*earlier["signer_infos"], *new["signer_infos"]],
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": combined}).dump())


def sign_file(
    data: bytes,
    key: SigningKey,
    *,
    pdf: bool,
    existing: bytes | None = None,
    language: str = "kk",
    name: str = "document",
) -> bytes:
    """A PDF signed inside, or a detached CMS signature for any other file."""
    if pdf:
        return sign_pdf(data, key, language=language, name=name)
    return sign_cms(data, key, existing=existing, name=name)
