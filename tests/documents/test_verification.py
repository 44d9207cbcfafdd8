"""Verification codes: derived from the form's content, carried by PDF and DOCX, read back and checked."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from tekseru.catalog import CatalogueEdition
from tekseru.documents.checklist_form import (
    ChecklistForm,
    Compliance,
    DocumentIdentity,
    FormHeader,
    ItemAnswer,
    Requirement,
    build_checklist_form,
)
from tekseru.documents.rendering import render
from tekseru.documents.verification import (
    PAYLOAD_PREFIX,
    Seal,
    VerificationStatus,
    check_document,
    document_fingerprint,
    normalise_code,
    qr_code_png,
    read_verification,
    seal_of,
    verification_code,
)
from tests.documents.checklist_cases import write_form

CODE = re.compile(r"TK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
IDENTITY = DocumentIdentity("inspection 2024-0042", date(2024, 3, 20))
HEADER = FormHeader(subject_name="«Мейірім» орталығы КММ", subject_identifier="990740000683")


def form_with(
    edition: CatalogueEdition, compliance: Compliance, identity: DocumentIdentity = IDENTITY
) -> ChecklistForm:
    answers = {1: ItemAnswer(Requirement.REQUIRED, compliance), 2: ItemAnswer(Requirement.NOT_REQUIRED)}
    return build_checklist_form(edition, 2, "kk", header=HEADER, answers=answers, identity=identity)


@pytest.fixture(scope="module")
def form(edition: CatalogueEdition) -> ChecklistForm:
    return form_with(edition, Compliance.COMPLIANT)


@pytest.fixture(scope="module")
def documents(form: ChecklistForm, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sealed")
    return {
        "pdf": write_form(form, folder / "form.pdf"),
        "docx": write_form(form, folder / "form.docx"),
    }


def test_the_same_form_gives_the_same_fingerprint_and_code(
    edition: CatalogueEdition, form: ChecklistForm
) -> None:
    again = form_with(edition, Compliance.COMPLIANT)
    assert again is not form and document_fingerprint(again) == document_fingerprint(form)
    assert seal_of(again) == seal_of(form)
    assert re.fullmatch(r"[0-9a-f]{64}", document_fingerprint(form))
    assert CODE.fullmatch(verification_code(document_fingerprint(form)))


def test_a_changed_answer_changes_fingerprint_and_code(
    edition: CatalogueEdition, form: ChecklistForm
) -> None:
    changed = form_with(edition, Compliance.NON_COMPLIANT)
    assert document_fingerprint(changed) != document_fingerprint(form)
    assert verification_code(document_fingerprint(changed)) != verification_code(document_fingerprint(form))


@pytest.mark.parametrize(
    "change",
    [
        lambda f: dataclasses.replace(
            f, identity=DocumentIdentity("inspection 2024-0043", date(2024, 3, 20))
        ),
        lambda f: dataclasses.replace(
            f, identity=DocumentIdentity("inspection 2024-0042", date(2024, 3, 21))
        ),
        lambda f: dataclasses.replace(f, fields=f.fields[:-1]),
        lambda f: dataclasses.replace(f, title=f.title + "."),
        lambda f: dataclasses.replace(f, language="ru"),
    ],
    ids=["reference", "issue date", "header", "title", "language"],
)
def test_any_printed_change_changes_the_fingerprint(form: ChecklistForm, change) -> None:  # type: ignore[no-untyped-def]
    assert document_fingerprint(change(form)) != document_fingerprint(form)


def test_the_code_is_the_first_60_bits_in_crockford_base32() -> None:
    assert verification_code("0" * 64) == "TK-0000-0000-0000"
    assert verification_code("f" * 64) == "TK-ZZZZ-ZZZZ-ZZZZ"
    assert verification_code("0123456789abcdef" * 4) == "TK-04HM-ASW9-NF6Y"
    with pytest.raises(ValueError, match="64 lowercase hex"):
        verification_code("F" * 64)


@pytest.mark.parametrize(
    "typed", ["TK-7QH2-M0XA-93KD", "tk 7qh2 m0xa 93kd", "7QH2M0XA93KD", "TK-7QH2-MOXA-93KD"]
)
def test_a_code_typed_by_a_person_is_normalised(typed: str) -> None:
    assert normalise_code(typed) == "TK-7QH2-M0XA-93KD"


@pytest.mark.parametrize("typed", ["TK-7QH2-M0XA-93K", "TK-7QH2-M0XA-93K!", ""])
def test_what_is_not_a_code_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="not a verification code"):
        normalise_code(typed)


def test_a_blank_form_has_no_seal(edition: CatalogueEdition) -> None:
    assert seal_of(build_checklist_form(edition, 2, "kk")) is None


def test_the_payload_names_code_and_fingerprint(form: ChecklistForm) -> None:
    seal = seal_of(form)
    assert seal is not None
    assert seal.payload == f"{PAYLOAD_PREFIX}{seal.code}:{seal.fingerprint}"
    assert qr_code_png(seal).startswith(b"\x89PNG")


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_read_verification_finds_the_code_in_the_document(
    form: ChecklistForm, documents: dict, kind: str
) -> None:
    assert read_verification(documents[kind].read_bytes()) == seal_of(form)


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_document_checks_against_its_own_fingerprint_only(
    edition: CatalogueEdition, form: ChecklistForm, documents: dict, kind: str
) -> None:
    genuine = check_document(documents[kind].read_bytes(), document_fingerprint(form).upper())
    assert genuine.ok and genuine.status is VerificationStatus.GENUINE and genuine.seal == seal_of(form)
    other = document_fingerprint(form_with(edition, Compliance.NON_COMPLIANT))
    assert check_document(documents[kind].read_bytes(), other).status is VerificationStatus.MISMATCH


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_blank_document_is_unsealed(edition: CatalogueEdition, tmp_path: Path, kind: str) -> None:
    blank = build_checklist_form(edition, 3, "ru")
    data = render("checklist", kind, blank)
    assert read_verification(data) is None
    assert check_document(data, "0" * 64).status is VerificationStatus.UNSEALED


def test_a_code_edited_by_hand_breaks_the_seal(form: ChecklistForm, documents: dict, tmp_path: Path) -> None:
    seal = seal_of(form)
    assert seal is not None
    forged_code = "TK-0000-0000-0000"
    data = documents["pdf"].read_bytes().replace(seal.code.encode(), forged_code.encode())
    result = check_document(data, seal.fingerprint)
    assert result.status is VerificationStatus.BROKEN and result.seal == Seal(forged_code, seal.fingerprint)


def test_a_pdf_saved_again_without_metadata_is_read_from_its_text(
    form: ChecklistForm, documents: dict, tmp_path: Path
) -> None:
    writer = PdfWriter()
    for page in PdfReader(documents["pdf"]).pages:
        writer.add_page(page)
    buffer = BytesIO()
    writer.write(buffer)
    assert b"tekseru:verify" not in buffer.getvalue()
    assert read_verification(buffer.getvalue()) == seal_of(form)


def test_a_file_that_is_neither_pdf_nor_docx_is_refused() -> None:
    with pytest.raises(ValueError, match="neither a PDF nor a DOCX"):
        read_verification(b"tekseru")
