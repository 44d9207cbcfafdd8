"""A subject deleted after an evidence import checked its file but before it writes, on SQLite and
PostgreSQL: the write is refused by the database (its foreign key, or on PostgreSQL its triggers, migration
0022) and the import fails as for a BIN that is not in the registry, naming the file, each row and the
field in the reader's language, with nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from tekseru.catalog.edition import CatalogueEdition
from tekseru.intake import ErrorKind, ImportFileError, pipeline
from tekseru.services.registry import import_evidence
from tekseru.store import Database, SubjectData
from tekseru.store.evidence import count_evidence
from tekseru.store.models import Subject
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects

TODAY = date(2024, 6, 30)
NOW = datetime(2024, 6, 30, 9, 0, tzinfo=UTC)
HEADER = ["bin", "criterion", "source_group", "observed_on", "reference", "confirmed"]


class _SubjectDeletedMeanwhile:
    """A database on which another writer deletes a subject once, between the import's checking and its
    write transaction."""

    def __init__(self, database: Database, subject_id: int) -> None:
        self.database = database
        self.subject_id: int | None = subject_id

    def transaction(self) -> Any:
        if self.subject_id is not None:
            with self.database.transaction() as session:
                session.execute(delete(Subject).where(Subject.id == self.subject_id))
            self.subject_id = None
        return self.database.transaction()

    def __getattr__(self, name: str) -> Any:  # what else the import uses, as the database has it
        return getattr(self.database, name)


@pytest.mark.parametrize("batch_size", [2, 5000], ids=["several-batches", "one-batch"])
def test_a_subject_deleted_meanwhile_fails_the_import_naming_its_rows(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    write_csv: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    batch_size: int,
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_SIZE", batch_size)
    with database.transaction() as session:
        subjects = [
            SubjectData(bin, f"S{i}", "astana", "", ("stationary",)) for i, bin in enumerate(bins[:2])
        ]
        upsert_subjects(session, subjects, now=NOW)
        ids = subject_ids_by_bin(session, bins[:2])
    rows = [[bins[day % 2], "1", "", f"2024-01-{day:02d}", f"act {day}", ""] for day in range(1, 6)]
    path = write_csv("e.csv", [HEADER, *rows])
    with pytest.raises(ImportFileError) as raised:
        import_evidence(
            _SubjectDeletedMeanwhile(database, ids[bins[1]]),  # type: ignore[arg-type]
            path,
            edition,
            entered_by="inspector",
            today=TODAY,
            now=NOW,
        )
    errors = raised.value.errors
    assert [(error.file, error.row, error.field, error.kind) for error in errors] == [
        ("e.csv", row, "bin", ErrorKind.UNKNOWN_SUBJECT)
        for row in (2, 4, 6)  # days 1, 3 and 5 name bins[1]
    ]
    assert raised.value.error_count == 3
    assert errors[0].describe("ru") == (
        f"e.csv, строка 2, bin: в реестре нет субъекта с БИН {bins[1]}; сначала импортируйте его в файле "
        "субъектов"
    )
    assert errors[0].describe("en").startswith(f"e.csv, row 2, bin: no subject with BIN {bins[1]} ")
    with database.reading() as session:
        assert count_evidence(session) == 0  # not even the rows of the subject still there
