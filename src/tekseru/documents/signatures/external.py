"""PAdES signatures made outside tekseru (NCALayer, openssl, any CMS tool) and embedded in the PDF.

The signer's key never reaches the server, so the server cannot sign the PDF itself as `sign_pdf` does.
Instead it prepares the next revision of the document with an empty signature (an incremental update that
reserves room for the CMS), hands out the bytes that signature will cover (the whole revision but the
reserved room: the PDF's /ByteRange), and embeds the detached CMS signature the signer makes over them.
Each revision is prepared on top of every earlier signature, so a later signer's signature covers the
document and all signatures before it, as the PDF signatures `tekseru sign` makes do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields
from pyhanko.sign.signers.cms_embedder import PdfCMSEmbedder, SigIOSetup, SigObjSetup
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest, SignatureObject
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

from tekseru.documents.signatures.certificates import SignatureError

# Room for one CMS signature: a national certificate with its chain and a signing time take 5 to 8 KB.
RESERVED_BYTES = 16 * 1024
DIGEST = "sha256"


@dataclass(frozen=True)
class PreparedPdf:
    """The next revision of a PDF with an empty signature: `pdf[start:end]` is the room reserved for it."""

    pdf: bytes
    start: int
    end: int

    @property
    def capacity(self) -> int:
        """The largest CMS signature (DER bytes) the reserved room holds: two hex digits a byte, in <>."""
        return (self.end - self.start - 2) // 2

    @property
    def to_sign(self) -> bytes:
        """What the signature covers: the revision without the reserved room."""
        return self.pdf[: self.start] + self.pdf[self.end :]


def prepare_pdf(data: bytes, *, name: str = "document.pdf") -> PreparedPdf:
    """The PDF with one more, empty signature field `SignatureN` (after the N-1 already there)."""
    from tekseru.documents.signatures.verifying import changed_after_signing

    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        existing = len(writer.prev.embedded_signatures)
        if existing and changed_after_signing(writer.prev):
            raise SignatureError("changed_after_signing", name)
        embedding = PdfCMSEmbedder().write_cms(field_name=f"Signature{existing + 1}", writer=writer)
        next(embedding)
        placeholder = SignatureObject(
            bytes_reserved=RESERVED_BYTES, subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED
        )
        embedding.send(SigObjSetup(sig_placeholder=placeholder))
        digest, output = embedding.send(SigIOSetup(md_algorithm=DIGEST, output=BytesIO()))
    except SignatureError:
        raise
    except (PdfError, ValueError, KeyError):
        raise SignatureError("not_pdf", name) from None
    return PreparedPdf(output.getvalue(), digest.reserved_region_start, digest.reserved_region_end)


def embed_cms(prepared: PreparedPdf, signature_der: bytes) -> bytes:
    """The prepared revision with the detached CMS signature (DER) in its reserved room, which the caller
    has checked it fits (`capacity`)."""
    if len(signature_der) > prepared.capacity:
        raise ValueError(f"a signature of {len(signature_der)} bytes does not fit in {prepared.capacity}")
    digest = PreparedByteRangeDigest(
        document_digest=hashlib.sha256(prepared.to_sign).digest(),
        reserved_region_start=prepared.start,
        reserved_region_end=prepared.end,
    )
    output = BytesIO(prepared.pdf)
    PdfTBSDocument.finish_signing(output, digest, signature_der)
    return output.getvalue()


def signature_der(signature: bytes, *, name: str = "signature.cms") -> bytes:
    """A CMS signature given as DER, PEM or base64, as DER (SignatureError when it is none)."""
    from tekseru.documents.signatures.verifying import decode_cms

    signed = decode_cms(signature, name=name)
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())


def signed_digest(signature: bytes) -> str:
    """The SHA-256 (hex) that a one-signer CMS signature says it covers, or "" when it says none."""
    from tekseru.documents.signatures.verifying import decode_cms

    try:
        signed = decode_cms(signature)
    except SignatureError:
        return ""
    for attribute in signed["signer_infos"][0]["signed_attrs"] or []:
        if attribute["type"].native == "message_digest":
            return bytes(attribute["values"][0].native).hex()
    return ""
