"""Importing the registry of subjects through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog_files import load_regions
from tekseru.intake import ErrorKind, ImportFileError, ImportReport, pipeline
from tekseru.services.registry import import_subjects
from tekseru.store import Database
from tekseru.store.subjects import count_subjects, find_subject_by_bin, list_subjects

WriteFile = Callable[..., Path]
TODAY = date(2024, 6, 30)
HEADER = ["bin", "name", "region", "address", "groups"]


def _import(database: Database, path: Path, edition: CatalogueEdition, **options: object) -> ImportReport:
    return import_subjects(database, path, edition, regions=load_regions(), today=TODAY, **options)  # type: ignore[arg-type]


def _stored(database: Database) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    with database.transaction() as session:
        return [(s.bin, s.name, s.region, s.address, s.groups) for s in list_subjects(session, limit=1000)]


def _errors(raised: pytest.ExceptionInfo[ImportFileError]) -> list[str]:
    return [str(error) for error in raised.value.errors]


def test_import_resolves_regions_and_groups(
    database: Database, edition: CatalogueEdition, bins: list[str], write_csv: WriteFile
) -> None:
    path = write_csv(
        "subjects.csv",
        [
            HEADER,
            [bins[0], "Мейірім үйі", "Алматы облысы", "Қонаев, 1", "stationary"],
            [bins[1], "Home care LLP", "Almaty", "", "home_care | stationary"],
            [bins[2], "Қамқор", "astana", "", "accessibility"],
        ],
    )
    report = _import(database, path, edition)
    assert (report.rows_read, report.created, report.updated, report.unchanged, report.rejected) == (
        3,
        3,
        0,
        0,
        0,
    )
    assert report.rejected_path is None
    assert _stored(database) == [
        (bins[0], "Мейірім үйі", "almaty_region", "Қонаев, 1", ("stationary",)),
        (bins[1], "Home care LLP", "almaty_city", "", ("home_care", "stationary")),
        (bins[2], "Қамқор", "astana", "", ("accessibility",)),
    ]


def test_importing_the_same_file_twice_creates_no_duplicates(
    database: Database, edition: CatalogueEdition, bins: list[str], write_csv: WriteFile
) -> None:
    path = write_csv(
        "s.csv",
        [HEADER, [bins[0], "A", "astana", "", "stationary"], [bins[1], "B", "astana", "", "home_care"]],
    )
    _import(database, path, edition)
    again = _import(database, path, edition)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    with database.transaction() as session:
        assert count_subjects(session) == 2


def test_a_later_file_updates_by_bin(
    database: Database, edition: CatalogueEdition, bins: list[str], write_csv: WriteFile
) -> None:
    _import(database, write_csv("a.csv", [HEADER, [bins[0], "A", "astana", "", "stationary"]]), edition)
    report = _import(
        database, write_csv("b.csv", [HEADER, [bins[0], "A2", "Шымкент", "x", "home_care"]]), edition
    )
    assert (report.created, report.updated) == (0, 1)
    assert _stored(database) == [(bins[0], "A2", "shymkent", "x", ("home_care",))]


BAD_ROWS = [
    (
        ["123", "A", "astana", "", "stationary"],
        ErrorKind.INVALID_BIN,
        "s.csv, row 3, bin: '123' is not a valid BIN: it must have 12 digits, it has 3",
    ),
    (
        ["", "A", "astana", "", "stationary"],
        ErrorKind.MISSING_VALUE,
        "s.csv, row 3, bin: a value is required",
    ),
    (
        ["{bin}", "", "astana", "", "stationary"],
        ErrorKind.MISSING_VALUE,
        "s.csv, row 3, name: a value is required",
    ),
    (
        ["{bin}", "x" * 1001, "astana", "", "stationary"],
        ErrorKind.VALUE_TOO_LONG,
        "s.csv, row 3, name: the value has 1,001 characters, at most 1,000 fit",
    ),
    (
        ["{bin}", "A", "Atlantis", "", "stationary"],
        ErrorKind.UNKNOWN_REGION,
        "s.csv, row 3, region: unknown region 'Atlantis'; write a region's key or its name in Kazakh, "
        'Russian or English, for example "almaty_region", "Алматы облысы" or "Almaty region"',
    ),
    (
        ["{bin}", "A", "astana", "", "stationary|school"],
        ErrorKind.UNKNOWN_GROUP,
        "s.csv, row 3, groups: unknown control group 'school'; edition test-edition has: accessibility, "
        "home_care, stationary",
    ),
    (
        ["{bin}", "A", "astana", "", " | "],
        ErrorKind.MISSING_VALUE,
        "s.csv, row 3, groups: a value is required",
    ),
    (
        ["{first}", "A", "astana", "", "stationary"],
        ErrorKind.DUPLICATE_ROW,
        "s.csv, row 3, bin: BIN {first} is already in row 2 of this file",
    ),
    (
        ["{bin}", "A", "astana", "", "stationary", "surplus"],
        ErrorKind.TOO_MANY_VALUES,
        "s.csv, row 3: the row has 1 value(s) beyond the header's columns; "
        "check the separators and the quotes",
    ),
]


@pytest.mark.parametrize(("row", "kind", "message"), BAD_ROWS, ids=[kind.value for _, kind, _ in BAD_ROWS])
def test_each_error_names_file_row_and_field_and_nothing_is_imported(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    write_csv: WriteFile,
    row: list[str],
    kind: ErrorKind,
    message: str,
) -> None:
    filled = [cell.format(bin=bins[1], first=bins[0]) for cell in row]
    path = write_csv("s.csv", [HEADER, [bins[0], "First", "astana", "", "stationary"], filled])
    with pytest.raises(ImportFileError) as raised:
        _import(database, path, edition)
    assert _errors(raised) == [message.format(first=bins[0])]
    assert raised.value.errors[0].kind == kind
    assert _stored(database) == []


def test_every_error_of_every_row_is_reported(
    database: Database, edition: CatalogueEdition, write_csv: WriteFile
) -> None:
    path = write_csv(
        "s.csv", [HEADER, ["1", "", "Atlantis", "", "school"], ["2", "B", "astana", "", "stationary"]]
    )
    with pytest.raises(ImportFileError) as raised:
        _import(database, path, edition)
    assert [(e.row, e.field, e.kind) for e in raised.value.errors] == [
        (2, "bin", ErrorKind.INVALID_BIN),
        (2, "name", ErrorKind.MISSING_VALUE),
        (2, "region", ErrorKind.UNKNOWN_REGION),
        (2, "groups", ErrorKind.UNKNOWN_GROUP),
        (3, "bin", ErrorKind.INVALID_BIN),
    ]
    assert raised.value.error_count == 5


def test_skip_invalid_imports_the_valid_rows_and_writes_the_rejected_ones(
    database: Database, edition: CatalogueEdition, bins: list[str], write_csv: WriteFile
) -> None:
    path = write_csv(
        "s.csv",
        [
            HEADER,
            [bins[0], "A", "astana", "", "stationary"],
            ["123", "B", "astana", "", "stationary"],
            [bins[1], "C", "Atlantis", "", "school"],
            [bins[2], "D", "astana", "", "home_care"],
        ],
        delimiter=";",
    )
    report = _import(database, path, edition, skip_invalid=True, language="en")
    assert (report.rows_read, report.created, report.rejected) == (4, 2, 2)
    assert report.rejected_path == path.with_name("s.rejected.csv")
    assert [row[0] for row in _stored(database)] == [bins[0], bins[2]]
    with report.rejected_path.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.reader(handle, delimiter=";"))
    assert rejected[0] == ["Row", *HEADER, "Errors"]
    assert rejected[1][:6] == ["3", "123", "B", "astana", "", "stationary"]
    assert rejected[1][6].startswith("bin: '123' is not a valid BIN")
    assert rejected[2][0] == "4"
    assert rejected[2][6].startswith("region: unknown region 'Atlantis'")
    assert "; groups: unknown control group 'school'" in rejected[2][6]
    assert str(report.errors[0]).startswith("s.csv, row 3, bin:")


def test_skip_invalid_to_a_chosen_path_and_no_file_without_rejections(
    database: Database, edition: CatalogueEdition, bins: list[str], write_csv: WriteFile, tmp_path: Path
) -> None:
    chosen = tmp_path / "out" / "bad.csv"
    chosen.parent.mkdir()
    bad = write_csv("s.csv", [HEADER, ["1", "A", "astana", "", "stationary"]])
    assert _import(database, bad, edition, skip_invalid=True, rejected_path=chosen).rejected_path == chosen
    good = write_csv("g.csv", [HEADER, [bins[0], "A", "astana", "", "stationary"]])
    report = _import(database, good, edition, skip_invalid=True)
    assert (report.rejected, report.rejected_path) == (0, None)
    assert not good.with_name("g.rejected.csv").exists()


@pytest.mark.parametrize("batch_size", [2, 5000])
def test_a_failed_import_leaves_the_database_as_it_was(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    write_csv: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
    batch_size: int,
) -> None:
    before = [[bins[i], f"Original {i}", "astana", "", "stationary"] for i in range(3)]
    _import(database, write_csv("a.csv", [HEADER, *before]), edition)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", batch_size)
    changed = [[bins[i], f"Changed {i}", "shymkent", "", "home_care"] for i in range(3)]
    new = [[bins[i], f"New {i}", "astana", "", "stationary"] for i in range(3, 8)]
    bad = [bins[9], "Bad", "Atlantis", "", "stationary"]
    with pytest.raises(ImportFileError):
        _import(database, write_csv("b.csv", [HEADER, *changed, *new, bad]), edition)
    assert _stored(database) == [(row[0], row[1], "astana", "", ("stationary",)) for row in before]


def test_progress_is_reported_in_batches_up_to_the_total(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    write_csv: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 4)
    rows = [[bins[i], f"S{i}", "astana", "", "stationary"] for i in range(10)]
    calls: list[tuple[int, int]] = []
    _import(
        database, write_csv("s.csv", [HEADER, *rows]), edition, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(4, 10), (8, 10), (10, 10)]


def test_xlsx_and_bom_semicolon_csv_import_alike(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    write_csv: WriteFile,
    write_xlsx: WriteFile,
) -> None:
    rows = [HEADER, [bins[0], "Қамқор", "Абай облысы", "Семей", "stationary"]]
    first = _import(database, write_xlsx("s.xlsx", rows), edition)
    second = _import(database, write_csv("s.csv", rows, delimiter=";", bom=True), edition)
    assert (first.created, second.unchanged) == (1, 1)
    with database.transaction() as session:
        stored = find_subject_by_bin(session, bins[0])
    assert stored is not None and (stored.name, stored.region) == ("Қамқор", "abai")
