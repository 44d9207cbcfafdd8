"""The jobs table: a job's life from queued to one of its ends, cancels and the recovery after a restart."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tekseru.store import Database, jobs
from tests.store.factories import NOW

LATER = NOW + timedelta(hours=1)


def test_a_job_from_queued_to_finished_or_failed(database: Database) -> None:
    with database.transaction() as session:
        first = jobs.add_job(
            session, kind="import_subjects", params={"file": "a.csv"}, created_by="ann", now=NOW
        )
        second = jobs.add_job(session, kind="assessment", params={}, created_by="bob", now=LATER)
        assert jobs.start_job(session, first.id, NOW)
        assert not jobs.start_job(session, first.id, NOW)  # running already: not started twice
        jobs.record_progress(session, first.id, 5, 10)
        got = jobs.get_job(session, first.id)
        assert got is not None and (got.status, got.done, got.total, got.params) == (
            "running",
            5,
            10,
            {"file": "a.csv"},
        )
        assert jobs.finish_job(session, first.id, now=LATER, result={"created": 10})
        got = jobs.get_job(session, first.id)
        assert got is not None and (got.status, got.done, got.result) == ("finished", 10, {"created": 10})
        assert not jobs.finish_job(session, first.id, now=LATER, status=jobs.FAILED, message="late")
        assert jobs.get_job(session, first.id).status == "finished"  # type: ignore[union-attr]
        jobs.finish_job(session, second.id, now=LATER, status=jobs.FAILED, message="boom", progress=(2, 7))
        failed = jobs.get_job(session, second.id)
        assert failed is not None and (failed.status, failed.message, failed.done, failed.total) == (
            "failed",
            "boom",
            2,
            7,
        )
        assert [j.id for j in jobs.list_jobs(session, kinds=["import_subjects", "assessment"])] == [
            second.id,
            first.id,
        ]
        assert [j.id for j in jobs.list_jobs(session, kinds=["assessment"], created_by="ann")] == []
        assert jobs.get_job(session, uuid.uuid4()) is None
        with pytest.raises(ValueError, match="does not end"):
            jobs.finish_job(session, first.id, now=LATER, status=jobs.RUNNING)


def test_a_cancel_ends_a_queued_job_and_asks_a_running_one_to_stop(database: Database) -> None:
    with database.transaction() as session:
        queued = jobs.add_job(session, kind="assessment", params={}, created_by="ann", now=NOW)
        running = jobs.add_job(session, kind="assessment", params={}, created_by="ann", now=NOW)
        ended = jobs.add_job(session, kind="assessment", params={}, created_by="ann", now=NOW)
        jobs.start_job(session, running.id, NOW)
        jobs.finish_job(session, ended.id, now=NOW)
        assert jobs.request_cancel(session, queued.id, now=LATER, message="cancelled by root") == "cancelled"
        assert not jobs.start_job(session, queued.id, LATER)  # a runner that gets to it later skips it
        assert jobs.request_cancel(session, running.id, now=LATER, message="by root") == "cancelling"
        assert jobs.request_cancel(session, ended.id, now=LATER, message="by root") == "finished"
        assert jobs.request_cancel(session, uuid.uuid4(), now=LATER, message="by root") is None
        # the runner that stops the running job records the end and keeps the cancel's message
        assert jobs.finish_job(session, running.id, now=LATER, status=jobs.CANCELLED)
        stopped = jobs.get_job(session, running.id)
        assert stopped is not None and (stopped.status, stopped.message) == ("cancelled", "by root")
        assert jobs.get_job(session, ended.id).status == "finished"  # type: ignore[union-attr]


def test_a_restart_interrupts_what_the_stopped_server_left(database: Database) -> None:
    with database.transaction() as session:
        queued, running, cancelling, done = (
            jobs.add_job(session, kind="assessment", params={}, created_by="bob", now=NOW) for _ in range(4)
        )
        jobs.start_job(session, running.id, NOW)
        jobs.start_job(session, cancelling.id, NOW)
        jobs.request_cancel(session, cancelling.id, now=NOW, message="by root")
        jobs.finish_job(session, done.id, now=NOW)
        assert jobs.interrupt_unfinished(session, now=LATER, message="interrupted") == 3
        statuses = [jobs.job_status(session, job.id) for job in (queued, running, cancelling, done)]
        assert statuses == ["interrupted", "interrupted", "cancelled", "finished"]
        assert jobs.get_job(session, queued.id).finished_at is not None  # type: ignore[union-attr]


def test_a_job_process_opens_the_same_database(database: Database) -> None:
    with database.transaction() as session:
        job = jobs.add_job(session, kind="assessment", params={}, created_by="ann", now=NOW)
    other = jobs.job_database(jobs.database_url(database))
    try:
        with other.reading() as session:
            assert jobs.job_status(session, job.id) == "queued"
    finally:
        other.close()
