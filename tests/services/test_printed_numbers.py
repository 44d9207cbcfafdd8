"""A printed form names its inspection by the number it goes by (region-year-sequence), not the database id:
in its seal block, in the answer of `verify` and in its file name; and a form sealed with the older wording
(the id) still verifies. File names stay safe on every system whatever a number holds."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from tekseru.documents.checklist_form import DocumentIdentity, FormHeader, build_checklist_form
from tekseru.documents.rendering import CHECKLIST, render
from tekseru.documents.verification import seal_of
from tekseru.http.files import disposition
from tekseru.services import inspections
from tekseru.services.auth import actor_of
from tekseru.services.file_names import ascii_name, download_name
from tekseru.services.inspections.forms import form_file_name
from tekseru.store import Database
from tekseru.store.documents_store import DocumentData, record_document
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import EDITION, NOW, SYSTEM, add_subjects, inspect, number_of


@pytest.fixture
def ids(database: Database) -> dict[int, int]:
    return add_subjects(database)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> str:
    """The text of every page, without white space: the seal block wraps its narrow column anywhere."""
    return squash(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(content)).pages))


@pytest.mark.parametrize(
    ("language", "said"), [("kk", "тексеру № {n}, 1-редакция"), ("ru", "проверка № {n}, редакция 1")]
)
def test_the_seal_block_the_answer_of_verify_and_the_file_name_use_the_number(
    database: Database, ids: dict[int, int], tmp_path: Path, language: str, said: str
) -> None:
    record = inspect(database, 0, non_compliant=[1])
    number = number_of(database, record.id)
    assert re.fullmatch(r"\d{2}-\d{4}-\d{4}", number) and number != str(record.id)
    content, name, code = inspections.print_inspection(
        database, SYSTEM, record.id, format="pdf", language=language, now=NOW, catalogue=CATALOGUE
    )
    assert name == f"inspection-{number}-{language}.pdf" and code is not None
    assert squash(said.format(n=number)) in pdf_text(content)  # "Document: inspection No. ..."
    check = inspections.verify_file(database, SYSTEM, name, content)
    assert (check.status, check.inspection_id, check.inspection_number) == ("ok", record.id, number)
    for reader, words in (("kk", "тексеру № {n}, 1-редакция"), ("ru", "проверка № {n}, редакция 1")):
        assert words.format(n=number) in check.said(reader)  # said again in the reader's language
    assert f"№ {record.id}," not in check.said("ru")


def test_a_form_sealed_with_the_older_wording_still_verifies(
    database: Database, ids: dict[int, int], tmp_path: Path
) -> None:
    """Before the change the seal block said the database id ("тексеру № 7, 1-редакция"), and that text is
    part of what the fingerprint hashes: the file is built here as tekseru built it then, and recorded as it
    was then; it verifies, and its reference is said in the reader's language."""
    record = inspect(database, 0, non_compliant=[1])
    old_reference = f"тексеру № {record.id}, 1-редакция"
    form = build_checklist_form(
        EDITION,
        record.appendix,
        "kk",
        header=FormHeader(subject_name="old"),
        identity=DocumentIdentity(old_reference, record.inspected_on),
    )
    content, seal = render(CHECKLIST, "pdf", form), seal_of(form)
    assert seal is not None and squash(old_reference) in pdf_text(content)
    new_reference = f"тексеру № {number_of(database, record.id)}, 1-редакция"
    new_form = replace(form, identity=DocumentIdentity(new_reference, record.inspected_on))
    assert seal_of(new_form) != seal, "the wording is hashed: so recorded with the file, never recomputed"
    data = DocumentData(
        seal.code,
        seal.fingerprint,
        hashlib.sha256(content).hexdigest(),
        "pdf",
        "kk",
        record.appendix,
        record.id,
        old_reference,
        record.inspected_on,
    )
    with database.transaction() as session:
        record_document(session, data, created_by="before", now=datetime(2024, 6, 1, tzinfo=UTC))
    check = inspections.verify_file(database, SYSTEM, "old.pdf", content)
    assert (check.status, check.ok, check.code) == ("ok", True, seal.code)
    assert f"проверка № {record.id}, редакция 1" in check.said("ru")  # as it was issued
    assert check.inspection_number == number_of(database, record.id)  # and the inspection by its number
    changed = content.replace(b"/CreationDate (D:2024", b"/CreationDate (D:2023", 1)
    assert changed != content
    assert inspections.verify_file(database, SYSTEM, "changed.pdf", changed).status == "altered"


def test_a_corrected_form_names_the_revision_that_corrected_it(
    database: Database, ids: dict[int, int], tmp_path: Path
) -> None:
    first = inspect(database, 0, non_compliant=[1])
    content, _, _ = inspections.print_inspection(
        database, SYSTEM, first.id, format="pdf", language="kk", now=NOW, catalogue=CATALOGUE
    )
    second = inspections.revise_inspection(database, SYSTEM, first.id, reason="r")
    inspections.complete_inspection(
        database, SYSTEM, second.id, inspected_on=first.inspected_on, today=NOW.date(), catalogue=CATALOGUE
    )
    number = number_of(database, first.id)
    check = inspections.verify_file(database, SYSTEM, "form.pdf", content)
    assert check.corrected_by == second.id and check.corrected_by_revision == 2
    assert f"{number} тексеруінің 2-редакциясымен" in check.said("kk")
    assert f"редакцией 2 проверки {number}" in check.said("ru")
    assert number_of(database, second.id) == number  # a revision goes by the number of its inspection


@pytest.mark.parametrize(
    ("number", "name", "plain"),
    [
        ("ABAI-2027-0001", "inspection-ABAI-2027-0001-kk.pdf", "inspection-ABAI-2027-0001-kk.pdf"),
        ("ШҚО/2027/0001", "inspection-ШҚО-2027-0001-kk.pdf", "inspection-SHQO-2027-0001-kk.pdf"),
        ('../a:b\\c*?"<>|\x00 ', "inspection-a-b-c-kk.pdf", "inspection-a-b-c-kk.pdf"),
        ("Әже-Ұлы ё", "inspection-Әже-Ұлы-ё-kk.pdf", "inspection-Azhe-Uly-e-kk.pdf"),
    ],
)
def test_file_names_are_safe_on_every_system(number: str, name: str, plain: str) -> None:
    assert form_file_name(number, "kk", "pdf") == name
    assert ascii_name(name) == plain and plain.isascii()
    assert not re.search(r'[/\\:*?"<>|\x00-\x1f]', name)
    said = disposition(name)
    assert said.startswith(f'attachment; filename="{plain}"')
    if name != plain:  # the UTF-8 name too, percent-encoded (RFC 6266, RFC 8187)
        from urllib.parse import unquote

        star = said.split("filename*=UTF-8''", 1)[1]
        assert unquote(star) == name and star.isascii() and " " not in star and ";" not in star
    assert download_name("", suffix="pdf") == "document.pdf"


def test_a_subject_downloads_its_form_named_by_the_number(database: Database, ids: dict[int, int]) -> None:
    from tekseru.services import portal
    from tekseru.services.accounts import create_user, get_user
    from tests.services.inspection_data import BINS
    from tests.web.support import CHEAP_PASSWORDS

    record = inspect(database, 0, non_compliant=[1])
    create_user(
        database,
        SYSTEM,
        username="own",
        full_name="own",
        role="subject",
        bins=[BINS[0]],
        passwords=CHEAP_PASSWORDS,
        regions=CATALOGUE.regions,
    )
    own = actor_of(get_user(database, SYSTEM, "own"))
    content, name = portal.print_own_inspection(
        database, own, record.id, format="pdf", language="ru", now=NOW, catalogue=CATALOGUE
    )
    assert name == f"inspection-{number_of(database, record.id)}-ru.pdf" and content.startswith(b"%PDF")
    check = inspections.verify_file(database, SYSTEM, name, content)
    assert check.ok and check.inspection_number == number_of(database, record.id)
