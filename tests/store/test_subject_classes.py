"""Each subject's class in a finished run: written when the run finishes, the highest of its groups,
following the subject's region, gone with the subject or the run; and filled for the runs of a database
that migration 0005 brings up to date."""

from __future__ import annotations

import uuid
from datetime import date

from alembic import command
from sqlalchemy import delete, select, update

from tekseru.store import AssessmentResultData, Database, migrate, open_database
from tekseru.store.assessments import add_results, finish_run, start_run
from tekseru.store.models import Assessment, AssessmentSubjectClass, Subject
from tekseru.store.subject_classes import classes_of, count_by_region_and_class, of_run
from tests.store.factories import NOW, add_subjects

RESULTS = (  # (subject index, group, score, class)
    (0, "stationary", 100.0, "high"),
    (0, "home_care", 40.0, "medium"),
    (1, "stationary", 55.0, "medium"),
    (
        1,
        "home_care",
        70.0,
        "low",
    ),  # a higher score of a lower class: the score and the class are each highest
    (2, "stationary", 0.0, "low"),
)


def _results(ids: list[int]) -> list[AssessmentResultData]:
    return [
        AssessmentResultData(ids[index], group, score, risk_class, 0, 0, 0, ())
        for index, group, score, risk_class in RESULTS
    ]


def _run(database: Database, ids: list[int], *, status: str = "finished") -> uuid.UUID:
    with database.transaction() as session:
        run = start_run(
            session, as_of=date(2024, 6, 1), edition_id="e", inputs_fingerprint="f", subjects_total=4, now=NOW
        )
        add_results(session, run.id, _results(ids))
        finish_run(session, run.id, now=NOW, status=status, message=None if status == "finished" else "x")
    return run.id


def _classes(database: Database, run_id: uuid.UUID) -> dict[int, tuple[str, str, float]]:
    with database.reading() as session:
        query = select(
            AssessmentSubjectClass.subject_id,
            AssessmentSubjectClass.region,
            AssessmentSubjectClass.risk_class,
            AssessmentSubjectClass.score,
        ).where(of_run(run_id))
        return {
            subject_id: (region, risk_class, score)
            for subject_id, region, risk_class, score in session.execute(query)
        }


def test_a_finished_run_keeps_each_subjects_highest_class_and_score(database: Database) -> None:
    ids = add_subjects(database, 4)
    run_id = _run(database, ids)
    assert _classes(database, run_id) == {
        ids[0]: ("astana", "high", 100.0),
        ids[1]: ("astana", "medium", 70.0),
        ids[2]: ("astana", "low", 0.0),
    }  # subject 3 was not assessed
    with database.reading() as session:
        assert classes_of(session, run_id, [ids[1], ids[3]]) == {ids[1]: (70.0, "medium")}
        assert count_by_region_and_class(session, run_id) == {
            ("astana", "high"): 1,
            ("astana", "medium"): 1,
            ("astana", "low"): 1,
        }


def test_a_failed_run_keeps_none(database: Database) -> None:
    ids = add_subjects(database, 3)
    assert _classes(database, _run(database, ids, status="failed")) == {}


def test_the_classes_follow_the_subject_and_the_run(database: Database) -> None:
    ids = add_subjects(database, 3)
    run_id = _run(database, ids)
    with database.transaction() as session:
        session.execute(update(Subject).where(Subject.id == ids[0]).values(region="shymkent"))
        session.execute(update(Subject).where(Subject.id == ids[1]).values(region="astana"))  # unchanged
        session.execute(delete(Subject).where(Subject.id == ids[2]))
    assert _classes(database, run_id) == {
        ids[0]: ("shymkent", "high", 100.0),
        ids[1]: ("astana", "medium", 70.0),
    }
    with database.reading() as session:
        assert count_by_region_and_class(session, run_id, region="shymkent") == {("shymkent", "high"): 1}
    with database.transaction() as session:
        session.execute(delete(Assessment).where(Assessment.id == run_id))
    assert _classes(database, run_id) == {}


def test_the_migration_fills_in_the_runs_finished_before_it(database_url: str) -> None:
    database = open_database(database_url)
    try:
        ids = add_subjects(database, 3)  # written at head: the store writes columns 0004 lacks
        with database.transaction() as session:  # a run finished by tekseru before migration 0005
            run = start_run(
                session,
                as_of=date(2024, 6, 1),
                edition_id="e",
                inputs_fingerprint="f",
                subjects_total=3,
                now=NOW,
            )
            add_results(session, run.id, _results(ids))
            session.execute(update(Assessment).where(Assessment.id == run.id).values(status="finished"))
        with database.engine.begin() as connection:
            command.downgrade(migrate.alembic_config(connection), "0004")
        migrate.upgrade(database.engine)
        assert _classes(database, run.id) == {
            ids[0]: ("astana", "high", 100.0),
            ids[1]: ("astana", "medium", 70.0),
            ids[2]: ("astana", "low", 0.0),
        }
    finally:
        database.close()
