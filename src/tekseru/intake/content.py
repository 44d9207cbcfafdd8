"""What a file to import holds, told from its first bytes before it is read as a table: a file that is no
table at all (a PDF, an image, an archive, an old Office document renamed .csv or .xlsx) or text in UTF-32
is refused with an error that says so, for every kind of import (`tekseru.intake.readers.open_table`),
instead of its first bytes being read as column names or as broken UTF-8."""

from __future__ import annotations

import codecs
import zipfile

from tekseru.intake.source import Source
from tekseru.intake.table import file_error

# The magic numbers of formats people upload by mistake, and the name the error gives each.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "XLS/DOC (Microsoft Office 97-2003)"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x1f\x8b", "GZIP"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7Z"),
    (b"\x7fELF", "ELF"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"{\\rtf", "RTF"),
)
ZIP_MARKS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
UTF32_MARKS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def check_content(path: Source) -> None:
    """ImportFileError when the file is not a CSV or XLSX table by its first bytes, or is UTF-32 text."""
    with path.open("rb") as handle:
        start = handle.read(16)
    if start.startswith(UTF32_MARKS):  # before UTF-16: UTF-32's little-endian mark starts with UTF-16's
        raise file_error(path, "utf32")
    looks = next((name for magic, name in SIGNATURES if start.startswith(magic)), None)
    if looks is None and start.startswith(ZIP_MARKS) and _is_other_archive(path):
        looks = "ZIP"
    if looks is not None:
        raise file_error(path, "not_a_table", format=looks)


def _is_other_archive(path: Source) -> bool:
    """Whether a ZIP file opens as one and is no Office Open XML workbook (an XLSX holds xl/workbook.xml); a
    damaged one is left to the workbook's reader, which says it is damaged."""
    try:
        with path.open("rb") as handle, zipfile.ZipFile(handle) as archive:  # its directory only
            return "xl/workbook.xml" not in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
