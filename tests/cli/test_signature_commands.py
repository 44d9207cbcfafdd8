"""`tekseru sign` and `tekseru verify` with signatures, as an official and the head of a subject use them:
a sealed form signed in order and verified (its seal and each signature), in kk, ru and JSON; a list
signed with a detached CMS signature; and what verification refuses. On SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from tekseru.cli import checklist_commands, inspection_commands, signature_commands
from tekseru.store import Database
from tests.cli.reader_language import assert_reader_language
from tests.databases import database, database_url, postgres_server
from tests.services import inspection_data
from tests.services.audit_data import sign_records
from tests.signing_pki import Pki, Signer, issue_signer, make_pki, pem, revocation_list, write_signer_files

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()
HEAD_BIN = inspection_data.BINS[0]


@functools.cache  # one app, its click commands built once (tests/conftest.py)
def root_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.add_typer(inspection_commands.app, name="inspection")
    app.command("verify")(checklist_commands.verify)
    app.command("sign")(signature_commands.sign)
    return app


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def signers(pki: Pki) -> dict[str, Signer]:
    return {
        "official": issue_signer(pki, "АСҚАРОВ АЙБЕК / ДӘУЛЕТҰЛЫ", "880101300123", bin="100140011059"),
        "head": issue_signer(pki, "ДИРЕКТОР ОРТАЛЫҚ", "750505300555", bin=HEAD_BIN),
    }


@pytest.fixture
def keys(tmp_path: Path, pki: Pki, signers: dict[str, Signer]) -> Path:
    for stem, signer in signers.items():
        write_signer_files(tmp_path, signer, stem)
    (tmp_path / "root.pem").write_bytes(pem(pki.root.certificate))
    return tmp_path


@pytest.fixture
def invoke(database_url: str, tmp_path: Path) -> Any:
    env = {
        "TEKSERU_DATABASE_URL": database_url,
        "TEKSERU_ATTACHMENTS_DIR": str(tmp_path / "files"),
        "COLUMNS": "200",
        "TEKSERU_TRUSTED_ROOTS": "",
        "TEKSERU_REVOCATION_LISTS": "",
    }

    def run(*args: str, code: int = 0) -> Result:
        result = runner.invoke(root_app(), list(args), env=env)
        assert result.exit_code == code, (result.output, result.stderr)
        return result

    return run


def _form(invoke: Any, database: Database, folder: Path) -> Path:
    signed = sign_records(database)
    out = folder / "form.pdf"
    invoke("inspection", "print", str(signed.inspection_id), "--lang", "kk", "--output", str(out))
    return out


def test_a_form_signed_by_an_official_then_the_head(
    invoke: Any, database: Database, keys: Path, pki: Pki, signers: dict[str, Signer]
) -> None:
    form = _form(invoke, database, keys)
    one, two = keys / "form-1.pdf", keys / "form-2.pdf"
    signed = invoke(
        "sign",
        str(form),
        "--pkcs12",
        str(keys / "official.p12"),
        "--password-file",
        str(keys / "official.password"),
        "--output",
        str(one),
    )
    assert "form-1.pdf" in signed.stdout and "1" in signed.stdout
    invoke(
        "sign",
        str(one),
        "--pkcs12",
        str(keys / "head.p12"),
        "--password-file",
        str(keys / "head.password"),
        "--output",
        str(two),
        "--lang",
        "ru",
    )
    trust = ("--trust", str(keys / "root.pem"))
    read = invoke("verify", str(two), *trust).stdout
    assert read.startswith("қол қойылған: form-2.pdf"), read
    assert "одан кейін оған тек электрондық қолтаңбалар қосылған" in read
    assert "1. АСҚАРОВ АЙБЕК ДӘУЛЕТҰЛЫ, ЖСН 880101300123, БСН 100140011059" in read
    assert f"2. ДИРЕКТОР ОРТАЛЫҚ, ЖСН 750505300555, БСН {HEAD_BIN}" in read
    assert "Барлық қолтаңба жарамды." in read
    assert_reader_language(read)
    russian = invoke("verify", str(two), *trust, "--lang", "ru").stdout
    assert "Все подписи действительны." in russian and "ИИН 880101300123" in russian
    report = json.loads(invoke("verify", str(two), *trust, "--format", "json").stdout)
    assert report["ok"] is True and report["seal"]["status"] == "signed"
    assert [s["iin"] for s in report["signatures"]["signers"]] == ["880101300123", "750505300555"]
    assert all(
        s["unchanged"] and s["trusted"] and s["valid_at_signing"] for s in report["signatures"]["signers"]
    )
    # The order the act asks for holds; the reverse is a wrong order.
    invoke("verify", str(two), *trust, "--signer", "880101300123", "--signer", f"BIN{HEAD_BIN}")
    wrong = invoke(
        "verify",
        str(two),
        *trust,
        "--signer",
        "750505300555",
        "--signer",
        "880101300123",
        "--format",
        "json",
        code=1,
    )
    assert json.loads(wrong.stdout)["signatures"]["problems"] == ["wrong_order"]
    # No trusted root: nothing is trusted.
    untrusted = invoke("verify", str(two), "--lang", "en", code=1).stdout
    assert "does not chain to a trusted root" in untrusted and "The signatures do not hold." in untrusted
    # The head's certificate revoked by a CRL.
    (keys / "nca.crl").write_bytes(revocation_list(pki, [signers["head"].certificate]))
    revoked = invoke("verify", str(two), *trust, "--crl", str(keys / "nca.crl"), "--format", "json", code=1)
    assert [s["problems"] for s in json.loads(revoked.stdout)["signatures"]["signers"]] == [[], ["revoked"]]
    # A changed byte: the seal no longer matches and both signatures break.
    changed = keys / "changed.pdf"
    data = bytearray(two.read_bytes())
    at = data.index(b"/Producer")
    data[at + 1] = ord("p")
    changed.write_bytes(bytes(data))
    broken = json.loads(invoke("verify", str(changed), *trust, "--format", "json", code=1).stdout)
    assert all("changed" in s["problems"] for s in broken["signatures"]["signers"])


def test_a_list_gets_a_detached_cms_signature(invoke: Any, keys: Path) -> None:
    listed = keys / "plan-1-2027-H1-kk.xlsx"
    listed.write_bytes(b"PK\x03\x04 an approved list")
    for stem in ("official", "head"):
        invoke(
            "sign",
            str(listed),
            "--pkcs12",
            str(keys / f"{stem}.p12"),
            "--password-file",
            str(keys / f"{stem}.password"),
        )
    signature = Path(f"{listed}.cms")
    checked = invoke(
        "verify",
        str(listed),
        "--signature",
        str(signature),
        "--trust",
        str(keys / "root.pem"),
        "--lang",
        "ru",
    ).stdout
    assert "Подписавших отсоединённую подпись CMS: 2" in checked and "Все подписи действительны." in checked
    assert_reader_language(checked, "CMS")
    other = keys / "plan-2.xlsx"
    other.write_bytes(b"PK\x03\x04 another list")
    refused = invoke(
        "verify",
        str(other),
        "--signature",
        str(signature),
        "--trust",
        str(keys / "root.pem"),
        "--lang",
        "en",
        code=1,
    ).stdout
    assert refused.count("the signature is over another document") == 2
    # A signature file of another document is not extended.
    copy = keys / "other.cms"
    copy.write_bytes(signature.read_bytes())
    extended = invoke(
        "sign",
        str(other),
        "--pkcs12",
        str(keys / "official.p12"),
        "--password-file",
        str(keys / "official.password"),
        "--output",
        str(copy),
        "--lang",
        "ru",
        code=1,
    )
    assert "его подписи поставлены под другим документом" in extended.stderr


def test_refusals_are_named_in_the_readers_language(invoke: Any, database: Database, keys: Path) -> None:
    form = _form(invoke, database, keys)
    (keys / "wrong.password").write_text("not-it\n")
    wrong = invoke(
        "sign",
        str(form),
        "--pkcs12",
        str(keys / "official.p12"),
        "--password-file",
        str(keys / "wrong.password"),
        code=1,
    )
    assert (
        "official.p12" in wrong.stderr and "құпиясөз қате" in wrong.stderr and "Traceback" not in wrong.stderr
    )
    garbage = keys / "garbage.cms"
    garbage.write_bytes(b"\x00<not a signature>")
    bad = invoke("verify", str(form), "--signature", str(garbage), "--lang", "ru", code=1)
    assert "garbage.cms: не подпись CMS" in bad.stderr
    bad_root = keys / "bad-root.pem"
    bad_root.write_text("not a certificate")
    root = invoke("verify", str(form), "--trust", str(bad_root), "--lang", "en", code=1)
    assert "bad-root.pem: not an X.509 certificate" in root.stderr
    # An unsigned sealed form without signature options is checked as before: the seal alone.
    assert invoke("verify", str(form), "--lang", "en").stdout.startswith("ok:")
    # A signed form changed after signing is not signed again.
    signed = keys / "signed.pdf"
    invoke(
        "sign",
        str(form),
        "--pkcs12",
        str(keys / "official.p12"),
        "--password-file",
        str(keys / "official.password"),
        "--output",
        str(signed),
    )
    from tests.documents.test_signatures import _resealed

    resealed = keys / "resealed.pdf"
    resealed.write_bytes(_resealed(signed.read_bytes()))
    again = invoke(
        "sign",
        str(resealed),
        "--pkcs12",
        str(keys / "head.p12"),
        "--password-file",
        str(keys / "head.password"),
        "--lang",
        "kk",
        code=1,
    )
    assert "қол қойылған құжатты қайта мөрлеуге немесе өзгертуге болмайды" in again.stderr
    # Its seal: the issued file followed by more than signatures is altered, whatever the signatures say.
    seal = json.loads(invoke("verify", str(resealed), "--format", "json", code=1).stdout)["seal"]
    assert seal["status"] == "altered"
    assert (
        json.loads(invoke("verify", str(signed), "--format", "json", code=1).stdout)["seal"]["status"]
        == "signed"
    )
