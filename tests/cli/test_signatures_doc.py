"""Every command of docs/signatures.md runs as written, in a folder holding what the page names: a sealed
form and a list issued by tekseru, two signers' PKCS#12 keys, the test root and a CRL."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from tekseru.services import inspections, plans
from tekseru.store import open_database
from tests.catalogue import CATALOGUE
from tests.services.audit_data import INSPECTOR, PLANNER, sign_records
from tests.signing_pki import issue_signer, make_pki, pem, revocation_list, write_signer_files
from tests.test_docs import run

DOC = Path(__file__).parents[2] / "docs" / "signatures.md"


def doc_commands() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)
    return [shlex.split(line) for block in blocks for line in block.splitlines() if line.strip()]


def _folder(folder: Path) -> None:
    database = open_database(f"sqlite:///{folder / 'tekseru.sqlite3'}")
    try:
        signed = sign_records(database)
        form, _, _ = inspections.print_inspection(
            database, INSPECTOR, signed.inspection_id, format="pdf", language="kk", catalogue=CATALOGUE
        )
        plan, _ = plans.plan_document(
            database,
            PLANNER,
            signed.plan_id,
            format="xlsx",
            language="kk",
            catalogue=CATALOGUE,
            zone="Asia/Almaty",
        )
    finally:
        database.close()
    (folder / "form.pdf").write_bytes(form)
    (folder / "plan-1-kk.xlsx").write_bytes(plan)
    pki = make_pki()
    official = issue_signer(pki, "АСҚАРОВ АЙБЕК / ДӘУЛЕТҰЛЫ", "880101300123", bin="100140011059")
    write_signer_files(folder, official, "official")
    write_signer_files(
        folder, issue_signer(pki, "ДИРЕКТОР ОРТАЛЫҚ", "750505300555", bin="190150000004"), "head"
    )
    (folder / "root.pem").write_bytes(pem(pki.root.certificate))
    (folder / "nca.crl").write_bytes(
        revocation_list(pki, [issue_signer(pki, "БАСҚА", "900101300111").certificate])
    )


def test_the_commands_of_the_signatures_page_run_as_written(tmp_path: Path) -> None:
    commands = doc_commands()
    assert [c[:2] for c in commands].count(["tekseru", "sign"]) == 3
    _folder(tmp_path)
    outputs = []
    for command in commands:
        done = run(tmp_path, command)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        outputs.append(done.stdout)
    assert "Барлық қолтаңба жарамды." in outputs[2]
    report = json.loads(outputs[3])
    assert report["ok"] and [s["iin"] for s in report["signatures"]["signers"]] == [
        "880101300123",
        "750505300555",
    ]
    documented = re.search(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert documented and set(json.loads(documented.group(1))) == set(report)
    assert set(json.loads(documented.group(1))["signatures"]["signers"][0]) == set(
        report["signatures"]["signers"][0]
    )
    assert "Every signature holds." in outputs[5]
