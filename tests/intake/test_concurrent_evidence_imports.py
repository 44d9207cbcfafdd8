"""Two evidence imports at once, on SQLite and PostgreSQL: each prepares (and on SQLite stages its rows on
a pooled connection) while the other may write, so a write transaction may run on a connection without its
staged rows or find rows the other stored meanwhile; nothing is lost or stored twice (issue 18)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from tekseru.catalog.edition import CatalogueEdition
from tekseru.intake import ImportReport
from tekseru.services.registry import import_evidence
from tekseru.store import Database, SubjectData
from tekseru.store.evidence import count_evidence
from tekseru.store.subjects import upsert_subjects

TODAY = date(2024, 6, 30)
NOW = datetime(2024, 6, 30, 9, 0, tzinfo=UTC)
HEADER = ["bin", "criterion", "source_group", "observed_on", "reference", "confirmed"]


def test_two_imports_at_once_store_each_row_once(
    database: Database, edition: CatalogueEdition, bins: list[str], write_csv: Callable[..., Path]
) -> None:
    with database.transaction() as session:
        subjects = [
            SubjectData(bin, f"S{i}", "astana", "", ("stationary",)) for i, bin in enumerate(bins[:4])
        ]
        upsert_subjects(session, subjects, now=NOW)

    def rows(days: range) -> list[list[str]]:
        return [[bin, "1", "", f"2024-01-{day:02d}", f"act {day}", ""] for bin in bins[:4] for day in days]

    files = [
        write_csv("a.csv", [HEADER, *rows(range(1, 21))]),
        write_csv("b.csv", [HEADER, *rows(range(11, 31))]),
    ]
    start = threading.Barrier(len(files))
    reports: list[ImportReport] = []
    failures: list[BaseException] = []

    def run(path: Path) -> None:
        try:
            start.wait()
            report = import_evidence(database, path, edition, entered_by=path.stem, today=TODAY, now=NOW)
            reports.append(report)
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=run, args=(path,)) for path in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with database.reading() as session:
        stored = count_evidence(session)
    assert stored == 4 * 30  # the union of both files, each row once
    assert sum(report.created for report in reports) == stored
    assert all(report.created + report.unchanged == report.rows_read == 80 for report in reports)
