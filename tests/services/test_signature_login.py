"""Signing in with an electronic signature on SQLite and PostgreSQL: a challenge serves once, even when two
answers race for it, and the session opened is the subject account's bound to the certificate's BIN."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tekseru.catalog.identifiers import demo_bins
from tekseru.documents.signatures import load_key, sign_cms
from tekseru.services.permissions import Actor, Role
from tekseru.services.signature_login import SignatureLoginRefused, issue_challenge, log_in_with_signature
from tekseru.settings import Settings
from tekseru.store import Database
from tests.signing_pki import PASSWORD, issue_signer, make_pki, pem
from tests.web.support import create_user

(BIN,) = demo_bins(1, prefix="1907800")


def test_a_challenge_serves_once_even_when_two_answers_race(database: Database, tmp_path: Path) -> None:
    pki = make_pki()
    (tmp_path / "root.pem").write_bytes(pem(pki.root.certificate))
    settings = Settings(trusted_roots=str(tmp_path / "root.pem"))
    create_user(database, Actor.system("tests"), username="sub", full_name="S", role="subject", bins=[BIN])
    key = load_key(issue_signer(pki, "БАСШЫ", "750505300555", bin=BIN).pkcs12(), PASSWORD)

    challenge = issue_challenge(database, client="test")
    signature = sign_cms(challenge.content, key)

    def answer(_: int) -> str:
        try:
            signed = log_in_with_signature(database, challenge.text, signature, client="t", settings=settings)
        except SignatureLoginRefused as refused:
            return refused.reason
        assert signed.actor.role is Role.SUBJECT and signed.actor.bins == frozenset({BIN})
        return "signed in"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(answer, range(2)))
    assert outcomes == ["challenge_used", "signed in"]
    with pytest.raises(SignatureLoginRefused) as again:
        log_in_with_signature(database, challenge.text, signature, client="t", settings=settings)
    assert again.value.reason == "challenge_used"
