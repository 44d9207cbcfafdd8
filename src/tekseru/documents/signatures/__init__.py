"""Electronic digital signatures with legal weight: PAdES signatures inside sealed PDFs, detached CMS
signatures for any other file, and their verification against trusted roots and CRLs (docs/signatures.md).

`signing` makes signatures from a PKCS#12 key; `verifying` reports each signer; `certificates` reads the
signer's name, IIN and BIN from a certificate the way Kazakhstan's national certification authority writes
them, and recognises GOST keys, which tekseru reports as an unsupported algorithm.
"""

import logging
import warnings

from cryptography.utils import CryptographyDeprecationWarning

# pyHanko imports cryptography's DSA support, which warns on import; tekseru never signs with DSA, and a
# warning on the command line's error stream would read as a fault.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning)
# pyHanko logs every failed check with its traceback; tekseru reports the outcome itself, so the logs stay
# silent unless the application configures logging.
for _library in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
    logging.getLogger(_library).addHandler(logging.NullHandler())

from tekseru.documents.signatures.certificates import (  # noqa: E402
    GOST_UNSUPPORTED,
    Identity,
    SignatureError,
    identity_of,
    is_gost,
    load_certificates,
    load_crls,
)
from tekseru.documents.signatures.signing import SigningKey, load_key, sign_cms, sign_file, sign_pdf  # noqa: E402
from tekseru.documents.signatures.verifying import (  # noqa: E402
    Problem,
    SignatureReport,
    SignerReport,
    TrustSettings,
    verify_cms,
    verify_file,
    verify_pdf,
)

__all__ = [
    "GOST_UNSUPPORTED",
    "Identity",
    "Problem",
    "SignatureError",
    "SignatureReport",
    "SignerReport",
    "SigningKey",
    "TrustSettings",
    "identity_of",
    "is_gost",
    "load_certificates",
    "load_crls",
    "load_key",
    "sign_cms",
    "sign_file",
    "sign_pdf",
    "verify_cms",
    "verify_file",
    "verify_pdf",
]
