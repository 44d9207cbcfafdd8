"""Photos and files per checklist item (issue 15), on SQLite and PostgreSQL: where a photo was taken is
removed unless the inspector keeps it, what is kept is stored by its SHA-256, limits and a completed
inspection refuse with a message in kk and ru, the printed form's annex lists each item's files with their
hashes (read back from the PDF with pypdf), and the one-tap answers: "not applicable" is the act's "not
required", and the deadline proposed on a non-compliant item becomes its violation's deadline."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from PIL import ExifTags, Image
from pypdf import PdfReader

from tekseru.documents.checklist_form import build_checklist_form
from tekseru.i18n.telling import say_error
from tekseru.services import inspections
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import NOW, SYSTEM, TODAY, VISIT, add_subjects, answers, inspect

INSPECTOR = Actor.system("inspector")
MAKE = 0x010F  # the EXIF tag of the camera's maker: not a location, kept


def photo(*, gps: bool = True, size: tuple[int, int] = (64, 48), format: str = "JPEG") -> bytes:
    """A small photo whose EXIF names the camera and, with `gps`, where it was taken (Astana)."""
    exif = Image.Exif()
    exif[MAKE] = "TestCam"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 10.0, 0.0), 3: "E", 4: (71.0, 26.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=format, exif=exif.tobytes())
    return out.getvalue()


def exif_of(content: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(content)) as image:
        return image.getexif()


@pytest.fixture
def ids(database: Database) -> dict[int, int]:
    return add_subjects(database)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(attachments_dir=str(tmp_path / "files"))


def attach(database: Database, inspection_id: int, name: str, content: bytes, settings: Settings, **options):
    return inspections.attach_file(
        database,
        INSPECTOR,
        inspection_id,
        name,
        content,
        settings=settings,
        now=NOW,
        catalogue=CATALOGUE,
        **options,
    )


def test_a_photo_loses_its_location_and_is_kept_by_the_hash_of_what_is_kept(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    record = inspect(database, 0, visit=None)
    taken = photo()
    assert ExifTags.IFD.GPSInfo in exif_of(taken)
    added = attach(database, record.id, "IMG_0001.jpg", taken, settings, item=3)
    kept = inspections.attachment_path(added, settings).read_bytes()
    assert ExifTags.IFD.GPSInfo not in exif_of(kept) and exif_of(kept)[MAKE] == "TestCam"
    assert added.sha256 == hashlib.sha256(kept).hexdigest() != hashlib.sha256(taken).hexdigest()
    assert (added.item, added.size, added.media_type) == (3, len(kept), "image/jpeg")
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (64, 48)
    # Ticked "keep the location": kept byte for byte.
    located = attach(database, record.id, "IMG_0002.jpg", taken, settings, item=3, keep_location=True)
    assert inspections.attachment_path(located, settings).read_bytes() == taken
    assert located.sha256 == hashlib.sha256(taken).hexdigest()
    # A photo without a location is kept as it is.
    plain = photo(gps=False)
    assert (
        attach(database, record.id, "plain.jpg", plain, settings, item=5).sha256
        == hashlib.sha256(plain).hexdigest()
    )
    sheet = inspections.inspection_sheet(database, SYSTEM, record.id, catalogue=CATALOGUE, today=date.today())
    assert [a.file_name for a in sheet.items[2].attachments] == ["IMG_0001.jpg", "IMG_0002.jpg"]
    assert [a.file_name for a in sheet.items[4].attachments] == ["plain.jpg"]
    thumb = inspections.thumbnail_path(sheet.items[2].attachments[0], settings)
    with Image.open(thumb) as small:
        assert small.format == "JPEG" and max(small.size) <= 144


def test_a_png_loses_its_location_too(database: Database, ids: dict[int, int], settings: Settings) -> None:
    record = inspect(database, 0, visit=None)
    added = attach(database, record.id, "scan.png", photo(format="PNG"), settings, item=1)
    kept = inspections.attachment_path(added, settings).read_bytes()
    assert kept.startswith(b"\x89PNG") and ExifTags.IFD.GPSInfo not in exif_of(kept)


@pytest.mark.parametrize(
    ("language", "name", "content", "said"),
    [
        ("kk", "big.jpg", photo(size=(400, 300)), "байт, шектен"),
        ("ru", "run.exe", b"MZ", "не принимаются"),
        ("ru", "photo.jpg", b"%PDF-1.7", "содержимое не является файлом .jpg"),
    ],
)
def test_limits_refuse_with_a_message_in_kk_and_ru(
    database: Database,
    ids: dict[int, int],
    settings: Settings,
    language: str,
    name: str,
    content: bytes,
    said: str,
) -> None:
    record = inspect(database, 0, visit=None)
    limits = inspections.AttachmentLimits(max_bytes=2000)
    with pytest.raises(inspections.AttachmentRefused) as refused:
        attach(database, record.id, name, content, settings, item=2, limits=limits)
    assert said in say_error(language, refused.value) and name in say_error(language, refused.value)
    assert not Path(settings.attachments_dir).exists()


def test_attachments_of_a_completed_inspection_cannot_change(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    record = inspect(database, 0)
    with pytest.raises(inspections.InspectionFrozen) as refused:
        attach(database, record.id, "late.jpg", photo(), settings, item=3)
    assert "аяқталған, оны өзгертуге болмайды" in say_error("kk", refused.value)
    assert "завершена" in say_error("ru", refused.value)
    assert (
        inspections.inspection_sheet(database, SYSTEM, record.id, catalogue=CATALOGUE, today=date.today())
        .items[2]
        .attachments
        == ()
    )


def test_one_tap_answers_print_the_acts_four_columns_and_carry_the_deadline(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    record = inspect(database, 0, visit=None)
    given = answers(record.appendix, {2: "not_applicable"})
    given[4] = inspections.AnswerRow(5, "non_compliant", "no fire drill log", deadline=date(2024, 4, 1))
    given[0] = inspections.AnswerRow(1, "compliant", deadline=date(2024, 4, 1))  # not a violation: dropped
    inspections.answer_items(database, INSPECTOR, record.id, given, now=NOW, catalogue=CATALOGUE)
    sheet = inspections.inspection_sheet(database, SYSTEM, record.id, catalogue=CATALOGUE, today=date.today())
    assert sheet.items[1].answer is not None and sheet.items[1].answer.answer == "not_required"
    assert sheet.items[4].answer is not None and sheet.items[4].answer.deadline == date(2024, 4, 1)
    assert sheet.items[0].answer is not None and sheet.items[0].answer.deadline is None
    attach(database, record.id, "IMG_0001.jpg", photo(), settings, item=5)
    report = inspections.complete_inspection(
        database, INSPECTOR, record.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
    )
    assert [(v.item, v.deadline) for v in report.violations] == [(5, date(2024, 4, 1))]
    content, _, code = inspections.print_inspection(
        database, SYSTEM, record.id, format="pdf", language="ru", catalogue=CATALOGUE
    )
    assert code is not None
    stored = (
        inspections.inspection_sheet(database, SYSTEM, record.id, catalogue=CATALOGUE, today=date.today())
        .items[4]
        .attachments
    )
    reader = PdfReader(io.BytesIO(content))
    annex = reader.pages[-1].extract_text()
    assert "Приложение: прикреплённые фото и файлы" in annex
    assert "Пункт 5" in annex and "IMG_0001.jpg" in annex and stored[0].sha256 in annex
    # the size is said in the form's language, not with the English byte symbol "B"
    assert re.search(r"IMG_0001\.jpg \(\d[\d\s]* байт(а)?\)", annex) and " B)" not in annex, annex
    content, _, _ = inspections.print_inspection(
        database, SYSTEM, record.id, format="docx", language="kk", catalogue=CATALOGUE
    )
    cells = [
        cell.text
        for table in Document(io.BytesIO(content)).tables
        for row in table.rows
        for cell in row.cells
    ]
    assert any(re.fullmatch(r"IMG_0001\.jpg \(\d[\d\s]* байт\)", cell) for cell in cells), cells


def test_a_form_without_attachments_hashes_as_before(database: Database, ids: dict[int, int]) -> None:
    record = inspect(database, 0, visit=None)
    content, _, _ = inspections.print_inspection(
        database, SYSTEM, record.id, format="pdf", language="kk", catalogue=CATALOGUE
    )
    assert "SHA-256 hash" not in "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    blank = build_checklist_form(CATALOGUE.edition(record.edition_id), record.appendix, "kk")
    assert blank.annex is None and '"annex"' not in blank.canonical_json()
