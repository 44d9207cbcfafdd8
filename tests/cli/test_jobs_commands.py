"""`tekseru jobs list` and `tekseru jobs cancel`, on SQLite and PostgreSQL: the command line has a job runner
of its own, so its cancel reaches the runner that runs the job through the database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from tekseru.cli import jobs_commands
from tekseru.services import audit
from tekseru.services.jobs import JobKind, JobRunner, start_import
from tekseru.services.permissions import Actor
from tekseru.store import Database
from tekseru.store.audit import AuditFilter
from tests.catalogue import CATALOGUE
from tests.databases import database, database_url, postgres_server

__all__ = ["database", "database_url", "postgres_server"]

ADMIN = Actor.system("t-admin")


@pytest.fixture
def invoke(database_url: str, tmp_path: Path) -> Any:
    env = {"TEKSERU_DATABASE_URL": database_url, "COLUMNS": "250"}
    app = typer.Typer(pretty_exceptions_enable=False)
    app.add_typer(jobs_commands.app, name="jobs")

    def run(*args: str, code: int = 0) -> Result:
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result

    return run


@pytest.fixture
def server(database: Database) -> Iterator[JobRunner]:
    """The job runner of a server, with one job slot."""
    runner = JobRunner(database, catalogue=CATALOGUE, workers=1, time_limit=120)
    yield runner
    runner.shutdown(wait=False)


def slow_file(folder: Path) -> Path:
    path = folder / "slow.csv"
    path.write_text("bin,name,region,groups\n" + "\n" * 10_000_000, encoding="utf-8")
    return path


def test_list_and_cancel_a_running_and_a_queued_job(
    invoke: Any, server: JobRunner, database: Database, tmp_path: Path
) -> None:
    assert "Тапсырмалар жоқ." in invoke("jobs", "list").output
    assert "Заданий нет." in invoke("jobs", "list", "--lang", "ru").output
    running = start_import(
        server, database, ADMIN, kind=JobKind.IMPORT_SUBJECTS, path=slow_file(tmp_path), today=date.today()
    )
    queued = start_import(
        server, database, ADMIN, kind=JobKind.IMPORT_SUBJECTS, path=slow_file(tmp_path), today=date.today()
    )
    while server.get(ADMIN, running.id).status != "running":
        time.sleep(0.05)
    listed = invoke("jobs", "list").output
    assert f"{running.id}  Субъектілерді импорттау  Орындалуда" in listed
    assert f"{queued.id}  Субъектілерді импорттау  Басталуын күтуде" in listed and "slow.csv" in listed
    russian = invoke("jobs", "list", "--lang", "ru").output
    assert f"{queued.id}  Импорт субъектов  Ожидает запуска" in russian and "import_subjects" not in russian
    assert (
        invoke("jobs", "cancel", str(queued.id), "--by", "ops").output.strip()
        == f"{queued.id} тапсырмасы: Тоқтатылды."
    )
    cancelled = invoke(
        "jobs", "cancel", str(running.id), "--by", "ops", "--wait", "60", "--lang", "ru"
    ).output
    assert cancelled.strip() == f"Задание {running.id}: Отменено."
    assert [server.get(ADMIN, job.id).status for job in (running, queued)] == ["cancelled", "cancelled"]
    entries = audit.browse(database, ADMIN, AuditFilter(action="job.cancel")).entries
    assert sorted((e.actor, e.entity_key) for e in entries) == sorted(
        [("ops", str(running.id)), ("ops", str(queued.id))]
    )
    assert "аяқталып қойған (тоқтатылды)" in invoke("jobs", "cancel", str(running.id), code=1).output
    ended = invoke("jobs", "cancel", str(running.id), "--lang", "en", code=1).output
    assert "has ended already (cancelled)" in ended
    assert "тапсырма идентификаторы емес" in invoke("jobs", "cancel", "12", code=1).output
    missing = invoke("jobs", "cancel", "00000000-0000-0000-0000-000000000000", "--lang", "ru", code=1).output
    assert "задания 00000000-0000-0000-0000-000000000000 нет" in missing
