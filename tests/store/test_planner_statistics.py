"""After a run is stored, PostgreSQL's planner knows its rows: the estimate of a class-and-region filter on
the new run is near the truth, and the class table's pages are marked all-visible (so counting a class reads
the index alone). Without `refresh_after_run` the planner guessed from statistics that had never seen the
run (one row, or none) and the registry's class filter walked the wrong index. On SQLite nothing is done
and nothing is needed: the run is stored and read back the same way."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select, text

from tekseru.catalog.identifiers import demo_bins
from tekseru.services.assessments import run_assessment
from tekseru.store import Database, SubjectData
from tekseru.store.planner_statistics import refresh_after_run
from tekseru.store.run_keys import run_key_of
from tests.catalogue import CATALOGUE
from tests.services.assessment_fixtures import NOW, add_registry

REGIONS = ("astana", "almaty_city", "abai")
SUBJECTS = 600


def _estimate_and_count(database: Database, run_key: int) -> tuple[float, int]:
    # the subjects' classes in their leading results (migration 0026): low is 1, regions by their codes
    where = (
        f"run_key = {run_key} AND subject_class IS NOT NULL AND subject_class = 1 AND region_code = "
        "(SELECT code FROM result_regions WHERE region = 'astana')"
    )
    with database.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) SELECT subject_id FROM assessment_results WHERE {where}"
        ).scalar_one()
        count = connection.exec_driver_sql(
            f"SELECT count(*) FROM assessment_results WHERE {where}"
        ).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"]), int(count)


def test_a_stored_run_is_known_to_the_planner(database: Database) -> None:
    bins = demo_bins(SUBJECTS, prefix="1901400")
    subjects = [
        SubjectData(bin, "«Сынақ» ЖШС", REGIONS[index % 3], "Астана, 1", ("stationary_care",))
        for index, bin in enumerate(bins)
    ]
    add_registry(database, subjects, [])
    summary = run_assessment(database, as_of=date(2024, 7, 1), clock=lambda: NOW, catalogue=CATALOGUE)
    with database.engine.connect() as connection:
        key = connection.execute(select(run_key_of(summary.run_id))).scalar_one()
    if database.dialect != "postgresql":
        refresh_after_run(database)  # nothing to do, and nothing fails
        with database.engine.connect() as connection:
            stored = connection.execute(
                text("SELECT count(*) FROM assessment_results WHERE run_key = :k AND subject_class > 0"),
                {"k": key},
            ).scalar_one()
        assert stored == SUBJECTS
        return
    estimate, count = _estimate_and_count(database, key)
    assert count == SUBJECTS // 3
    assert count / 2 <= estimate <= count * 2, (estimate, count)
    with database.engine.connect() as connection:
        visible = connection.exec_driver_sql(
            "SELECT relallvisible FROM pg_class WHERE relname = 'assessment_results'"
        ).scalar_one()
    assert visible > 0
