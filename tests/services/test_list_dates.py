"""The date a list was approved and published is the day in the `time_zone` setting (Asia/Almaty by
default), on the printed list (XLSX, PDF) and in the public register: a list approved at 20:30 UTC on
20 December 2026 was approved on 21 December in Almaty. A list signed before this change, whose issued PDF
still says the UTC day, keeps verifying: signatures cover the issued file, which is kept and handed out
again as it was (never printed anew), and the audit's seal of a list covers its stored rows, not a
printed date."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tekseru.documents.rendering import PLAN, PlanDocument, render
from tekseru.documents.signatures import load_key, sign_cms, verify_pdf
from tekseru.services import audit, plans
from tekseru.services import document_signatures as signing
from tekseru.services.permissions import Actor
from tekseru.services.plans.printing import printable_plan, state_body
from tekseru.services.public_register import public_index, public_list
from tekseru.services.signature_files import files_folder
from tekseru.services.signatures import trust_settings
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.store.documents_store import keep_file
from tests.catalogue import CATALOGUE
from tests.services.plan_data import NOW, add_assessed_registry, no_history
from tests.signing_pki import PASSWORD, issue_signer, make_pki, pem

PLANNER = Actor.system("planner")
HEAD = Actor.system("Ә. Нұрғали")
EVENING_IN_UTC = datetime(2026, 12, 20, 20, 30, tzinfo=UTC)  # 01:30 on 21 December in Almaty
ZONE = "Asia/Almaty"


def approved_list(database: Database) -> int:
    add_assessed_registry(database)
    plan = plans.draft_plan(
        database, PLANNER, "2027-H1", visit_histories=no_history, now=NOW, catalogue=CATALOGUE
    )
    plans.approve_plan(database, HEAD, plan.id, now=EVENING_IN_UTC)
    return plan.id


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_approval_and_publication_dates_are_the_days_in_the_time_zone(
    database: Database, language: str
) -> None:
    plan_id = approved_list(database)
    stored = plans.get_plan(database, PLANNER, plan_id)
    assert stored.approval(ZONE) == ("Ә. Нұрғали", date(2026, 12, 21))
    assert stored.approval("UTC") == ("Ә. Нұрғали", date(2026, 12, 20))
    pdf, _ = plans.plan_document(
        database, PLANNER, plan_id, format="pdf", language=language, zone=ZONE, catalogue=CATALOGUE
    )
    assert "21.12.2026" in pdf_text(pdf) and "20.12.2026" not in pdf_text(pdf)
    xlsx, _ = plans.plan_document(
        database, PLANNER, plan_id, format="xlsx", language=language, zone=ZONE, catalogue=CATALOGUE
    )
    cells = " ".join(
        str(cell.value)
        for sheet in load_workbook(io.BytesIO(xlsx))
        for row in sheet.iter_rows()
        for cell in row
    )
    assert "21.12.2026" in cells and "20.12.2026" not in cells
    plans.publish_plan(database, PLANNER, plan_id, now=EVENING_IN_UTC, catalogue=CATALOGUE)
    listing = public_list(database, plan_id, zone=ZONE)
    assert (listing.approved_on, listing.published_on) == (date(2026, 12, 21), date(2026, 12, 21))
    assert [summary.published_on for summary in public_index(database, zone=ZONE)] == [date(2026, 12, 21)]
    assert public_list(database, plan_id, zone="UTC").approved_on == date(2026, 12, 20)


def test_a_list_signed_with_the_utc_date_still_verifies(database: Database, tmp_path: Path) -> None:
    pki = make_pki()
    (tmp_path / "root.pem").write_bytes(pem(pki.root.certificate))
    settings = Settings(attachments_dir=str(tmp_path / "files"), trusted_roots=str(tmp_path / "root.pem"))
    plan_id = approved_list(database)
    stored = plans.get_plan(database, PLANNER, plan_id)
    # Issued for signing before this change: printed with the day in UTC and kept as the signers' copy.
    edition = CATALOGUE.edition(stored.record.edition_id)
    old = render(
        PLAN,
        "pdf",
        PlanDocument(
            printable_plan(stored.plan, "ru", CATALOGUE.regions),
            language="ru",
            state_body=state_body(stored.plan, "ru", CATALOGUE.bodies),
            approval=("Ә. Нұрғали", EVENING_IN_UTC.date()),
            group_names={key: group.name.in_language("ru") for key, group in edition.groups.items()},
            reason_texts={
                number: " ".join(c.text.in_language("ru").split()) for number, c in edition.criteria.items()
            },
            number=stored.id,
            status=stored.record.status,
        ),
    )
    assert "20.12.2026" in pdf_text(old)
    sha256 = hashlib.sha256(old).hexdigest()
    keep_file(files_folder(settings, "plan", plan_id), f"{sha256}--plan-{plan_id}-2027-H1-ru.pdf", old)
    handed = signing.document_to_sign(
        database, PLANNER, "plan", plan_id, language="ru", catalogue=CATALOGUE, settings=settings
    )
    assert handed.content.startswith(old)  # the issued file, a signature field appended: not printed anew
    signer = issue_signer(pki, "АСҚАРОВ АЙБЕК", "880101300123", bin="100140011059")
    signature = sign_cms(handed.content, load_key(signer.pkcs12(), PASSWORD))
    signing.accept_signature(
        database,
        PLANNER,
        "plan",
        plan_id,
        document_sha256=handed.sha256,
        signature=signature,
        settings=settings,
    )
    content, _ = signing.signed_document(
        database, PLANNER, "plan", plan_id, language="ru", catalogue=CATALOGUE, settings=settings
    )
    report = verify_pdf(content, trust_settings(settings=settings))
    assert report.ok and [one.identity.iin for one in report.signers] == ["880101300123"]
    assert "20.12.2026" in pdf_text(content)
    assert audit.verify(database, Actor.system("admin")).ok
