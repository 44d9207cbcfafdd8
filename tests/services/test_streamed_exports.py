"""The inspections and violations exports on a SQLite file and PostgreSQL, at more inspections than one
page: read a page at a time as the file is written (never the whole table), and read back (CSV, XLSX,
JSON) they hold exactly the rows, in the order, of the lists the API answers with (`list_inspections`,
`list_violations`), with the region and status filters; the BIN is checked before a byte is written."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import insert

from tekseru.catalog.identifiers import demo_bins
from tekseru.services import exports
from tekseru.services import inspections as inspection_use_cases
from tekseru.services.inspections import reading
from tekseru.services.inspections.rules import SubjectNotFound
from tekseru.services.permissions import Actor, Role
from tekseru.store import Database
from tekseru.store.inspection_models import InspectionData, InspectionViolation
from tekseru.store.inspections import add_inspection, complete
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects
from tests.catalogue import CATALOGUE
from tests.store.factories import NOW, subject

BINS = list(demo_bins(6, prefix="1902600"))
REGIONS = ("astana", "almaty_city")
INSPECTIONS = 400  # several pages of PAGE
PLANNER = Actor("t-planner", Role.PLANNER)
PAGE = 64  # the exports' page in these tests (1,000 in use): several pages without 10,000 inspections


def _store(database: Database) -> None:
    """INSPECTIONS completed inspections of six subjects in two regions, every third a draft; each completed
    one with a violation (open, overdue or eliminated) and every fifth with a second."""
    with database.transaction() as session:
        upsert_subjects(
            session, [subject(bin=bin, region=REGIONS[i % 2]) for i, bin in enumerate(BINS)], now=NOW
        )
        ids = subject_ids_by_bin(session, BINS)
        violations = []
        for number in range(INSPECTIONS):
            data = InspectionData(
                ids[BINS[number % 6]],
                "e",
                3,
                ("stationary_care",),
                "preventive_control",
                f"{number}-ПК",
                date(2024, 3, 1),
                ("Асқаров А.",),
            )
            record = add_inspection(session, data, created_by="t", now=NOW)
            if number % 3 == 2:
                continue  # a draft: listed, but found no violations
            complete(session, record.id, inspected_on=date(2024, 3, 5), completed_by="t", now=NOW)
            for item in (1, 5) if number % 5 == 0 else (1,):
                eliminated = number % 4 == 0
                violations.append(
                    {
                        "inspection_id": record.id,
                        "item": item,
                        "criterion": 3,
                        "deadline": date(2024, 8, 1) if number % 2 else date(2024, 12, 1),
                        "status": "eliminated" if eliminated else "open",
                        "eliminated_on": date(2024, 7, 1) if eliminated else None,
                        "note": "",
                        "updated_by": "t",
                        "updated_at": NOW,
                    }
                )
        session.execute(insert(InspectionViolation), violations)


def _read(export: exports.TableExport, format: str) -> list[list[str]]:
    """The file's rows (without the header), each cell as text."""
    content = b"".join(export.chunks(format, "ru", CATALOGUE))
    if format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]
    if format == "json":
        return [[str(value) for value in item.values()] for item in json.loads(content)]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each page the exports read (the store is asked for one page at a time)."""
    asked: list[int] = []
    monkeypatch.setattr(reading, "PAGE", PAGE)
    original = reading.__dict__["inspections_with_subjects_after"]

    def counted(*args: object, **kwargs: object) -> object:
        found = original(*args, **kwargs)
        asked.append(len(found))
        return found

    monkeypatch.setattr(reading, "inspections_with_subjects_after", counted)
    return asked


def test_the_inspections_export_is_read_a_page_at_a_time_and_is_the_list(
    database: Database, pages: list[int]
) -> None:
    _store(database)
    for format, region in (("csv", None), ("xlsx", "almaty_city"), ("json", None), ("json", "astana")):
        listed = inspection_use_cases.list_inspections(database, PLANNER, region=region)
        pages.clear()
        export = exports.inspections(database, PLANNER, region=region)
        assert pages == []  # nothing is read before the file is written
        rows = _read(export, format)
        assert [row[0] for row in rows] == [str(record.id) for record, _ in listed]
        assert [row[1] for row in rows] == [subject.bin for _, subject in listed]
        assert len(pages) >= 2 and max(pages) <= PAGE, pages
    assert len(listed) == INSPECTIONS // 2


def test_the_violations_export_is_read_a_page_at_a_time_and_is_the_list(
    database: Database, pages: list[int]
) -> None:
    _store(database)
    for format, status, region in (
        ("csv", None, None),
        ("xlsx", "overdue", None),
        ("json", "eliminated", "astana"),
        ("json", "open", "almaty_city"),
    ):
        listed = inspection_use_cases.list_violations(
            database, PLANNER, status=status, region=region, today=date.today()
        )
        pages.clear()
        export = exports.violations(database, PLANNER, status=status, region=region, today=date.today())
        assert pages == []
        rows = _read(export, format)
        assert [(row[0], row[6]) for row in rows] == [
            (str(view.record.inspection_id), str(view.record.item)) for view, _ in listed
        ], (status, region)
        if format == "json":
            assert [row[9] for row in rows] == [view.status for view, _ in listed]
        assert len(pages) >= 2 and max(pages) <= PAGE, (status, region)
    assert len(inspection_use_cases.list_violations(database, PLANNER, today=date.today())) > 2 * PAGE


def test_an_unknown_bin_is_refused_before_a_byte_is_written(database: Database) -> None:
    _store(database)
    with pytest.raises(SubjectNotFound):
        exports.inspections(database, PLANNER, bin="000000000000")
    with pytest.raises(SubjectNotFound):
        exports.violations(database, PLANNER, bin="000000000000", today=date.today())
