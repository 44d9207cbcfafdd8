"""The information systems' import formats on hostile and awkward files: XLSX, semicolons, a NUL byte, an
unclosed quote, a far date, a duplicate row, an unknown kind; nothing stored after a failure, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog_files import load_catalogue
from tekseru.intake import ImportFileError
from tekseru.services import roster_reports, rosters
from tekseru.services.permissions import Actor
from tekseru.store import Database

TODAY = date(2024, 6, 30)
ACTOR = Actor.system("tests")
BIN = next(demo_bins(1))
IIN, OTHER = demo_bins(2, prefix="8503124")


def _nothing_stored(database: Database) -> bool:
    return roster_reports.reconcile(database, TODAY, actor=ACTOR).by_provider == {}


def test_an_xlsx_roster_with_iins_typed_as_numbers_is_read(database: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["IIN", "BIN", "Form", "Start_date", "End_date"])
    sheet.append([int(IIN), int(BIN), "Semi-stationary", date(2024, 1, 10), None])
    path = tmp_path / "portal.xlsx"
    book.save(path)
    report = rosters.import_roster(database, "portal", path, actor=ACTOR, today=TODAY)
    assert report.created == 1
    found = roster_reports.reconcile(database, TODAY, actor=ACTOR).by_provider[BIN]
    assert found["missing_in_provider"][0].portal is not None
    assert found["missing_in_provider"][0].portal.form == "semi_stationary"


@pytest.mark.parametrize(
    ("text", "row", "field", "kind"),
    [
        (f"iin;bin;form;start_date\n{IIN};{BIN};stationary;2024-01-10\n{IIN};{BIN};home_care;2024-01-10\n", 3,
         "start_date", "duplicate_row"),
        (f"iin,bin,form,start_date\n{IIN},{BIN},stationary,2024-01-10\n{OTHER},{BIN},stat\x00ionary,2024-01-10\n",
         3, "form", "control_character"),
        (f'iin,bin,form,start_date\n{IIN},{BIN},"stationary,2024-01-10\n', 2, "form", "unclosed_quote"),
        (f"iin,bin,form,start_date\n{IIN},{BIN},stationary,0001-01-01\n", 2, "start_date",
         "date_out_of_range"),
        (f"iin,bin,form,start_date,end_date\n{IIN},{BIN},stationary,2024-01-10,2204-01-01\n", 2, "end_date",
         "date_out_of_range"),
        (f"iin,bin,form,start_date\n{IIN[:-1]},{BIN},stationary,2024-01-10\n", 2, "iin", "invalid_iin"),
        (f"iin,bin,form\n{IIN},{BIN},stationary\n", 1, "start_date", "missing_column"),
    ],
)  # fmt: skip
def test_a_hostile_roster_is_refused_by_row_and_field_and_stores_nothing(
    database: Database, tmp_path: Path, text: str, row: int, field: str, kind: str
) -> None:
    path = tmp_path / "provider.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        rosters.import_roster(database, "provider", path, actor=ACTOR, today=TODAY)
    first = caught.value.errors[0]
    assert (first.row, first.field, first.kind.value) == (row, field, kind)
    assert _nothing_stored(database)


def test_deliveries_and_findings_check_their_kinds_and_quantities(database: Database, tmp_path: Path) -> None:
    edition = load_catalogue().edition_at(TODAY)
    deliveries = tmp_path / "d.csv"
    deliveries.write_text(
        "iin,bin,kind,planned,delivered,date\n"
        f"{IIN},{BIN},massage,1,1,2024-05-01\n{IIN},{BIN},wheelchairs,-1,x,2024-05-01\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as caught:
        rosters.import_deliveries(database, deliveries, edition, actor=ACTOR, today=TODAY)
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "kind"), (3, "planned"), (3, "delivered")]
    assert "wheelchairs" in caught.value.errors[0].describe("ru")
    findings = tmp_path / "f.csv"
    findings.write_text(f"object,bin,element,found_on\nX,{BIN},lift,2024-05-01\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as refused:
        rosters.import_findings(database, findings, edition, actor=ACTOR, today=TODAY)
    assert refused.value.errors[0].describe("kk").startswith("f.csv, 2-жол, element: белгісіз мән 'lift'")
