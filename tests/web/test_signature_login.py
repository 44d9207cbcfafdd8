"""A controlled subject signs in with its electronic signature (issue 21): real detached CMS signatures made
with the test PKI (`cryptography`, and `openssl cms` as the page tells), over HTTP in kk and ru, through the
API, and in Debian's chromium through the NCALayer stand-in at 390 px with an axe scan. The hostile cases:
an unknown BIN, a certificate of no organisation, an expired, revoked or untrusted certificate, a reused,
expired or made-up challenge, a signature of another text, two signers, garbage; each refused in the
reader's language and audited."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.catalog.identifiers import demo_bins
from tekseru.documents.signatures import load_key, sign_cms
from tekseru.services import audit
from tekseru.services.permissions import Actor
from tekseru.services.signature_login import CHALLENGE_LIFETIME, issue_challenge, log_in_with_signature
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.web.app import create_app
from tests.signing_pki import PASSWORD as KEY_PASSWORD
from tests.signing_pki import Pki, Signer, issue_signer, make_pki, pem, revocation_list
from tests.web.live_app import free_port, serving
from tests.web.ncalayer_standin import running
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

SYSTEM = Actor.system("tests")
BIN, OTHER_BIN, SHARED_BIN = demo_bins(3, prefix="1907700")


@dataclass(frozen=True)
class Stand:
    app: FastAPI
    db: Database
    settings: Settings
    pki: Pki
    head: Signer  # the director of the subject of BIN, with its organisation's certificate
    revoked: Signer  # a certificate of BIN that the CRL lists
    ncalayer_port: int


@pytest.fixture(scope="module")
def stand(tmp_path_factory: pytest.TempPathFactory) -> Stand:
    folder = tmp_path_factory.mktemp("signature-login")
    pki = make_pki()
    revoked = issue_signer(pki, "ҚАЙТАРЫЛҒАН БАСШЫ", "800101300777", bin=BIN, key_label="revoked")
    (folder / "root.pem").write_bytes(pem(pki.root.certificate))
    (folder / "intermediate.crl").write_bytes(revocation_list(pki, [revoked.certificate]))
    port = free_port()
    settings = Settings(
        attachments_dir=str(folder / "files"),
        trusted_roots=str(folder / "root.pem"),
        revocation_lists=str(folder / "intermediate.crl"),
        ncalayer_url=f"ws://127.0.0.1:{port}",
    ).with_database_path(folder / "tekseru.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS)
    db = app.state.tekseru.database()
    accounts = (("meirim", [BIN]), ("shared-a", [SHARED_BIN]), ("shared-b", [SHARED_BIN]))
    for username, bins in accounts:
        create_user(
            db, SYSTEM, username=username, full_name=username, role="subject", bins=bins, password=PASSWORD
        )
    head = issue_signer(pki, "ДИРЕКТОР МЕЙІРІМ / ЖАНҰЛЫ", "750505300555", bin=BIN, organisation="Мейірім")
    return Stand(app, db, settings, pki, head, revoked, port)


@pytest.fixture
def client(stand: Stand) -> Iterator[TestClient]:
    with TestClient(stand.app) as opened:
        yield opened


def _cms(signer: Signer, text: str) -> bytes:
    return sign_cms(text.encode("utf-8"), load_key(signer.pkcs12(), KEY_PASSWORD))


def _form(client: TestClient, lang: str) -> tuple[str, str]:
    page = client.get(f"/login/signature?lang={lang}")
    assert page.status_code == 200, page.text
    challenge = re.search(r'<code id="challenge">([^<]+)</code>', page.text)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert challenge and token
    return challenge.group(1), token.group(1)


def _post(client: TestClient, challenge: str, token: str, signature: bytes, lang: str) -> Any:
    return client.post(
        f"/login/signature?lang={lang}",
        data={"csrf_token": token, "challenge": challenge, "next": "/"},
        files={"signature": ("signature.cms", signature, "application/pkcs7-signature")},
        follow_redirects=False,
    )


def _entries(db: Database, action: str) -> list[Any]:
    return audit.browse(db, SYSTEM, audit.AuditFilter(action=action), per_page=500).entries


def _refusals(db: Database) -> list[dict[str, Any]]:
    return [dict(entry.after or {}) for entry in _entries(db, "user.login_signature_refused")]


@pytest.mark.parametrize(
    ("lang", "home", "link"),
    [
        ("kk", "Менің ұйымым", "Электрондық қолтаңбамен кіру"),
        ("ru", "Моя организация", "Войти с электронной"),
    ],
)
def test_a_subject_signs_in_with_its_signature(
    stand: Stand, client: TestClient, lang: str, home: str, link: str
) -> None:
    assert link in client.get(f"/login?lang={lang}").text
    challenge, token = _form(client, lang)
    download = client.get(f"/login/signature/challenge?c={challenge}")
    assert download.content == challenge.encode("ascii")
    answer = _post(client, challenge, token, _cms(stand.head, challenge), lang)
    assert answer.status_code == 303, answer.text
    my = client.get(f"/my?lang={lang}")
    assert my.status_code == 200 and home in my.text and BIN in my.text
    entry = _entries(stand.db, "user.login")[0]  # newest first
    assert entry.actor == "meirim" and (entry.after or {})["via"] == "signature"
    assert (entry.after or {})["bin"] == BIN and (entry.after or {})["iin"] == "750505300555"
    # The same challenge, answered again (a replay), is refused.
    again = TestClient(stand.app)
    _, other_token = _form(again, lang)
    replay = _post(again, challenge, other_token, _cms(stand.head, challenge), lang)
    assert replay.status_code == 401
    assert {"kk": "бұрын қолданылған", "ru": "уже использован"}[lang] in replay.text
    assert again.get("/my", follow_redirects=False).status_code in (303, 401)


def test_openssl_cms_as_the_page_tells(stand: Stand, client: TestClient, tmp_path: Path) -> None:
    challenge, token = _form(client, "ru")
    (tmp_path / "sign-in-challenge.txt").write_bytes(
        client.get(f"/login/signature/challenge?c={challenge}").content
    )
    (tmp_path / "CERT.pem").write_bytes(pem(stand.head.certificate))
    (tmp_path / "chain.pem").write_bytes(pem(stand.head.chain[0]))
    (tmp_path / "KEY.pem").write_bytes(
        stand.head.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    command = "openssl cms -sign -binary -in sign-in-challenge.txt -signer CERT.pem -inkey KEY.pem"
    subprocess.run(
        [*command.split(), "-certfile", "chain.pem", "-outform", "DER", "-out", "signature.cms"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    answer = _post(client, challenge, token, (tmp_path / "signature.cms").read_bytes(), "ru")
    assert answer.status_code == 303, answer.text


def _refused(
    stand: Stand,
    client: TestClient,
    signature: bytes | None,
    lang: str,
    *,
    signer: Signer | None = None,
    text: str | None = None,
) -> str:
    challenge, token = _form(client, lang)
    made = signature if signature is not None else _cms(signer or stand.head, text or challenge)
    answer = _post(client, challenge, token, made, lang)
    assert answer.status_code == 401, answer.text
    assert "tekseru_session" not in answer.cookies
    found = re.search(
        r'<div class="error-summary" id="signature-error" role="alert">\s*<p>(.*?)</p>', answer.text, re.S
    )
    assert found, answer.text
    # A fresh challenge is offered with the refusal.
    assert challenge not in answer.text.split('id="challenge">')[1][:200]
    return found.group(1)


def test_hostile_signatures_are_refused_clearly_and_audited(stand: Stand, client: TestClient) -> None:
    pki = stand.pki
    now = datetime.now(UTC)
    stranger = issue_signer(pki, "БӨГДЕ ҰЙЫМ", "700101300111", bin=OTHER_BIN, key_label="stranger")
    person = issue_signer(pki, "ЖЕКЕ ТҰЛҒА", "700101300222", key_label="person")
    expired = issue_signer(
        pki,
        "ЕСКІ КУӘЛІК",
        "700101300333",
        bin=BIN,
        not_before=now - timedelta(days=800),
        not_after=now - timedelta(days=1),
        key_label="expired",
    )
    revoked = stand.revoked
    foreign = issue_signer(make_pki("foreign"), "ЖАЛҒАН ОРТАЛЫҚ", "700101300444", bin=BIN, key_label="fake")
    shared = issue_signer(pki, "ОРТАҚ", "700101300555", bin=SHARED_BIN, key_label="shared")
    cases = [
        ("kk", _refused(stand, client, None, "kk", signer=stranger), f"БСН {OTHER_BIN}"),
        ("ru", _refused(stand, client, None, "ru", signer=stranger), f"К БИН {OTHER_BIN} не привязана"),
        ("ru", _refused(stand, client, None, "ru", signer=person), "нет БИН"),
        ("kk", _refused(stand, client, None, "kk", signer=expired), "жарамсыз"),
        ("ru", _refused(stand, client, None, "ru", signer=expired), "недействительно"),
        ("ru", _refused(stand, client, None, "ru", signer=revoked), "отозвано"),
        ("kk", _refused(stand, client, None, "kk", signer=foreign), "сенімді"),
        ("ru", _refused(stand, client, None, "ru", signer=foreign), "не доверенным"),
        ("ru", _refused(stand, client, None, "ru", text="tekseru-sign-in:another"), "не относится к тексту"),
        ("ru", _refused(stand, client, b"\x00\xff" * 40, "ru"), "не является отделённой подписью"),
        ("en", _refused(stand, client, None, "en", signer=shared), "Several accounts"),
    ]
    for lang, said, expected in cases:
        assert expected in said, (lang, said)
    reasons = [entry["reason"] for entry in _refusals(stand.db)]
    for reason in (
        "unknown_bin",
        "no_bin",
        "expired",
        "revoked",
        "untrusted",
        "wrong_signature",
        "unreadable",
    ):
        assert reason in reasons
    unknown = [e for e in _refusals(stand.db) if e["reason"] == "unknown_bin"]
    assert unknown[-1]["bin"] == OTHER_BIN and unknown[-1]["certificate_sha256"]


def test_two_signers_a_made_up_and_an_expired_challenge(stand: Stand) -> None:
    second = issue_signer(stand.pki, "ЕКІНШІ", "700101300666", bin=BIN, key_label="second")
    issued = issue_challenge(stand.db, client="test")
    both = sign_cms(
        issued.content, load_key(second.pkcs12(), KEY_PASSWORD), existing=_cms(stand.head, issued.text)
    )
    with pytest.raises(Exception) as two:
        log_in_with_signature(stand.db, issued.text, both, client="test", settings=stand.settings)
    assert getattr(two.value, "reason", None) == "one_signer"
    made_up = "tekseru-sign-in:" + "A" * 43
    with pytest.raises(Exception) as unknown:
        log_in_with_signature(
            stand.db, made_up, _cms(stand.head, made_up), client="t", settings=stand.settings
        )
    assert getattr(unknown.value, "reason", None) == "challenge_unknown"
    old = issue_challenge(stand.db, client="test", now=datetime.now(UTC) - CHALLENGE_LIFETIME * 2)
    with pytest.raises(Exception) as late:
        log_in_with_signature(
            stand.db, old.text, _cms(stand.head, old.text), client="t", settings=stand.settings
        )
    assert getattr(late.value, "reason", None) == "challenge_expired"


def test_the_api_signs_a_subject_in(stand: Stand, client: TestClient) -> None:
    issued = client.post("/api/v1/auth/signature/challenge")
    assert issued.status_code == 200, issued.text
    challenge = issued.json()["challenge"]
    import base64

    signature = base64.b64encode(_cms(stand.head, challenge)).decode("ascii")
    signed = client.post(
        "/api/v1/auth/signature/login", json={"challenge": challenge, "signature": signature}
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["username"] == "meirim" and signed.json()["role"] == "subject"
    mine = client.get("/api/v1/my")
    assert mine.status_code == 200, mine.text
    again = client.post(
        "/api/v1/auth/signature/login",
        json={"challenge": challenge, "signature": signature},
        headers={"Accept-Language": "kk"},
    )
    assert again.status_code == 401 and "бұрын қолданылған" in again.text


# In the browser ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(stand: Stand) -> Iterator[str]:
    with serving(stand.app) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "home"), [("kk", "Менің ұйымым"), ("ru", "Моя организация")])
def test_sign_in_through_ncalayer_on_a_phone(
    stand: Stand, browser: Any, live: str, lang: str, home: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(
        base_url=live, service_workers="block", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        key = load_key(stand.head.pkcs12(), KEY_PASSWORD)
        with running(key, stand.ncalayer_port) as ncalayer:
            page.goto(f"/login?lang={lang}", wait_until="load")
            page.click("#login-signature")
            page.locator("#ncalayer").wait_for(state="visible")
            violations = Axe().run(page).response["violations"]
            assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, width
            page.locator("#ncalayer-sign").click()
            page.wait_for_url(re.compile(r"/my"))
            assert home in page.inner_text("h1") and BIN in page.inner_text("main")
            assert len(ncalayer.requests) == 1
    finally:
        context.close()
