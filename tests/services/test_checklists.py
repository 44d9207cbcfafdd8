"""The checklist of an inspection as files, on SQLite and PostgreSQL: answer files, attachments (limits and
sanitising), printed forms and their verification (ok, altered, unknown, unsealed) in PDF and DOCX."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook
from pypdf import PdfReader

from tekseru.catalog_files import control_body
from tekseru.documents.checklist_form import DocumentIdentity, build_checklist_form
from tekseru.documents.rendering import render
from tekseru.documents.verification import read_verification
from tekseru.services import inspections
from tekseru.services.file_names import sanitise_file_name
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import (
    BINS,
    EDITION,
    NOW,
    SUBJECTS,
    SYSTEM,
    add_subjects,
    inspect,
    number_of,
    write_answer_csv,
)

# The mark of an unsealed form, in both languages of the country (the catalogue's `document.form.draft_mark`).
DRAFT_MARK = "ЖОБА / ПРОЕКТ"


@pytest.fixture
def ids(database: Database) -> dict[int, int]:
    return add_subjects(database)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(attachments_dir=str(tmp_path / "files"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def document_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(paragraph.text for paragraph in document.paragraphs), *cells])


# Answer files ---------------------------------------------------------------------------------------------


def test_answers_are_read_from_csv_xlsx_and_json(tmp_path: Path) -> None:
    write_answer_csv(tmp_path / "a.csv", [(1, "compliant", ""), (2, "non_compliant", "no fire drill log")])
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (
        ("item", "answer", "comment"),
        (1, "compliant", None),
        (2, "non_compliant", "no fire drill log"),
    ):
        sheet.append(row)
    workbook.save(tmp_path / "a.xlsx")
    data = {
        "answers": [
            {"item": 1, "answer": "compliant"},
            {"item": 2, "answer": "non_compliant", "comment": "no fire drill log"},
        ]
    }
    (tmp_path / "a.json").write_text(json.dumps(data), encoding="utf-8")
    expected = [("1", "compliant", "", 2), ("2", "non_compliant", "no fire drill log", 3)]
    for name in ("a.csv", "a.xlsx"):
        rows = inspections.read_answer_file(tmp_path / name)
        assert [(r.item, r.answer, r.comment, r.row) for r in rows] == expected
    rows = inspections.read_answer_file(tmp_path / "a.json")
    assert [(r.item, r.answer, r.comment, r.row) for r in rows] == [
        (1, "compliant", "", 1),
        (2, "non_compliant", "no fire drill log", 2),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "item,comment\n1,x\n", "a.csv, row 1, answer: required column is missing"),
        ("a.json", "{", "a.json: cannot read the file as JSON"),
        ("a.json", '{"answers": 3}', "a.json: a JSON answer file is a list"),
        ("a.json", '[{"item": 1, "answr": "compliant"}]', "a.json, row 1: each answer is an object"),
        ("a.txt.exe", "x", "a.txt.exe: cannot read .exe"),
    ],
)
def test_an_unreadable_answer_file_is_named(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(inspections.AnswerFileError) as raised:
        inspections.read_answer_file(tmp_path / name)
    assert str(raised.value.problems[0]).startswith(message)


# Attachments ----------------------------------------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 10


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("photo.jpg", "photo.jpg"),
        ("../../etc/passwd.JPG", "passwd.jpg"),
        ("C:\\Users\\inspector\\Desktop\\фото 1.jpg", "фото 1.jpg"),
        ("..\\..\\.hidden.jpg", "hidden.jpg"),
        ("a\x00b\nc;rm -rf.jpg", "a_b_c_rm -rf.jpg"),
        ("Ақсу   <акт>.jpg", "Ақсу _акт.jpg"),
        ("x" * 300 + ".jpg", "x" * 116 + ".jpg"),
        (".jpg", "jpg"),
        ("...", "attachment"),
    ],
)
def test_file_names_are_sanitised(given: str, kept: str) -> None:
    assert sanitise_file_name(given) == kept


def test_an_attachment_is_kept_under_its_hash(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    record = inspect(database, 0, visit=None)
    added = inspections.attach_file(
        database,
        Actor.system("inspector"),
        record.id,
        "../../evil/photo.jpg",
        JPEG,
        item=3,
        settings=settings,
        now=NOW,
        catalogue=CATALOGUE,
    )
    digest = hashlib.sha256(JPEG).hexdigest()
    assert (added.file_name, added.media_type, added.size, added.sha256, added.item) == (
        "photo.jpg",
        "image/jpeg",
        len(JPEG),
        digest,
        3,
    )
    path = inspections.attachment_path(added, settings)
    assert path == Path(settings.attachments_dir) / "inspections" / digest[:2] / digest
    assert path.read_bytes() == JPEG and not (Path(settings.attachments_dir).parent / "evil").exists()
    again = inspections.attach_file(
        database, SYSTEM, record.id, "copy.jpg", JPEG, settings=settings, catalogue=CATALOGUE
    )
    assert inspections.attachment_path(again, settings) == path
    sheet = inspections.inspection_sheet(database, SYSTEM, record.id, catalogue=CATALOGUE, today=date.today())
    assert [a.file_name for a in sheet.items[2].attachments] == ["photo.jpg"]
    assert [a.file_name for a in sheet.attachments] == ["copy.jpg"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF-" + b"0" * 100, "more than the limit of 64"),
        ("run.exe", b"MZ", "type .exe are not accepted"),
        ("page.html", b"<html>", "type .html are not accepted"),
        ("photo.jpg", b"%PDF-1.7", "the content is not a .jpg file"),
        ("notes.txt", b"\xff\xfe\x00a", "the content is not a .txt file"),
        ("noext", b"x", "type (none) are not accepted"),
    ],
)
def test_attachments_over_the_limits_are_refused(
    database: Database, ids: dict[int, int], settings: Settings, name: str, content: bytes, message: str
) -> None:
    record = inspect(database, 0, visit=None)
    limits = inspections.AttachmentLimits(max_bytes=64)
    with pytest.raises(inspections.AttachmentRefused, match=re.escape(message)):
        inspections.attach_file(
            database, SYSTEM, record.id, name, content, settings=settings, limits=limits, catalogue=CATALOGUE
        )
    assert not Path(settings.attachments_dir).exists()


def test_the_number_of_attachments_and_their_item_are_checked(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    record = inspect(database, 0, visit=None)
    limits = inspections.AttachmentLimits(max_files=1)
    inspections.attach_file(
        database,
        SYSTEM,
        record.id,
        "a.txt",
        "акт".encode(),
        settings=settings,
        limits=limits,
        catalogue=CATALOGUE,
    )
    with pytest.raises(inspections.AttachmentRefused, match="has 1 files, the limit"):
        inspections.attach_file(
            database, SYSTEM, record.id, "b.txt", b"b", settings=settings, limits=limits, catalogue=CATALOGUE
        )
    with pytest.raises(inspections.InspectionError, match="no item 21"):
        inspections.attach_file(
            database, SYSTEM, record.id, "c.txt", b"c", item=21, settings=settings, catalogue=CATALOGUE
        )


def test_a_completed_inspection_takes_no_attachment(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    record = inspect(database, 0)
    with pytest.raises(inspections.InspectionFrozen):
        inspections.attach_file(
            database, SYSTEM, record.id, "a.jpg", JPEG, settings=settings, catalogue=CATALOGUE
        )


def test_a_revision_keeps_the_attachments(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    record = inspect(database, 0, visit=None)
    inspections.attach_file(
        database, SYSTEM, record.id, "a.jpg", JPEG, item=1, settings=settings, catalogue=CATALOGUE
    )
    inspections.complete_inspection(
        database,
        SYSTEM,
        record.id,
        inspected_on=date(2024, 3, 5),
        today=date(2024, 6, 30),
        catalogue=CATALOGUE,
    )
    second = inspections.revise_inspection(database, SYSTEM, record.id, reason="r")
    assert [
        a.file_name
        for a in inspections.inspection_sheet(
            database, SYSTEM, second.id, catalogue=CATALOGUE, today=date.today()
        )
        .items[0]
        .attachments
    ] == ["a.jpg"]


# Printed forms --------------------------------------------------------------------------------------------


def print_form(database: Database, inspection_id: int, format: str, language: str, out: Path) -> str | None:
    """The inspection's printed form written to `out`, as a user downloads it; its verification code."""
    content, name, code = inspections.print_inspection(
        database, SYSTEM, inspection_id, format=format, language=language, now=NOW, catalogue=CATALOGUE
    )
    assert name == f"inspection-{number_of(database, inspection_id)}-{language}.{format}"
    out.write_bytes(content)
    return code


def verify(database: Database, path: Path) -> inspections.DocumentCheck:
    return inspections.verify_file(database, SYSTEM, str(path), path.read_bytes())


@pytest.mark.parametrize(("format", "language"), [("pdf", "kk"), ("docx", "ru")])
def test_a_completed_inspection_prints_sealed_and_verifies(
    database: Database, ids: dict[int, int], tmp_path: Path, format: str, language: str
) -> None:
    record = inspect(database, 0, non_compliant=[1])
    out = tmp_path / f"form.{format}"
    code = print_form(database, record.id, format, language, out)
    assert code is not None
    text = document_text(out)
    assert SUBJECTS[0][0] in text and BINS[0] in text and "12-ПК" in text and code in text
    squashed = squash(text)
    assert squash(control_body("astana").name.in_language(language)) in squashed  # the subject's region
    assert "Асқаров" in text and "Петрова" in text  # the officials the act names
    assert squash(DRAFT_MARK) not in squashed
    check = verify(database, out)
    assert (check.status, check.ok, check.code, check.inspection_id) == ("ok", True, code, record.id)
    again = tmp_path / f"again.{format}"
    assert print_form(database, record.id, format, language, again) == code and verify(database, again).ok


@pytest.mark.parametrize("format", ["pdf", "docx"])
def test_an_altered_document_is_detected(
    database: Database, ids: dict[int, int], tmp_path: Path, format: str
) -> None:
    record = inspect(database, 0, non_compliant=[1])
    out = tmp_path / f"f.{format}"
    print_form(database, record.id, format, "kk", out)
    if format == "pdf":
        changed = out.read_bytes() + b"\n% an answer changed by hand\n"
        (tmp_path / "changed.pdf").write_bytes(changed)
    else:
        with zipfile.ZipFile(out) as source, zipfile.ZipFile(tmp_path / "changed.docx", "w") as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "word/document.xml":
                    data = data.replace(SUBJECTS[0][0].encode(), "«Басқа» ұйым".encode())
                target.writestr(item, data)
    check = verify(database, tmp_path / f"changed.{format}")
    assert (check.status, check.inspection_id) == ("altered", record.id)
    assert "content differs" in check.message


def test_a_forged_seal_is_detected(database: Database, ids: dict[int, int], tmp_path: Path) -> None:
    record = inspect(database, 0)
    out = tmp_path / "f.pdf"
    print_form(database, record.id, "pdf", "kk", out)
    seal = read_verification(out.read_bytes())
    assert seal is not None
    forged = out.read_bytes().replace(seal.fingerprint.encode(), b"0" * 64)
    (tmp_path / "forged.pdf").write_bytes(forged)
    check = verify(database, tmp_path / "forged.pdf")
    assert check.status == "altered" and "does not match" in check.message


@pytest.mark.parametrize("format", ["pdf", "docx"])
def test_a_document_not_issued_here_is_unknown(
    database: Database, ids: dict[int, int], tmp_path: Path, format: str
) -> None:
    form = build_checklist_form(EDITION, 3, "kk", identity=DocumentIdentity("elsewhere", date(2024, 1, 1)))
    path = tmp_path / f"elsewhere.{format}"
    path.write_bytes(render("checklist", format, form))
    check = verify(database, path)
    assert (check.status, check.ok, check.inspection_id) == ("unknown", False, None)


def test_a_draft_prints_unsealed(database: Database, ids: dict[int, int], tmp_path: Path) -> None:
    record = inspect(database, 0, non_compliant=[1], visit=None)
    out = tmp_path / "draft.pdf"
    assert print_form(database, record.id, "pdf", "ru", out) is None
    assert verify(database, out).status == "unsealed"
    pages = [page.extract_text() or "" for page in PdfReader(out).pages]
    assert all(DRAFT_MARK in page for page in pages)
    assert "Асқаров А." in " ".join(pages) and control_body("astana").name.ru in " ".join(pages)


def test_a_superseded_revision_stays_printable(
    database: Database, ids: dict[int, int], tmp_path: Path
) -> None:
    first = inspect(database, 0, non_compliant=[1])
    second = inspections.revise_inspection(database, SYSTEM, first.id, reason="r")
    inspections.complete_inspection(
        database,
        SYSTEM,
        second.id,
        inspected_on=date(2024, 3, 5),
        today=date(2024, 6, 30),
        catalogue=CATALOGUE,
    )
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    assert print_form(database, first.id, "docx", "kk", old) != print_form(
        database, second.id, "docx", "kk", new
    )
    check = verify(database, old)
    assert (check.status, check.inspection_id) == ("ok", first.id)
    assert f"corrected since by inspection {second.id}" in check.message
    assert "2-редакция" in document_text(new)


@pytest.mark.parametrize("format", ["pdf", "docx"])
def test_a_checklist_prints_blank_or_prefilled(
    database: Database, ids: dict[int, int], tmp_path: Path, format: str
) -> None:
    content, name = inspections.checklist_form(
        database, SYSTEM, 7, language="ru", format=format, catalogue=CATALOGUE, today=date.today()
    )
    assert name == f"checklist-7-ru.{format}"
    blank = tmp_path / name
    blank.write_bytes(content)
    assert EDITION.checklist(7).items[0].text.ru[:30] in " ".join(document_text(blank).split())
    content, _ = inspections.checklist_form(
        database,
        SYSTEM,
        3,
        bin=BINS[0],
        act_number="5-ПК",
        act_date=date(2024, 3, 1),
        language="kk",
        format=format,
        catalogue=CATALOGUE,
        today=date.today(),
    )
    filled = tmp_path / f"filled.{format}"
    filled.write_bytes(content)
    text = document_text(filled)
    assert SUBJECTS[0][0] in text and BINS[0] in text and "5-ПК" in text and "01.03.2024" in text
    assert squash(control_body("astana").name.kk) in squash(text)
    if format == "pdf":
        assert DRAFT_MARK in document_text(blank) and DRAFT_MARK in text
    assert verify(database, filled).status == "unsealed"


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"bin": BINS[9]}, inspections.SubjectNotFound, "is in the registry"),
        ({"bin": BINS[0], "appendix": 7}, inspections.InspectionError, "choose the checklist"),
        ({"format": "odt"}, ValueError, "prints as pdf or docx"),
        ({"language": "en"}, ValueError, "in kk or ru"),
    ],
)
def test_a_checklist_that_cannot_be_printed(
    database: Database, ids: dict[int, int], options: dict[str, Any], error: type, message: str
) -> None:
    values: dict[str, Any] = {"appendix": 3, "language": "kk", "format": "pdf"} | options
    appendix = values.pop("appendix")
    with pytest.raises(error, match=message):
        inspections.checklist_form(
            database, SYSTEM, appendix, catalogue=CATALOGUE, **values, today=date.today()
        )
