"""Migration 0013 numbers the inspections recorded before it (region, year of the act, sequence in the
order they were recorded), and the numbers given after it go on from there; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from alembic import command

from tekseru.services import inspections
from tekseru.store import Database, migrate
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, SYSTEM, add_subjects, header, inspect


def test_the_migration_numbers_the_inspections_recorded_before_it(database: Database) -> None:
    add_subjects(database)
    first = inspect(database, 0)
    earlier_year = inspect(database, 1, act_date=date(2023, 5, 1), visit=date(2023, 5, 2))
    draft = inspect(database, 3, visit=None)
    with database.engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0012")
    migrate.upgrade(database.engine)
    numbers = {
        r.id: inspections.inspection_visit(database, SYSTEM, r.id).number
        for r in (first, earlier_year, draft)
    }
    assert numbers == {
        first.id: "ASTANA-2024-0001",
        earlier_year.id: "ASTANA-2023-0001",
        draft.id: "ASTANA-2024-0002",
    }
    later = inspections.create_inspection(
        database, SYSTEM, BINS[2], header(), appendix=3, catalogue=CATALOGUE
    )
    assert inspections.inspection_visit(database, SYSTEM, later.id).number == "71-2024-0003"
