"""No text becomes a formula in a spreadsheet: the rule, and every CSV and XLSX export walked with hostile
subjects imported through the real importer, while the database, JSON and PDF keep the original text."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog_files import load_catalogue
from tekseru.cli.main import app
from tekseru.documents.spreadsheet_cells import FORMULA_PREFIXES, csv_writer, neutralise, set_text_or_number
from tekseru.store import Database
from tekseru.store.subjects import find_subject_by_bin
from tests.databases import database, database_url, postgres_server
from tests.web.support import _criteria

__all__ = ["database", "database_url", "postgres_server"]

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "+7 (701) 000-00-00 ЖШС",
    "-2+3 «Қамқор» КММ",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
BINS = list(demo_bins(len(HOSTILE), prefix="1902900"))


# The rule ---------------------------------------------------------------------------------------------


@given(st.text(max_size=30))
def test_no_neutralised_text_starts_like_a_formula_and_nothing_is_lost(text: str) -> None:
    safe = neutralise(text)
    assert isinstance(safe, str)
    assert not safe.startswith(FORMULA_PREFIXES)
    assert safe == text or safe == f"'{text}"
    assert (safe != text) == text.startswith(FORMULA_PREFIXES)


def test_every_prefix_and_other_values() -> None:
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{prefix}1+1") == f"'{prefix}1+1"
    assert neutralise("Қамқор = үй") == "Қамқор = үй"
    assert neutralise(-5) == -5 and neutralise(2.5) == 2.5 and neutralise(None) is None


def test_the_csv_writer_neutralises_every_cell() -> None:
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerows([["=1+1", "ok", 3], ["\t=2", "@x", "-"]])
    assert list(csv.reader(io.StringIO(out.getvalue()), delimiter=";")) == [
        ["'=1+1", "ok", "3"],
        ["'\t=2", "'@x", "'-"],
    ]


def test_an_xlsx_cell_is_text_never_a_formula(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row, value in enumerate(('=HYPERLINK("http://x","y")', "\r=1", "bell\x07", 42, 2.5), start=1):
        set_text_or_number(sheet.cell(row, 1), value)
    workbook.save(tmp_path / "cells.xlsx")
    assert "<f>" not in sheet_xml(tmp_path / "cells.xlsx")
    cells = [row[0] for row in load_workbook(tmp_path / "cells.xlsx").active.iter_rows()]  # type: ignore[union-attr]
    assert [cell.data_type for cell in cells] == ["s", "s", "s", "n", "n"]
    assert [cell.value for cell in cells] == ['=HYPERLINK("http://x","y")', "\r=1", "bell\ufffd", 42, 2.5]


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(
            archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")
        )


# Every export -------------------------------------------------------------------------------------------


@pytest.fixture
def tekseru(database: Database, database_url: str) -> Any:
    def run(*args: str, code: int = 0) -> Result:
        env = {"TEKSERU_DATABASE_URL": database_url, "COLUMNS": "200", "TEKSERU_STATE_BODY": ""}
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result

    return run


def test_hostile_names_are_text_in_every_export(tekseru: Any, database: Database, tmp_path: Path) -> None:
    edition = load_catalogue().edition_at(date.today())
    gross = _criteria(edition, "stationary_care", "gross")[0]
    observed = (date.today() - timedelta(days=30)).isoformat()
    subjects = tmp_path / "subjects.csv"
    with subjects.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bin", "name", "region", "address", "groups"])
        for bin, name in zip(BINS, HOSTILE, strict=True):
            writer.writerow([bin, name, "astana", "=1+2", "stationary_care"])
    tekseru("import", "subjects", str(subjects))
    evidence = tmp_path / "evidence.csv"
    with evidence.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bin", "criterion", "source_group", "observed_on", "reference", "confirmed"])
        for bin in BINS:
            writer.writerow([bin, gross, "", observed, "Act 1", ""])
        writer.writerow([BINS[0], "=1+1", "", observed, "@evil", ""])  # rejected: not a number
    rejected = tmp_path / "rejected.csv"
    tekseru("import", "evidence", str(evidence), "--skip-invalid", "--rejected", str(rejected))

    # The rejected-rows CSV.
    rows = list(csv.reader(io.StringIO(rejected.read_text(encoding="utf-8-sig"))))
    assert rows[1][2:6] == ["'=1+1", "", observed, "'@evil"]

    # `tekseru assess --format csv`: the names neutralised; read back without the mark, they are the same.
    printed = tekseru("assess", "--format", "csv").stdout
    names = {row["bin"]: row["name"] for row in csv.DictReader(io.StringIO(printed))}
    for bin, name in zip(BINS, HOSTILE, strict=True):
        assert names[bin] == f"'{name}"

    # The list: JSON keeps the text; XLSX has it as text, never a formula; the PDF prints it as it is.
    listed = json.loads(tekseru("plan", "2027-H1", "--format", "json").stdout)
    assert {row["name"] for row in listed["included"]} == set(HOSTILE)
    for language in ("kk", "ru"):
        xlsx, pdf = tmp_path / f"list-{language}.xlsx", tmp_path / f"list-{language}.pdf"
        tekseru("plans", "show", "1", "--format", "xlsx", "--lang", language, "--output", str(xlsx))
        tekseru("plans", "show", "1", "--format", "pdf", "--lang", language, "--output", str(pdf))
        assert "<f>" not in sheet_xml(xlsx)
        cells = [
            cell for sheet in load_workbook(xlsx).worksheets for row in sheet.iter_rows() for cell in row
        ]
        found = [cell for cell in cells if cell.value in HOSTILE or cell.value == "=1+2"]
        assert {cell.value for cell in found} == {*HOSTILE, "=1+2"}
        assert {cell.data_type for cell in found} == {"s"}
        # Cells wrap where they must, so compare without the line breaks.
        text = "".join("".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
        for name in HOSTILE:
            assert "".join(name.split()) in text, name

    # The database keeps the original names.
    with database.transaction() as session:
        for bin, name in zip(BINS, HOSTILE, strict=True):
            record = find_subject_by_bin(session, bin)
            assert record is not None and (record.name, record.address) == (name, "=1+2")
    shown = json.loads(tekseru("plans", "show", "1", "--format", "json").stdout)
    assert sorted(row["name"] for row in shown["included"]) == sorted(HOSTILE)
