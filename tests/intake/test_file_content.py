"""A file that is no table (a PDF, an archive, an image renamed .csv or .xlsx) or is UTF-32 text is refused
for what it is, for every kind of import: its first bytes used to be read as the name of a column
("%pdf-1.4"), and UTF-32 as UTF-8 "cut in the middle of a character"."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli import import_commands
from tekseru.intake import Columns, ImportFileError, Upload, open_table, workbook_sheets
from tekseru.intake.evidence import EVIDENCE_COLUMNS
from tekseru.intake.rosters import DELIVERY_COLUMNS, FINDING_COLUMNS, ROSTER_COLUMNS
from tekseru.intake.subjects import SUBJECT_COLUMNS
from tekseru.services.inspections.answers import ANSWER_COLUMNS

KINDS = {
    "subjects": SUBJECT_COLUMNS,
    "evidence": EVIDENCE_COLUMNS,
    "answers": ANSWER_COLUMNS,
    "rosters": ROSTER_COLUMNS,
    "deliveries": DELIVERY_COLUMNS,
    "findings": FINDING_COLUMNS,
}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("subjects.csv", "bin,name,region,groups\n")
    return out.getvalue()


def _error(name: str, content: bytes, columns: Columns) -> ImportFileError:
    with pytest.raises(ImportFileError) as raised, open_table(Upload(name, content), columns):
        pass
    return raised.value


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize(
    ("content", "looks"),
    [
        (PDF, "PDF"),
        (_zip(), "ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "XLS"),
    ],
)
@pytest.mark.parametrize("name", ["fake.csv", "fake.xlsx"])
def test_a_file_that_is_no_table_is_refused_for_what_it_is(
    kind: str, content: bytes, looks: str, name: str
) -> None:
    [error] = _error(name, content, KINDS[kind]).errors
    assert (error.file, error.row, error.field, error.key) == (name, None, None, "not_a_table")
    assert error.describe("en").startswith(f"{name}: this is not a CSV or XLSX file (it looks like {looks}")
    assert error.describe("ru").startswith(f"{name}: это не файл CSV или XLSX (похож на {looks}")
    assert error.describe("kk").startswith(f"{name}: бұл CSV не XLSX файлы емес ({looks}")
    assert "%pdf" not in error.describe("en").lower()


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("mark", [codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE])
def test_utf32_is_refused_by_its_name(kind: str, mark: bytes) -> None:
    codec = "utf-32-le" if mark == codecs.BOM_UTF32_LE else "utf-32-be"
    content = mark + "bin,name,region,groups\n".encode(codec)
    [error] = _error("u.csv", content, KINDS[kind]).errors
    assert error.key == "utf32"
    assert (
        error.describe("en")
        == "u.csv: the file is in the UTF-32 encoding, which is not supported; save it as CSV UTF-8"
    )
    assert error.describe("ru").startswith("u.csv: файл в кодировке UTF-32, она не поддерживается")
    assert error.describe("kk").startswith("u.csv: файл қолдау көрсетілмейтін UTF-32 кодтауында")


def test_a_real_workbook_and_utf16_text_are_still_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["bin", "name", "region", "groups"])
    path = tmp_path / "s.xlsx"
    workbook.save(path)
    assert workbook_sheets(path) == [sheet.title]
    with open_table(path, SUBJECT_COLUMNS) as table:
        assert table.header == ("bin", "name", "region", "groups")
    utf16 = codecs.BOM_UTF16_LE + "bin,name,region,groups\n".encode("utf-16-le")
    with open_table(Upload("s.csv", utf16), SUBJECT_COLUMNS) as table:
        assert table.header == ("bin", "name", "region", "groups")


def test_choosing_a_sheet_of_a_pdf_named_xlsx_says_it_is_a_pdf() -> None:
    with pytest.raises(ImportFileError) as raised:
        workbook_sheets(Upload("fake.xlsx", PDF))
    assert raised.value.errors[0].key == "not_a_table"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kk", "fake.csv: бұл CSV не XLSX файлы емес (PDF файлына ұқсайды)"),
        ("ru", "fake.csv: это не файл CSV или XLSX (похож на PDF)"),
    ],
)
def test_the_command_line_says_a_pdf_is_no_table(tmp_path: Path, language: str, said: str) -> None:
    fake = tmp_path / "fake.csv"
    fake.write_bytes(PDF)
    result = CliRunner().invoke(
        import_commands.app, ["subjects", str(fake), "--db", str(tmp_path / "d.db"), "--lang", language]
    )
    assert result.exit_code == 1
    assert said in " ".join(result.output.split())
    assert "%pdf" not in result.output.lower()
