"""Exports on a SQLite file and PostgreSQL: every row of the filtered table in its order, cells that a
spreadsheet would run as formulas neutralised in CSV and XLSX (kept as they are in JSON), the permission
checked before a byte is written, and the rows read a chunk at a time."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

from tekseru.catalog.identifiers import demo_bins
from tekseru.services import exports
from tekseru.services.audit import AuditFilter
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.services.registry_queries import RunNotFound, SubjectSearch, SubjectSort
from tekseru.store import Database
from tekseru.store.subjects import upsert_subjects
from tests.catalogue import CATALOGUE
from tests.store.factories import NOW, subject

HOSTILE = ('=HYPERLINK("http://x","y")', "+7 701 000", "-1", "@SUM(A1)", "\tTab", "Ақ жол, «ЖШС»")
MORE_BINS = list(demo_bins(2500, prefix="1902400"))
PLANNER = Actor("t-planner", Role.PLANNER)


def _store(database: Database, count: int = 0) -> None:
    with database.transaction() as session:
        rows = [subject(i, name=name) for i, name in enumerate(HOSTILE)]
        rows += [subject(bin=bin, name=f"Provider {i:05d}") for i, bin in enumerate(MORE_BINS[:count])]
        upsert_subjects(session, rows, now=NOW)


def _csv(export: exports.TableExport, language: str = "ru") -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(b"".join(export.chunks("csv", language, CATALOGUE)).decode("utf-8-sig")))
    )


def test_csv_neutralises_formulas_and_json_keeps_the_text(database: Database) -> None:
    _store(database)
    export = exports.registry(database, PLANNER, SubjectSearch())
    header, *rows = _csv(export)
    assert header[:2] == ["БИН", "Наименование"]
    names = [row[1] for row in rows]
    assert names == [f"'{name}" if name[0] in "=+-@\t" else name for name in HOSTILE]
    items = json.loads(b"".join(export.chunks("json", "ru", CATALOGUE)))
    assert [item["name"] for item in items] == list(HOSTILE)


def test_xlsx_holds_text_never_a_formula(database: Database) -> None:
    from openpyxl import load_workbook

    _store(database)
    content = b"".join(exports.registry(database, PLANNER, SubjectSearch()).chunks("xlsx", "kk", CATALOGUE))
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == list(HOSTILE)
    assert {cell.data_type for cell in cells} == {"s"}  # strings: Excel shows them, runs none
    assert sheet.cell(1, 1).value == "БСН" and sheet.freeze_panes == "A2"


def test_every_row_in_the_pages_order_read_a_chunk_at_a_time(database: Database) -> None:
    _store(database, count=2500)
    export = exports.registry(database, PLANNER, SubjectSearch(), SubjectSort("name", reverse=True))
    rows = _csv(export, "en")[1:]
    assert len(rows) == 2500 + len(HOSTILE)
    providers = [row[1] for row in rows if row[1].startswith("Provider")]
    assert providers == sorted(providers, reverse=True)
    chunks = list(export.chunks("csv", "en", CATALOGUE))
    assert len(chunks) > 3  # written as it is read, not as one piece
    assert len(list(exports.registry(database, PLANNER, SubjectSearch(text="provider 0001")).rows())) == 10


def test_permissions_and_unknown_runs_are_refused_before_anything_is_written(database: Database) -> None:
    inspector = Actor("t-inspector", Role.INSPECTOR, "astana")
    with pytest.raises(PermissionDenied):
        exports.registry(database, inspector, SubjectSearch(region="shymkent"))
    with pytest.raises(PermissionDenied):
        exports.audit_log(database, PLANNER, AuditFilter())
    with pytest.raises(RunNotFound):
        exports.results(database, PLANNER, uuid.uuid4())
    with pytest.raises(ValueError, match="format"):
        list(exports.registry(database, PLANNER, SubjectSearch()).chunks("pdf", "kk", CATALOGUE))
    # The moment in the configured zone, as the pages show it (noon UTC is 17:00 in Almaty, UTC+5).
    export = exports.registry(database, PLANNER, SubjectSearch())
    assert export.file_name("csv", "UTC", NOW) == "tekseru-registry-20240630-1200.csv"
    assert export.file_name("csv", "Asia/Almaty", NOW) == "tekseru-registry-20240630-1700.csv"
    late = NOW.replace(hour=23, minute=27)
    assert export.file_name("xlsx", "Asia/Almaty", late) == "tekseru-registry-20240701-0427.xlsx"
