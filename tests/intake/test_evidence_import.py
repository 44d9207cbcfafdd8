"""Importing evidence through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tekseru.catalog.edition import CatalogueEdition
from tekseru.intake import ErrorKind, EvidenceValidator, ImportFileError, ImportReport, pipeline
from tekseru.intake.readers import SourceRow
from tekseru.services.registry import import_evidence
from tekseru.store import Database, EvidenceData, SubjectData
from tekseru.store.evidence import evidence_for_subjects, upsert_evidence
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects

WriteFile = Callable[..., Path]
TODAY = date(2024, 6, 30)
NOW = datetime(2024, 6, 30, 9, 0, tzinfo=UTC)
HEADER = ["bin", "criterion", "source_group", "observed_on", "reference", "confirmed"]
REGISTERED = 3


@pytest.fixture
def subject_ids(database: Database, bins: list[str]) -> dict[str, int]:
    """The first REGISTERED BINs are in the registry; the others are not."""
    with database.transaction() as session:
        subjects = [
            SubjectData(bin, f"S{i}", "astana", "", ("stationary",))
            for i, bin in enumerate(bins[:REGISTERED])
        ]
        upsert_subjects(session, subjects, now=NOW)
        return subject_ids_by_bin(session, bins[:REGISTERED])


def _import(database: Database, path: Path, edition: CatalogueEdition, **options: object) -> ImportReport:
    options.setdefault("entered_by", "inspector")
    return import_evidence(database, path, edition, today=TODAY, now=NOW, **options)  # type: ignore[arg-type]


def _stored(database: Database) -> list[tuple[int, int, int, str, str, bool | None, str, str]]:
    with database.transaction() as session:
        return [
            (
                r.subject_id,
                r.criterion,
                r.source_group,
                r.observed_on.isoformat(),
                r.reference,
                r.confirmed,
                r.origin,
                r.entered_by,
            )
            for r in evidence_for_subjects(session)
        ]


def test_import_takes_the_source_group_from_the_edition_when_empty(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    subject_ids: dict[str, int],
    write_csv: WriteFile,
) -> None:
    path = write_csv(
        "e.csv",
        [
            HEADER,
            [bins[0], "1", "1", "2024-01-15", "act 12", ""],
            [bins[0], "10", "", "2024-02-01", "https://example.kz/news/1", ""],
            [bins[1], "85", "4", "2024-03-01", "complaint 7", "TRUE"],
            [bins[1], "85", "4", "2024-03-01", "complaint 8", "false"],
        ],
    )
    report = _import(database, path, edition)
    assert (report.rows_read, report.created, report.rejected) == (4, 4, 0)
    first, second = subject_ids[bins[0]], subject_ids[bins[1]]
    assert _stored(database) == [
        (first, 1, 1, "2024-01-15", "act 12", None, "e.csv:2", "inspector"),
        (first, 10, 2, "2024-02-01", "https://example.kz/news/1", None, "e.csv:3", "inspector"),
        (second, 85, 4, "2024-03-01", "complaint 7", True, "e.csv:4", "inspector"),
        (second, 85, 4, "2024-03-01", "complaint 8", False, "e.csv:5", "inspector"),
    ]


def test_reimporting_creates_no_duplicates_and_updates_confirmation(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    subject_ids: dict[str, int],
    write_csv: WriteFile,
) -> None:
    rows = [
        [bins[0], "1", "", "2024-01-15", "act 12", ""],
        [bins[1], "85", "4", "2024-03-01", "complaint 7", ""],
    ]
    path = write_csv("e.csv", [HEADER, *rows])
    _import(database, path, edition)
    assert (_import(database, path, edition).unchanged, len(_stored(database))) == (2, 2)
    rows[1][5] = "true"
    later = _import(database, write_csv("later.csv", [HEADER, *rows]), edition, entered_by="someone else")
    assert (later.created, later.updated, later.unchanged) == (0, 1, 1)
    stored = _stored(database)
    assert [row[5] for row in stored] == [None, True]
    assert {row[6:] for row in stored} == {("e.csv:2", "inspector"), ("e.csv:3", "inspector")}
    if database.dialect == "sqlite":  # the rows staged for the write transactions are dropped after them
        with database.reading() as session:
            left = "SELECT count(*) FROM temp.sqlite_master WHERE name GLOB 'tekseru_staged_*'"
            assert session.execute(text(left)).scalar_one() == 0


BAD_ROWS = [
    (
        ["12345", "1", "1", "2024-01-15", "a", ""],
        ErrorKind.INVALID_BIN,
        "e.csv, row 3, bin: '12345' is not a valid BIN: it must have 12 digits, it has 5",
    ),
    (
        ["{unregistered}", "1", "1", "2024-01-15", "a", ""],
        ErrorKind.UNKNOWN_SUBJECT,
        "e.csv, row 3, bin: no subject with BIN {unregistered} in the registry; "
        "import it with the subjects first",
    ),
    (
        ["{bin}", "one", "1", "2024-01-15", "a", ""],
        ErrorKind.INVALID_NUMBER,
        "e.csv, row 3, criterion: 'one' is not a criterion number (a whole number such as 12)",
    ),
    (
        ["{bin}", "", "1", "2024-01-15", "a", ""],
        ErrorKind.MISSING_VALUE,
        "e.csv, row 3, criterion: a value is required",
    ),
    (
        ["{bin}", "95", "1", "2024-01-15", "a", ""],
        ErrorKind.UNKNOWN_CRITERION,
        "e.csv, row 3, criterion: criterion 95 is not in edition test-edition (its criteria: 1 to 85)",
    ),
    (
        ["{bin}", "1", "x", "2024-01-15", "a", ""],
        ErrorKind.INVALID_NUMBER,
        "e.csv, row 3, source_group: 'x' is not a source group number (a whole number such as 12)",
    ),
    (
        ["{bin}", "1", "2", "2024-01-15", "a", ""],
        ErrorKind.SOURCE_GROUP_MISMATCH,
        "e.csv, row 3, source_group: source group 2 contradicts criterion 1, "
        "which stands under source group 1 in edition test-edition (leave it empty to take that one)",
    ),
    (
        ["{bin}", "1", "1", "15.01.2024", "a", ""],
        ErrorKind.INVALID_DATE,
        "e.csv, row 3, observed_on: '15.01.2024' is not a date written as YYYY-MM-DD (e.g. 2024-03-31)",
    ),
    (
        ["{bin}", "1", "1", "2024-02-30", "a", ""],
        ErrorKind.INVALID_DATE,
        "e.csv, row 3, observed_on: '2024-02-30' is not a date written as YYYY-MM-DD (e.g. 2024-03-31)",
    ),
    (
        ["{bin}", "1", "1", "2024-07-01", "a", ""],
        ErrorKind.FUTURE_DATE,
        "e.csv, row 3, observed_on: 2024-07-01 is in the future (today is 30.06.2024)",
    ),
    (
        ["{bin}", "1", "1", "2024-01-15", "", ""],
        ErrorKind.MISSING_VALUE,
        "e.csv, row 3, reference: a value is required",
    ),
    (
        ["{bin}", "1", "1", "2024-01-15", "r" * 501, ""],
        ErrorKind.VALUE_TOO_LONG,
        "e.csv, row 3, reference: the value has 501 characters, at most 500 fit",
    ),
    (
        ["{bin}", "85", "4", "2024-01-15", "a", "maybe"],
        ErrorKind.INVALID_BOOLEAN,
        "e.csv, row 3, confirmed: 'maybe' is not a yes/no value: "
        "write иә/жоқ, да/нет, true/false, yes/no, 1/0 (or leave the cell empty)",
    ),
    (
        ["{first}", "1", "", "2024-01-15", "act 1", "true"],
        ErrorKind.DUPLICATE_ROW,
        "e.csv, row 3, reference: row 2 of this file has the same BIN, criterion, source group, date "
        "and reference",
    ),
]


@pytest.mark.parametrize(
    ("row", "kind", "message"), BAD_ROWS, ids=[f"{i}-{kind.value}" for i, (_, kind, _) in enumerate(BAD_ROWS)]
)
def test_each_error_names_file_row_and_field_and_nothing_is_imported(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    subject_ids: dict[str, int],
    write_csv: WriteFile,
    row: list[str],
    kind: ErrorKind,
    message: str,
) -> None:
    values = {"bin": bins[1], "first": bins[0], "unregistered": bins[REGISTERED]}
    filled = [cell.format(**values) for cell in row]
    path = write_csv("e.csv", [HEADER, [bins[0], "1", "1", "2024-01-15", "act 1", ""], filled])
    with pytest.raises(ImportFileError) as raised:
        _import(database, path, edition)
    assert [str(error) for error in raised.value.errors] == [message.format(**values)]
    assert raised.value.errors[0].kind == kind
    assert _stored(database) == []


def test_a_missing_required_column(
    database: Database, edition: CatalogueEdition, write_csv: WriteFile
) -> None:
    path = write_csv(
        "e.csv", [["bin", "criterion", "observed_on", "reference"], ["1", "1", "2024-01-01", "a"]]
    )
    with pytest.raises(ImportFileError) as raised:
        _import(database, path, edition)
    assert [str(error) for error in raised.value.errors] == [
        "e.csv, row 1, source_group: required column is missing "
        "(the header has: bin, criterion, observed_on, reference)"
    ]


def test_skip_invalid_keeps_the_good_rows(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    subject_ids: dict[str, int],
    write_csv: WriteFile,
) -> None:
    path = write_csv(
        "e.csv",
        [
            HEADER,
            [bins[0], "1", "", "2024-01-15", "act 1", ""],
            [bins[REGISTERED], "1", "", "2024-01-15", "act 1", ""],
            [bins[1], "2", "3", "2030-01-01", "act 2", ""],
            [bins[1], "20", "", "2024-05-05", "report 5", ""],
        ],
    )
    report = _import(database, path, edition, skip_invalid=True, language="en")
    assert (report.rows_read, report.created, report.rejected) == (4, 2, 2)
    assert [row[1] for row in _stored(database)] == [1, 20]
    assert report.rejected_path is not None
    with report.rejected_path.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [row["Row"] for row in rejected] == ["3", "4"]
    assert rejected[0]["Errors"].startswith(f"bin: no subject with BIN {bins[REGISTERED]}")
    assert rejected[1]["Errors"] == (
        "source_group: source group 3 contradicts criterion 2, which stands under source group 1 in edition "
        "test-edition (leave it empty to take that one); observed_on: 2030-01-01 is in the future (today is "
        "30.06.2024)"
    )


def test_a_failed_import_leaves_earlier_evidence_unchanged(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    subject_ids: dict[str, int],
    write_csv: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _import(database, write_csv("a.csv", [HEADER, [bins[0], "85", "", "2024-01-15", "c1", "false"]]), edition)
    before = _stored(database)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    rows = [
        [bins[0], "85", "", "2024-01-15", "c1", "true"],
        *([bins[1], "1", "", f"2024-01-{day:02d}", "act", ""] for day in range(1, 6)),
        [bins[REGISTERED], "1", "", "2024-01-15", "act", ""],
    ]
    with pytest.raises(ImportFileError) as raised:
        _import(database, write_csv("b.csv", [HEADER, *rows]), edition)
    assert [error.row for error in raised.value.errors] == [8]
    assert _stored(database) == before


def test_xlsx_with_typed_cells(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    subject_ids: dict[str, int],
    write_xlsx: WriteFile,
) -> None:
    path = write_xlsx(
        "e.xlsx",
        [
            HEADER,
            [bins[0], 20, None, date(2024, 5, 5), "report", None],
            [bins[1], 85, 4, datetime(2024, 5, 6), "c", True],
        ],
    )
    report = _import(database, path, edition)
    assert report.created == 2
    assert [row[1:7] for row in _stored(database)] == [
        (20, 3, "2024-05-05", "report", None, "e.xlsx:2"),
        (85, 4, "2024-05-06", "c", True, "e.xlsx:3"),
    ]


class _WatchedDatabase:
    """A database that notes whether a write transaction is open when the import checks a row."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.writing = False
        self.write_transactions = 0
        self.checked_while_writing: list[str] = []

    def transaction(self) -> Any:
        @contextmanager
        def watched() -> Iterator[Any]:
            self.write_transactions += 1
            with self.database.transaction() as session:
                self.writing = True
                try:
                    yield session
                finally:
                    self.writing = False

        return watched()

    def reading(self) -> Any:
        if self.writing:
            self.checked_while_writing.append("subjects resolved")
        return self.database.reading()

    def __getattr__(self, name: str) -> Any:  # what else the import uses, as the database has it
        return getattr(self.database, name)


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_rows_are_checked_before_the_write_transaction_begins(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    subject_ids: dict[str, int],
    write_csv: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
    skip_invalid: bool,
) -> None:
    """Validating and resolving the rows (issue 18) happen before the import takes the write lock: the
    write transaction only writes; a file with an error begins none."""
    watched = _WatchedDatabase(database)
    validate = EvidenceValidator.validate

    def validate_watched(self: EvidenceValidator, row: Any) -> Any:
        if watched.writing:
            watched.checked_while_writing.append(f"row {row.number} validated")
        return validate(self, row)

    monkeypatch.setattr(EvidenceValidator, "validate", validate_watched)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    rows = [
        [bins[index % REGISTERED], "1", "", f"2024-01-{index + 1:02d}", f"act {index}", ""]
        for index in range(7)
    ]
    good = write_csv("good.csv", [HEADER, *rows])
    report = import_evidence(watched, good, edition, entered_by="x", today=TODAY, now=NOW)  # type: ignore[arg-type]
    assert (report.created, watched.write_transactions, watched.checked_while_writing) == (7, 1, [])

    bad = write_csv("bad.csv", [HEADER, *rows, [bins[REGISTERED], "1", "", "2024-02-01", "act x", ""]])
    if skip_invalid:
        report = import_evidence(
            watched,
            bad,
            edition,
            entered_by="x",
            today=TODAY,
            now=NOW,
            skip_invalid=True,  # type: ignore[arg-type]
        )
        assert (report.unchanged, report.rejected, watched.write_transactions) == (7, 1, 2)
    else:
        with pytest.raises(ImportFileError) as raised:
            import_evidence(watched, bad, edition, entered_by="x", today=TODAY, now=NOW)  # type: ignore[arg-type]
        assert "bad.csv" in str(raised.value) and watched.write_transactions == 1  # none begun for it
    assert watched.checked_while_writing == []
    assert len(_stored(database)) == 7


class _InterruptedDatabase:
    """A database that another writer uses once, between the import's checking and its write
    transaction: it stores `meanwhile` in a transaction of its own, as a second import would."""

    def __init__(self, database: Database, meanwhile: list[EvidenceData]) -> None:
        self.database = database
        self.meanwhile = meanwhile

    def transaction(self) -> Any:
        if self.meanwhile:
            with self.database.transaction() as session:
                upsert_evidence(session, self.meanwhile, entered_by="other", entered_at=NOW)
            self.meanwhile = []
        return self.database.transaction()

    def reading(self) -> Any:
        return self.database.reading()

    def __getattr__(self, name: str) -> Any:  # what else the import uses, as the database has it
        return getattr(self.database, name)


def test_evidence_stored_meanwhile_by_another_writer_is_compared_again(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    subject_ids: dict[str, int],
    write_csv: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The import compares its rows with the stored evidence before its write transaction; when another
    writer stores one of its new rows (or confirms one) in between, the batch is compared again in the
    transaction: no row stored twice, the counts say what this import did."""
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    first = subject_ids[bins[0]]
    rows = [[bins[0], "1", "", f"2024-01-{day:02d}", f"act {day}", "true"] for day in range(1, 6)]
    path = write_csv("e.csv", [HEADER, *rows])
    meanwhile = [
        EvidenceData(first, 1, 1, date(2024, 1, 3), "act 3", True, "other.csv:2"),  # the same fact
        EvidenceData(first, 1, 1, date(2024, 1, 4), "act 4", False, "other.csv:3"),  # confirmed otherwise
    ]
    report = import_evidence(
        _InterruptedDatabase(database, meanwhile),  # type: ignore[arg-type]
        path,
        edition,
        entered_by="inspector",
        today=TODAY,
        now=NOW,
    )
    assert (report.created, report.updated, report.unchanged) == (3, 1, 1)
    stored = _stored(database)
    assert sorted((row[3], row[5], row[6]) for row in stored) == [
        ("2024-01-01", True, "e.csv:2"),
        ("2024-01-02", True, "e.csv:3"),
        ("2024-01-03", True, "other.csv:2"),
        ("2024-01-04", True, "other.csv:3"),
        ("2024-01-05", True, "e.csv:6"),
    ]


def test_rows_checked_quickly_and_fully_are_alike(edition: CatalogueEdition, bins: list[str]) -> None:
    """Rows the quick checks take are taken as the full checks take them; unusual but valid writing
    (a leading zero, upper case, a source group given) and each kind of error go to the full checks."""
    cells = [
        (bins[0], "1", "", "2024-01-15", "act 1", ""),
        (bins[0], "01", "", "2024-01-15", "act 2", "ДА"),
        (bins[0], "85", "04", "2024-01-15", "act 3", "Нет"),
        (bins[0], "85", "4", "2024-01-15", "act 4", "TRUE"),
        (bins[0], "1", "1", "2024-01-15", "act 1", ""),  # the first row again: a duplicate
        (bins[0][:-1] + "0", "1", "", "2024-01-15", "act 5", ""),
        (bins[0], "7", "", "2024-01-15", "act 6", ""),
        (bins[0], "1", "2", "2024-01-15", "act 7", ""),
        (bins[0], "1", "", "2024-02-30", "act 8", ""),
        (bins[0], "1", "", "2025-01-01", "act 9", ""),
        (bins[0], "1", "", "1899-12-31", "act 10", ""),
        (bins[0], "1", "", "2024-01-15", "x" * 501, ""),
        (bins[0], "1", "", "2024-01-15", "", "maybe"),
    ]
    names = ("bin", "criterion", "source_group", "observed_on", "reference", "confirmed")
    rows = [SourceRow(n, row, dict(zip(names, row, strict=True))) for n, row in enumerate(cells, start=2)]
    quick, full = EvidenceValidator("e.csv", edition, TODAY), EvidenceValidator("e.csv", edition, TODAY)
    assert [quick.validate(row) for row in rows] == [full._checked(row) for row in rows]
    fresh = EvidenceValidator("e.csv", edition, TODAY)
    assert [row.number for row in rows if fresh._plainly_valid(row) is not None] == [2, 5]
