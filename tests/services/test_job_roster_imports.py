"""The information systems' files (three rosters, service delivery, accessibility findings) imported as
background jobs, as the web import page and the API start them: counts, idempotent re-import, all or
nothing with errors by row and field in kk and ru (IINs masked), the rejected rows' file, hostile files;
on SQLite and PostgreSQL, through the real job runner and its processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from tekseru.services import audit
from tekseru.services.jobs import JobKind, JobRunner, rejected_rows, start_import
from tekseru.services.permissions import Actor, Role
from tekseru.store import Database
from tekseru.store.audit import AuditFilter
from tests.catalogue import CATALOGUE
from tests.services.roster_data import (
    DELIVERY_HEADER,
    FINDING_HEADER,
    IINS,
    PROVIDER_A,
    PROVIDER_B,
    ROSTER_HEADER,
    write,
)
from tests.services.test_jobs import ADMIN, until

PLANNER = Actor("t-planner", Role.PLANNER)
ROSTER = [
    [IINS[0], PROVIDER_A, "stationary", "2024-01-10", ""],
    [IINS[1], PROVIDER_B, "home_care", "2024-02-01", ""],
]
WRONG_DIGIT = IINS[2][:-1] + str((int(IINS[2][-1]) + 1) % 10)


@pytest.fixture
def runner(database: Database) -> Iterator[JobRunner]:
    jobs = JobRunner(database, catalogue=CATALOGUE, workers=1, time_limit=120)
    yield jobs
    jobs.shutdown(wait=False)


def count(database: Database, table: str) -> int:
    with database.reading() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def run(runner: JobRunner, database: Database, kind: JobKind, path: Path, **options: object) -> dict:
    job = start_import(runner, database, PLANNER, kind=kind, path=path, today=date.today(), **options)  # type: ignore[arg-type]
    done = until(runner, job, "finished", "failed")
    return {"status": done.status, "message": done.message, **(done.result or {}), "id": done.id}


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        (JobKind.IMPORT_ROSTER_PROVIDER, "provider"),
        (JobKind.IMPORT_ROSTER_ESOBES, "esobes"),
        (JobKind.IMPORT_ROSTER_PORTAL, "portal"),
    ],
)
def test_a_roster_job_imports_its_source_once_and_is_audited_under_the_job(
    database: Database, runner: JobRunner, tmp_path: Path, kind: JobKind, source: str
) -> None:
    path = write(tmp_path / f"{source}.csv", ROSTER_HEADER, ROSTER)
    first = run(runner, database, kind, path)
    assert first["status"] == "finished", first
    assert (first["rows_read"], first["created"], first["rejected"]) == (2, 2, 0)
    again = run(runner, database, kind, path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    with database.reading() as session:
        sources = session.execute(text("SELECT DISTINCT source FROM roster_entries")).scalars().all()
    assert sources == [source]
    found = audit.browse(database, ADMIN, AuditFilter(entity="job", entity_key=str(first["id"]))).entries
    [entry] = found
    assert (entry.actor, entry.action) == ("t-planner", f"rosters.import.{source}")
    assert entry.after["created"] == 2 and entry.after["error_count"] == 0
    assert IINS[0] not in str(entry.after)  # the audit keeps counts, never a record


def test_delivery_and_finding_jobs_import_their_records(
    database: Database, runner: JobRunner, tmp_path: Path
) -> None:
    deliveries = [[IINS[0], PROVIDER_A, "social_domestic", 10, 8, "2024-05-01"]]
    findings = [["Building 1", PROVIDER_A, "entrance_group", "2024-04-01"]]
    delivered = run(
        runner, database, JobKind.IMPORT_DELIVERIES, write(tmp_path / "d.csv", DELIVERY_HEADER, deliveries)
    )
    found = run(
        runner, database, JobKind.IMPORT_FINDINGS, write(tmp_path / "f.csv", FINDING_HEADER, findings)
    )
    assert (delivered["status"], delivered["created"]) == ("finished", 1), delivered
    assert (found["status"], found["created"]) == ("finished", 1), found
    assert (count(database, "service_deliveries"), count(database, "accessibility_findings")) == (1, 1)


def test_a_bad_row_fails_the_job_keeps_nothing_and_names_row_and_field_in_kk_and_ru(
    database: Database, runner: JobRunner, tmp_path: Path
) -> None:
    rows = [*ROSTER, [WRONG_DIGIT, PROVIDER_A, "stationary", "2024-01-10", ""]]
    failed = run(
        runner, database, JobKind.IMPORT_ROSTER_ESOBES, write(tmp_path / "e.csv", ROSTER_HEADER, rows)
    )
    assert failed["status"] == "failed"
    [error] = failed["errors"]
    assert (error["row"], error["field"], error["kind"]) == (4, "iin", "invalid_iin")
    assert "ЖСН" in error["messages"]["kk"] and "ИИН" in error["messages"]["ru"]
    assert WRONG_DIGIT not in str(failed)  # personal data: the IIN shows its first six digits only
    assert count(database, "roster_entries") == 0


def test_skipping_invalid_rows_keeps_the_others_and_a_file_of_the_rejected(
    database: Database, runner: JobRunner, tmp_path: Path
) -> None:
    bad = [IINS[3], PROVIDER_A, "hotel", "2024-01-10", ""]
    path = write(tmp_path / "portal.csv", ROSTER_HEADER, [*ROSTER, bad])
    done = run(runner, database, JobKind.IMPORT_ROSTER_PORTAL, path, skip_invalid=True)
    assert (done["status"], done["created"], done["rejected"]) == ("finished", 2, 1), done
    assert [(e["row"], e["field"]) for e in done["errors"]] == [(4, "form")]
    rejected = rejected_rows(runner, PLANNER, done["id"]).read_text(encoding="utf-8")
    assert "hotel" in rejected and IINS[0] not in rejected
    assert count(database, "roster_entries") == 2


HOSTILE = {
    # A NUL byte inside a field: refused by row and field.
    "nul": f"{','.join(ROSTER_HEADER)}\n{IINS[0]},{PROVIDER_A},stat\x00ionary,2024-01-10,\n".encode(),
    # Marked as UTF-8 but with a Windows-1251 word in row 2: the reader names the encoding, row and field.
    "mixed": b"\xef\xbb\xbf"
    + f"{','.join(ROSTER_HEADER)}\n{IINS[0]},{PROVIDER_A},".encode()
    + "стационар".encode("cp1251")
    + b",2024-01-10,\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_fails_the_job_with_a_clear_error(
    database: Database, runner: JobRunner, tmp_path: Path, name: str
) -> None:
    path = tmp_path / "hostile.csv"
    path.write_bytes(HOSTILE[name])
    failed = run(runner, database, JobKind.IMPORT_ROSTER_PROVIDER, path)
    assert failed["status"] == "failed", failed
    [first, *_] = failed["errors"]
    assert (first["row"], first["field"]) == (2, "form")
    for language in ("kk", "ru"):
        assert first["messages"][language] and "Traceback" not in first["messages"][language]
    assert first["messages"]["kk"] != first["messages"]["ru"]
    assert count(database, "roster_entries") == 0
