"""Signing in with an electronic signature: a controlled subject proves who it is with its NCA certificate
instead of a password (docs/subjects.md, "Signing in with an electronic signature").

The server issues a one-time random challenge (`issue_challenge`), kept by its SHA-256 with an expiry; the
signer makes a detached CMS signature of the challenge's text (NCALayer's `createCAdESFromBase64`, or
`openssl cms -sign -binary -outform DER`), as it signs documents; `log_in_with_signature` takes the challenge
once (a second answer, or one after expiry, is refused), verifies the signature with the trusted roots and
CRLs of document signatures (`tekseru.services.signatures.trust_settings`), reads the BIN from the
certificate (OU `BIN...`, `tekseru.documents.signatures.identity_of`) and opens a session of the active
subject account bound to that BIN. Every refusal is audited (`user.login_signature_refused`, with the
reason and what the certificate said) and said in the reader's language (`login.signature.refused.<key>`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from tekseru.documents.signatures import Problem, SignatureError, SignerReport, verify_cms
from tekseru.services import audit
from tekseru.services.auth import (
    Database,
    LoginPolicy,
    LoginRefused,
    SignedIn,
    open_session,
)
from tekseru.services.permissions import Actor, Role
from tekseru.services.signatures import trust_settings
from tekseru.settings import Settings
from tekseru.store.accounts import get_user
from tekseru.store.portal import accounts_of_bin, add_challenge, use_challenge

CHALLENGE_LIFETIME = timedelta(minutes=5)
CLOCK_SKEW = timedelta(minutes=2)  # how far a signer's clock may differ from the server's
CHALLENGE_PREFIX = "tekseru-sign-in:"
CHALLENGE_PATTERN = r"^tekseru-sign-in:[A-Za-z0-9_-]{43}$"  # the prefix and 32 random bytes, base64url
MAX_SIGNATURE_BYTES = 1 << 20
DEFAULT_POLICY = LoginPolicy()
_CLIENT_LIMIT = 64
# The first problem of a signer's certificate names the refusal: a wrong signature before a bad certificate.
_PROBLEM_REFUSALS = (
    (Problem.CHANGED, "wrong_signature"),
    (Problem.GOST_UNSUPPORTED, "gost"),
    (Problem.UNTRUSTED, "untrusted"),
    (Problem.REVOKED, "revoked"),
    (Problem.NOT_VALID_AT_SIGNING, "expired"),
)


class SignatureLoginRefused(LoginRefused):
    """Sign-in with a signature refused; `reason` is the key of its message."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"sign-in with a signature refused: {reason}")
        self.reason = reason
        self.saying(f"login.signature.refused.{reason}", **params)


@dataclass(frozen=True)
class Challenge:
    """What the signer signs (its UTF-8 bytes), and until when it may be answered."""

    text: str
    expires_at: datetime

    @property
    def content(self) -> bytes:
        return self.text.encode("utf-8")


def _challenge_id(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def issue_challenge(db: Database, *, client: str, now: datetime | None = None) -> Challenge:
    """A new one-time challenge, valid for `CHALLENGE_LIFETIME`."""
    now = now or datetime.now(UTC)
    text = CHALLENGE_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + CHALLENGE_LIFETIME
    with db.transaction() as session:
        add_challenge(
            session, _challenge_id(text), client=client[:_CLIENT_LIMIT], now=now, expires_at=expires_at
        )
    return Challenge(text, expires_at)


def _refuse(
    db: Database, reason: str, now: datetime, signer: SignerReport | None = None, **params: object
) -> NoReturn:
    identity = None if signer is None else signer.identity
    after: dict[str, object] = {"reason": reason}
    if identity is not None:
        after |= {
            "bin": identity.bin,
            "iin": identity.iin,
            "signer": identity.name,
            "certificate_sha256": signer.certificate_sha256 if signer else None,
        }
    name = (identity.bin if identity is not None else None) or "(signature)"
    with db.transaction() as session:
        actor = Actor(name, Role.VIEWER)
        audit.record(session, actor, "user.login_signature_refused", "user", name, after=after, now=now)
    raise SignatureLoginRefused(reason, **params)


def _signer(
    db: Database, content: bytes, signature: bytes, settings: Settings, now: datetime
) -> SignerReport:
    """The one signer of a valid signature of `content`, or a refusal."""
    if len(signature) > MAX_SIGNATURE_BYTES:
        _refuse(db, "unreadable", now)
    try:
        report = verify_cms(content, signature, trust_settings(settings=settings), name="signature")
    except SignatureError:
        _refuse(db, "unreadable", now)
    if len(report.signers) != 1:
        _refuse(db, "one_signer", now, count=len(report.signers))
    signer = report.signers[0]
    for problem, reason in _PROBLEM_REFUSALS:
        if problem in signer.problems:
            _refuse(db, reason, now, signer)
    if signer.problems:
        _refuse(db, "wrong_signature", now, signer)
    return signer


def log_in_with_signature(
    db: Database,
    challenge: str,
    signature: bytes,
    *,
    client: str,
    settings: Settings | None = None,
    policy: LoginPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> SignedIn:
    """A session of the subject account bound to the BIN of the certificate that signed `challenge`, or
    SignatureLoginRefused (audited) saying why not."""
    settings = settings or Settings.from_environment()
    now = now or datetime.now(UTC)
    text = challenge.strip()
    with db.transaction() as session:
        state, issued_at = use_challenge(session, _challenge_id(text), now)
    if state != "ok" or issued_at is None:
        _refuse(db, f"challenge_{state}", now)
    signer = _signer(db, text.encode("utf-8"), signature, settings, now)
    signed_at = signer.signed_at
    if signed_at is not None and not (
        _aware(issued_at) - CLOCK_SKEW <= _aware(signed_at) <= now + CLOCK_SKEW
    ):  # a signing time outside the challenge's life: a certificate must be valid now, not then
        _refuse(db, "signing_time", now, signer)
    bin = signer.identity.bin
    if bin is None:
        _refuse(db, "no_bin", now, signer)
    with db.transaction() as session:
        users = [user for user_id in accounts_of_bin(session, bin) if (user := get_user(session, user_id))]
    accounts = [user for user in users if user.role == Role.SUBJECT and user.active]
    if not accounts:
        _refuse(db, "unknown_bin", now, signer, bin=bin)
    if len(accounts) > 1:
        _refuse(db, "several_accounts", now, signer, bin=bin)
    via = {
        "via": "signature",
        "bin": bin,
        "iin": signer.identity.iin,
        "signer": signer.identity.name,
        "certificate_sha256": signer.certificate_sha256,
    }
    return open_session(db, accounts[0], client[:_CLIENT_LIMIT], None, policy, now, None, via)
