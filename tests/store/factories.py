"""Rows for store tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tekseru.catalog.identifiers import demo_bins
from tekseru.store import Database, EvidenceData, SubjectData
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects

NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)
BINS = list(demo_bins(200, prefix="1901400"))


def subject(index: int = 0, **changes: object) -> SubjectData:
    values: dict[str, object] = {
        "bin": BINS[index],
        "name": f"Provider {index}",
        "region": "astana",
        "address": f"Street {index}",
        "groups": ("stationary",),
    }
    values.update(changes)
    return SubjectData(**values)  # type: ignore[arg-type]


def evidence(subject_id: int, criterion: int = 1, **changes: object) -> EvidenceData:
    values: dict[str, object] = {
        "subject_id": subject_id,
        "criterion": criterion,
        "source_group": 1,
        "observed_on": date(2024, 3, 1),
        "reference": f"act {criterion}",
        "confirmed": None,
        "origin": "test",
    }
    values.update(changes)
    return EvidenceData(**values)  # type: ignore[arg-type]


def add_subjects(database: Database, count: int) -> list[int]:
    """`count` subjects; their ids in BIN order."""
    with database.transaction() as session:
        upsert_subjects(session, [subject(i) for i in range(count)], now=NOW)
        ids = subject_ids_by_bin(session, BINS[:count])
    return [ids[bin] for bin in BINS[:count]]


def moved_subjects_class_regions(database: Database, subject_id: int, region: str) -> list[tuple[str]]:
    """Move the subject to `region` and read back the regions its leading results now carry (the region
    trigger keeps them equal to the subject's; migration 0026)."""
    from sqlalchemy import text, update

    from tekseru.store.models import Subject

    with database.transaction() as session:
        session.execute(update(Subject).where(Subject.id == subject_id).values(region=region))
    with database.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT DISTINCT g.region FROM assessment_results r JOIN result_regions g "
                    "ON g.code = r.region_code WHERE r.subject_id = :id AND r.subject_class IS NOT NULL"
                ),
                {"id": subject_id},
            )
        ]


RUN_TABLES = ("assessment_results", "assessment_subject_classes")  # up to migration 0025


def stored_run_rows(database: Database) -> dict[str, list[list[tuple[str, object]]]]:
    """Every row of a run's two tables as (column, value) pairs sorted by column, by SQL of no revision:
    what a migration test compares at a revision whose columns today's readers no longer name."""
    from sqlalchemy import text

    with database.engine.connect() as connection:
        return {
            table: sorted(
                (sorted(row._mapping.items()) for row in connection.execute(text(f"SELECT * FROM {table}"))),
                key=repr,  # values of a column may be NULL in one row and bytes in another
            )
            for table in RUN_TABLES
        }
