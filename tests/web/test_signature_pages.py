"""Signing a completed inspection and an approved list in the web application and through the API: the
upload of a detached CMS signature made by `openssl cms`, and, in Debian's chromium, signing through a
local stand-in that speaks NCALayer's documented messages (no real NCALayer was available to the tests)."""

from __future__ import annotations

import base64
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.documents.signatures import TrustSettings, load_key, sign_cms, verify_pdf
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.services import inspection_data
from tests.services.audit_data import sign_records
from tests.signing_pki import PASSWORD as KEY_PASSWORD
from tests.signing_pki import Pki, Signer, issue_signer, make_pki, pem
from tests.web.conftest import sign_in
from tests.web.ncalayer_standin import running
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

USERS = {
    "inspector": ("s-inspector", "inspector", "astana"),
    "viewer": ("s-viewer", "viewer", None),
    "planner": ("s-planner", "planner", None),
}


@dataclass(frozen=True)
class Stand:
    app: FastAPI
    settings: Settings
    inspection_id: int
    plan_id: int
    ncalayer_port: int
    pki: Pki
    official: Signer
    head: Signer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def stand(tmp_path_factory: pytest.TempPathFactory) -> Stand:
    folder = tmp_path_factory.mktemp("signatures")
    pki = make_pki()
    (folder / "root.pem").write_bytes(pem(pki.root.certificate))
    port = _free_port()
    settings = Settings(
        attachments_dir=str(folder / "files"),
        trusted_roots=str(folder / "root.pem"),
        ncalayer_url=f"ws://127.0.0.1:{port}",
    ).with_database_path(folder / "tekseru.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS)
    db = app.state.tekseru.database()
    for username, role, region in USERS.values():
        create_user(
            db,
            Actor.system("tests"),
            username=username,
            full_name=username,
            role=role,
            region=region,
            password=PASSWORD,
        )
    signed = sign_records(db)
    official = issue_signer(pki, "АСҚАРОВ АЙБЕК / ДӘУЛЕТҰЛЫ", "880101300123", bin="100140011059")
    head = issue_signer(pki, "ДИРЕКТОР ОРТАЛЫҚ", "750505300555", bin=inspection_data.BINS[0])
    return Stand(app, settings, signed.inspection_id, signed.plan_id, port, pki, official, head)


@pytest.fixture
def as_user(stand: Stand) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(role: str) -> tuple[TestClient, str]:
        client = TestClient(stand.app)
        clients.append(client)
        return client, sign_in(client, USERS[role][0])

    yield make
    for client in clients:
        client.close()


def _openssl_cms(folder: Path, signer: Signer, document: bytes) -> bytes:
    (folder / "document.pdf").write_bytes(document)
    (folder / "signer.pem").write_bytes(pem(signer.certificate))
    (folder / "chain.pem").write_bytes(pem(signer.chain[0]))
    (folder / "signer.key").write_bytes(
        signer.key.private_bytes(
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
            "document.pdf",
            "-signer",
            "signer.pem",
            "-inkey",
            "signer.key",
            "-certfile",
            "chain.pem",
            "-outform",
            "DER",
            "-out",
            "document.pdf.cms",
        ],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return (folder / "document.pdf.cms").read_bytes()


def test_upload_a_cms_signature_made_by_openssl(stand: Stand, as_user: Any, tmp_path: Path) -> None:
    client, csrf = as_user("inspector")
    inspection_page = client.get(f"/inspections/{stand.inspection_id}?lang=kk")
    assert f"/inspections/{stand.inspection_id}/signatures" in inspection_page.text
    page = client.get(f"/inspections/{stand.inspection_id}/signatures?lang=kk")
    assert page.status_code == 200 and "Әзірге ешкім қол қойған жоқ." in page.text
    assert "ws://127.0.0.1:" in page.headers["content-security-policy"]
    sha = re.search(r'name="document_sha256" value="([0-9a-f]{64})"', page.text)
    assert sha, page.text
    document = client.get(f"/inspections/{stand.inspection_id}/signatures/document?document=kk")
    assert document.headers["x-document-sha256"] == sha.group(1) and document.content.startswith(b"%PDF")
    signature = _openssl_cms(tmp_path, stand.official, document.content)
    answer = client.post(
        f"/inspections/{stand.inspection_id}/signatures",
        data={"csrf_token": csrf, "document_sha256": sha.group(1), "document_language": "kk"},
        files={"signature": ("document.pdf.cms", signature, "application/pkcs7-signature")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    shown = client.get(answer.headers["location"] + "&lang=ru")
    assert "Подпись проверена и принята." in shown.text
    assert "АСҚАРОВ АЙБЕК ДӘУЛЕТҰЛЫ" in shown.text and "880101300123" in shown.text
    assert "действительна" in shown.text
    # The signature is inside the PDF now, and the next signer is handed the revision after it.
    signed = client.get(f"/inspections/{stand.inspection_id}/signatures/signed?document=kk")
    assert signed.headers["content-type"] == "application/pdf"
    (inside,) = verify_pdf(signed.content, TrustSettings()).signers
    assert inside.identity.iin == "880101300123" and inside.unchanged
    assert re.search(r"inspection-\d{2}-\d{4}-\d{4}-kk-signed\.pdf", shown.text)  # by its number
    next_sha = re.search(r'name="document_sha256" value="([0-9a-f]{64})"', shown.text)
    assert next_sha and next_sha.group(1) != sha.group(1)
    # The same signature over another document (the Russian form) does not hold, and nothing is stored.
    page_ru = client.get(f"/inspections/{stand.inspection_id}/signatures?document=ru&lang=ru")
    sha_ru = re.search(r'name="document_sha256" value="([0-9a-f]{64})"', page_ru.text)
    assert sha_ru and sha_ru.group(1) != sha.group(1)
    refused = client.post(
        f"/inspections/{stand.inspection_id}/signatures",
        data={"csrf_token": csrf, "document_sha256": sha_ru.group(1), "document_language": "ru"},
        files={"signature": ("document.pdf.cms", signature, "application/octet-stream")},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "не принята" in refused.text and "под другим документом" in refused.text
    hostile = client.post(
        f"/inspections/{stand.inspection_id}/signatures",
        data={"csrf_token": csrf, "document_sha256": sha.group(1), "document_language": "kk"},
        files={"signature": ("<b>x</b>.cms", b"\x00\xff" * 100, "application/octet-stream")},
        follow_redirects=False,
    )
    assert hostile.status_code == 422 and "<b>x</b>" not in hostile.text and "CMS" in hostile.text


def test_a_viewer_sees_signatures_but_cannot_sign(stand: Stand, as_user: Any) -> None:
    client, csrf = as_user("viewer")
    page = client.get(f"/plans/{stand.plan_id}/signatures?lang=en")
    assert page.status_code == 200 and "may read signatures but not sign" in page.text
    refused = client.post(
        f"/plans/{stand.plan_id}/signatures",
        data={"csrf_token": csrf, "document_sha256": "0" * 64, "signature_base64": "AAAA"},
        follow_redirects=False,
    )
    assert refused.status_code == 403


def test_the_api_hands_out_the_document_and_takes_a_signature(stand: Stand, as_user: Any) -> None:
    client, csrf = as_user("planner")
    headers = {"X-CSRF-Token": csrf}
    document = client.get(f"/api/v1/plans/{stand.plan_id}/signatures/document?language=ru")
    assert document.status_code == 200 and document.content.startswith(b"%PDF")
    sha = document.headers["x-document-sha256"]
    cms = sign_cms(document.content, load_key(stand.official.pkcs12(), KEY_PASSWORD))
    body = {"document_sha256": sha, "signature": base64.b64encode(cms).decode()}
    created = client.post(f"/api/v1/plans/{stand.plan_id}/signatures", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["valid"] is True and created.json()["signer_iin"] == "880101300123"
    again = client.post(f"/api/v1/plans/{stand.plan_id}/signatures", json=body, headers=headers)
    assert again.status_code == 422 and "қол қойып қойған" in again.json()["detail"]  # no language asked: kk
    in_russian = client.post(f"/api/v1/plans/{stand.plan_id}/signatures?lang=ru", json=body, headers=headers)
    assert in_russian.status_code == 422 and "уже подписал" in in_russian.json()["detail"], in_russian.text
    listed = client.get(f"/api/v1/plans/{stand.plan_id}/signatures").json()
    assert [(s["position"], s["valid"], s["problems"]) for s in listed] == [(1, True, [])]
    signed = client.get(f"/api/v1/plans/{stand.plan_id}/signatures/signed?language=ru")
    assert signed.status_code == 200 and signed.headers["content-type"] == "application/pdf"
    assert [s.identity.iin for s in verify_pdf(signed.content, TrustSettings()).signers] == ["880101300123"]
    after = client.get(f"/api/v1/plans/{stand.plan_id}/signatures/document?language=ru")
    assert after.headers["x-document-sha256"] != sha and after.content.startswith(signed.content[:1000])
    stranger = sign_cms(
        document.content,
        load_key(issue_signer(make_pki("x"), "БӨТЕН", "850505300111").pkcs12(), KEY_PASSWORD),
    )
    body = {"document_sha256": sha, "signature": base64.b64encode(stranger).decode()}
    refused = client.post(f"/api/v1/plans/{stand.plan_id}/signatures", json=body, headers=headers)
    assert (
        refused.status_code == 422 and "сенімді түбірлік сертификатқа жеткізбейді" in refused.json()["detail"]
    )


# In the browser ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(stand: Stand) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(stand.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="signatures-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the live server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Any, live: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live, service_workers="block")
    with httpx.Client(base_url=live) as http:
        response = http.post(
            "/api/v1/auth/login", json={"username": USERS["inspector"][0], "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        cookie = http.cookies["tekseru_session"]
    context.add_cookies([{"name": "tekseru_session", "value": cookie, "url": live}])
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    errors: list[str] = []
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.errors = errors
    yield opened
    context.close()


@pytest.mark.browser
def test_without_ncalayer_the_page_offers_the_upload(stand: Stand, page: Any) -> None:
    page.goto(f"/inspections/{stand.inspection_id}/signatures?lang=ru&document=ru", wait_until="load")
    page.wait_for_timeout(500)  # the page has tried NCALayer's address, where nothing listens
    assert page.locator("#ncalayer").is_hidden()
    assert page.locator("#ncalayer-absent").is_visible()
    assert page.locator("#upload-signature").is_visible()


@pytest.mark.browser
def test_sign_through_ncalayer(stand: Stand, page: Any) -> None:
    key = load_key(stand.head.pkcs12(), KEY_PASSWORD)
    with running(key, stand.ncalayer_port) as ncalayer:
        page.goto(f"/inspections/{stand.inspection_id}/signatures?lang=kk&document=kk", wait_until="load")
        page.locator("#ncalayer").wait_for(state="visible")
        assert page.locator("#ncalayer-status").inner_text() == "NCALayer осы компьютерде жауап береді."
        assert page.locator("#ncalayer-absent").is_hidden()
        page.locator("#ncalayer-sign").click()
        page.wait_for_url(re.compile(r"done=signed"))
        assert page.locator(".success").inner_text() == "Қолтаңба тексеріліп, қабылданды."
        row = page.locator("tr.signature", has_text="ДИРЕКТОР ОРТАЛЫҚ")
        assert "жарамды" in row.inner_text() and inspection_data.BINS[0] in row.inner_text()
        (request,) = ncalayer.requests
        assert request["module"] == "kz.gov.pki.knca.commonUtils"
        assert request["method"] == "createCAdESFromBase64"
        assert request["args"][:2] == ["PKCS12", "SIGNATURE"] and request["args"][3] is False
        assert base64.b64decode(request["args"][2]).startswith(b"%PDF")
        # Cancelled in NCALayer: the page says so and stores nothing.
        signed = page.locator("tr.signature").count()
        ncalayer.cancel = True
        page.goto(f"/inspections/{stand.inspection_id}/signatures?lang=kk&document=ru", wait_until="load")
        page.locator("#ncalayer").wait_for(state="visible")
        page.locator("#ncalayer-sign").click()
        page.locator("#ncalayer-status", has_text="action.canceled").wait_for()
        assert page.locator("tr.signature").count() == signed  # the kk signatures, shown beside the ru form
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_signature_page_has_no_serious_accessibility_violation(
    stand: Stand, page: Any, lang: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"/inspections/{stand.inspection_id}/signatures?lang={lang}", wait_until="load")
    assert page.locator("#upload-signature").count() == 1
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
