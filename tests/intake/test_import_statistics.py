"""A large evidence import is followed by an ANALYZE of the evidence on PostgreSQL, so that the next import
of the same rows is planned on statistics that know them (with the statistics of an empty table a second
import of a million records read the whole table once per run of 100,000: 130 to 250 s); a small one is
left to autovacuum. Nothing of the kind happens, or is needed, on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tekseru.catalog.edition import CatalogueEdition
from tekseru.store import Database, planner_statistics
from tests.intake.test_evidence_import import HEADER, WriteFile, _import, subject_ids  # noqa: F401 (a fixture)


def _analysed(database: Database) -> object:
    """When the evidence was last analysed by hand (PostgreSQL; None on SQLite, or never)."""
    if database.dialect != "postgresql":
        return None
    with database.engine.connect() as connection:
        query = "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'evidence'"
        query += " AND schemaname = current_schema()"
        return connection.execute(text(query)).scalar_one()


pytestmark = pytest.mark.usefixtures("subject_ids")  # the subjects of `bins` stored


def _rows(bins: list[str], count: int) -> list[list[str]]:
    return [[bins[i % 2], "1", "1", "2024-01-15", f"act {i}", ""] for i in range(count)]


def _clock(database: Database) -> object:
    with database.engine.connect() as connection:
        return connection.execute(
            text("SELECT now()" if database.dialect == "postgresql" else "SELECT 1")
        ).scalar()


def test_a_large_import_is_analysed(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    write_csv: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(planner_statistics, "ANALYZE_AFTER_IMPORTED", 20)  # "large" scaled down to the test
    started = _clock(database)
    report = _import(database, write_csv("large.csv", [HEADER, *_rows(bins, 40)]), edition)
    assert report.created == 40
    analysed = _analysed(database)
    if database.dialect == "postgresql":
        assert analysed is not None and analysed >= started  # type: ignore[operator]
    else:
        assert analysed is None


def test_a_small_import_is_left_to_autovacuum(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    write_csv: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(planner_statistics, "ANALYZE_AFTER_IMPORTED", 1_000)
    started = _clock(database)
    report = _import(database, write_csv("small.csv", [HEADER, *_rows(bins, 40)]), edition)
    assert report.created == 40
    analysed = _analysed(database)
    assert analysed is None or analysed < started  # type: ignore[operator]
