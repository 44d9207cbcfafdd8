"""Reading CSV (BOM or not, comma or semicolon) and XLSX tables; file-level errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from tekseru.intake import Columns, ErrorKind, ImportFileError, Upload, open_table

WriteFile = Callable[..., Path]

COLUMNS = Columns(required=("bin", "name"), optional=("address",))


def _read(path: Path, columns: Columns = COLUMNS) -> list[tuple[int, dict[str, str]]]:
    with open_table(path, columns) as table:
        return [(row.number, row.values) for row in table.rows]


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (",", True), (";", False), (";", True)])
def test_csv_with_or_without_bom_and_either_separator(
    write_csv: WriteFile, delimiter: str, bom: bool
) -> None:
    path = write_csv("t.csv", [["BIN", " Name "], ["1", "Ақ жол, ЖШС"]], delimiter=delimiter, bom=bom)
    with open_table(path, COLUMNS) as table:
        assert (table.header, table.delimiter, table.total) == (("BIN", " Name "), delimiter, 1)
        assert [(row.number, row.values) for row in table.rows] == [(2, {"bin": "1", "name": "Ақ жол, ЖШС"})]


def test_rows_are_numbered_as_in_the_file_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\nbin,name\n1,a\n\n ,  \n2, b \n", encoding="utf-8")
    assert _read(path) == [(3, {"bin": "1", "name": "a"}), (6, {"bin": "2", "name": "b"})]


def test_optional_columns_may_be_absent_or_short(write_csv: WriteFile) -> None:
    path = write_csv("t.csv", [["name", "address", "bin"], ["a"]])
    assert _read(path) == [(2, {"name": "a", "address": "", "bin": ""})]


def test_unknown_columns_are_ignored_and_extra_values_counted(write_csv: WriteFile) -> None:
    path = write_csv("t.csv", [["bin", "name", "note"], ["1", "a", "x", "y", ""]])
    with open_table(path, COLUMNS) as table:
        [row] = list(table.rows)
    assert row.values == {"bin": "1", "name": "a"}
    assert row.cells == ("1", "a", "x", "y", "")
    assert row.extra_values == 1


def test_a_missing_required_column_is_named_at_row_1(write_csv: WriteFile) -> None:
    path = write_csv("subjects.csv", [["address"], ["x"]])
    with pytest.raises(ImportFileError) as raised:
        _read(path)
    assert [str(error) for error in raised.value.errors] == [
        "subjects.csv, row 1, bin: required column is missing (the header has: address)",
        "subjects.csv, row 1, name: required column is missing (the header has: address)",
    ]
    assert {error.kind for error in raised.value.errors} == {ErrorKind.MISSING_COLUMN}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"\n\n", "the file is empty; it needs a header row: bin,name"),
        ("old.xls", b"whatever", "cannot read .xls: save it as .csv or .xlsx"),
        ("broken.xlsx", b"not a zip", "cannot read the file as an Excel workbook (.xlsx)"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as raised:
        _read(path)
    [error] = raised.value.errors
    assert (error.file, error.row, error.field, error.kind) == (name, None, None, ErrorKind.UNREADABLE_FILE)
    assert message in error.message


def test_a_damaged_workbook_is_refused_in_the_readers_words_alone(tmp_path: Path) -> None:
    """The library's English reason ("File is not a zip file") is for the log, not for a kk or ru reader."""
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(ImportFileError) as raised:
        _read(path)
    [error] = raised.value.errors
    for language, words in (("kk", "Excel кітабы (.xlsx) ретінде оқылмайды"), ("ru", "книга Excel (.xlsx)")):
        said = error.text(language)
        assert words in said and not re.search(r"[A-Za-z]{3,}", said.replace("Excel", "").replace("xlsx", ""))


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="there is no file"):
        _read(tmp_path / "nowhere.csv")


def test_xlsx_first_sheet_with_typed_cells(write_xlsx: WriteFile) -> None:
    path = write_xlsx(
        "t.xlsx",
        [
            [None, None],
            ["bin", "name", "address"],
            [40340001283, "a", date(2024, 3, 1)],
            [None, None, None],
            ["040340001283", 12.0, datetime(2024, 3, 1, 10, 30)],
            [True, 1.5, None],
        ],
    )
    with open_table(path, COLUMNS) as table:
        rows = [(row.number, row.values) for row in table.rows]
        assert table.total == 4
    assert rows == [
        (3, {"bin": "040340001283", "name": "a", "address": "2024-03-01"}),
        (5, {"bin": "040340001283", "name": "12", "address": "2024-03-01T10:30:00"}),
        (6, {"bin": "true", "name": "1.5", "address": ""}),
    ]


def test_xlsx_missing_column(write_xlsx: WriteFile) -> None:
    path = write_xlsx("t.xlsx", [["name"], ["a"]])
    with pytest.raises(ImportFileError, match=r"t.xlsx, row 1, bin: required column is missing"):
        _read(path)


@pytest.mark.parametrize(
    "content",
    [
        "bin,name\n1,a\n2,b\x00\n".encode("utf-16"),
        "bin;name\n1;Ромашка\n".encode("cp1251"),
        b'bin,name\n1,"a\n',
        b"name\n1\n",
    ],
)
def test_bytes_with_a_name_read_as_the_file_would_be(tmp_path: Path, content: bytes) -> None:
    """An upload or the demo's CSV is read from its bytes, named in errors as the file of that name."""
    path = tmp_path / "upload.csv"
    path.write_bytes(content)

    def outcome(source: Path | Upload) -> object:
        try:
            with open_table(source, COLUMNS) as table:
                return (
                    table.file,
                    table.encoding,
                    [(row.number, row.values, row.errors) for row in table.rows],
                )
        except ImportFileError as error:
            return [(problem.file, problem.row, problem.field, problem.message) for problem in error.errors]

    assert outcome(Upload("upload.csv", content)) == outcome(path)
    assert "upload.csv" in str(outcome(path))


def test_a_workbook_read_from_its_bytes(write_xlsx: WriteFile) -> None:
    path = write_xlsx("t.xlsx", [["bin", "name"], ["1", "a"], ["2", "b"]])
    with open_table(Upload("sent.xlsx", path.read_bytes()), COLUMNS) as table:
        assert table.file == "sent.xlsx"
        assert [(row.number, row.values) for row in table.rows] == [
            (2, {"bin": "1", "name": "a"}),
            (3, {"bin": "2", "name": "b"}),
        ]
