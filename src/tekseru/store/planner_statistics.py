"""Telling PostgreSQL's planner about a run just stored, and about evidence just imported.

A new run's rows carry a `run_key` the table's statistics have never seen, so until autovacuum comes by
(a minute or more, and after a large share of the table changed) the planner estimates one row for any
filter on the run, and the registry's searches by class and region walked the wrong index: 21 ms on
100,000 subjects instead of 0.7 ms. Nor is the visibility map set for the new rows, so counting a class
read the table instead of the index alone. So each stored run is followed by a VACUUM (ANALYZE) of the
results, which hold the subjects' classes (migration 0026; it reads the pages not yet all visible, the new
run's, and a sample for the statistics). SQLite plans these by its own rules of thumb and needs nothing.

An import of many evidence records is followed by an ANALYZE of the evidence: the next import of the same
file compares its rows with the stored ones run by run, and with statistics from before the first import
(66,000 rows estimated of a million) PostgreSQL read the whole table for every run of 100,000 rows (130 to
250 s for a second import of one million).
"""

from __future__ import annotations

from sqlalchemy import text

from tekseru.store.database import Database
from tekseru.store.models import Evidence, results_table

# An import that created or changed this many evidence records is followed by an ANALYZE (a sample of the
# table: a fraction of a second at ten million records); autovacuum takes care of smaller ones.
ANALYZE_AFTER_IMPORTED = 10_000


def refresh_after_run(database: Database) -> None:
    """Bring the planner's statistics and the visibility map up to date with the newest run (PostgreSQL;
    nothing on SQLite). Run outside any transaction: VACUUM cannot run inside one."""
    if database.dialect != "postgresql":
        return
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM (ANALYZE) {results_table.name}"))


def refresh_after_import(database: Database, imported: int) -> None:
    """ANALYZE the evidence after an import that created or changed `imported` records, when they are
    many (PostgreSQL; nothing on SQLite). Run outside any transaction."""
    if database.dialect != "postgresql" or imported < ANALYZE_AFTER_IMPORTED:
        return
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"ANALYZE {Evidence.__tablename__}"))
