"""Telling PostgreSQL's planner about a run just stored.

A new run's rows carry a `run_key` the table's statistics have never seen, so until autovacuum comes by
(a minute or more, and after a large share of the table changed) the planner estimates one row for any
filter on the run, and the registry's searches by class and region walked the wrong index: 21 ms on
100,000 subjects instead of 0.7 ms. Nor is the visibility map set for the new rows, so counting a class
read the table instead of the index alone. So each stored run is followed by a VACUUM (ANALYZE) of the
subjects' classes (small: one row a subject) and an ANALYZE of the results (sampled; the card reads them
by their key). SQLite plans these by its own rules of thumb and needs nothing.
"""

from __future__ import annotations

from sqlalchemy import text

from tekseru.store.database import Database
from tekseru.store.models import AssessmentResult, AssessmentSubjectClass


def refresh_after_run(database: Database) -> None:
    """Bring the planner's statistics and the visibility map up to date with the newest run (PostgreSQL;
    nothing on SQLite). Run outside any transaction: VACUUM cannot run inside one."""
    if database.dialect != "postgresql":
        return
    classes = AssessmentSubjectClass.__tablename__
    results = AssessmentResult.__tablename__
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM (ANALYZE) {classes}"))
        connection.execute(text(f"ANALYZE {results}"))
