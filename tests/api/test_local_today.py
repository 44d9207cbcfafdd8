"""Every "today" of the application is the date in the `time_zone` setting (Asia/Almaty by default), never
UTC's: at 20:30 UTC on 1 March 2027 it is already 2 March in Almaty, so a violation whose deadline was
1 March is overdue there, on the inspectors' list, the subject's portal and the violations' export, and
the deadline reminders count the days from 2 March. The app is handed a fixed clock (`create_app(clock=)`)
on one real SQLite database; the same moment with the setting `UTC`, or 18:30 UTC (23:30 in Almaty), is
still 1 March and nothing is overdue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.services import inspections
from tekseru.services.notices import remind_deadlines, set_subject_email
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, add_subjects, inspect
from tests.web.conftest import sign_in
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

SYSTEM = Actor.system("tests")
DEADLINE = date(2027, 3, 1)
EVENING_IN_UTC = datetime(2027, 3, 1, 20, 30, tzinfo=UTC)  # 01:30 on 2 March in Almaty
LATE_IN_ALMATY = datetime(2027, 3, 1, 18, 30, tzinfo=UTC)  # 23:30 on 1 March in Almaty


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A database with one completed inspection whose violation (item 1) is due on 1 March 2027, a subject
    account for its BIN and an inspector."""
    settings = Settings(attachments_dir=str(tmp_path / "files")).with_database_path(tmp_path / "db.sqlite3")
    made = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=CATALOGUE)
    db = made.state.tekseru.database()
    add_subjects(db)
    record = inspect(db, 0, non_compliant=[1])
    inspections.follow_up(
        db, Actor.system("inspector"), record.id, 1, today=date(2024, 6, 30), deadline=DEADLINE
    )
    for name, role, region, bins in (
        ("own", "subject", None, [BINS[0]]),
        ("insp", "inspector", "astana", []),
    ):
        create_user(db, SYSTEM, username=name, full_name=name, role=role, region=region, bins=bins,
                    password=PASSWORD, passwords=CHEAP_PASSWORDS)  # fmt: skip
    made.state.tekseru.close()
    return settings


def app_at(settings: Settings, moment: datetime, zone: str = "Asia/Almaty") -> FastAPI:
    return create_app(
        settings.model_copy(update={"time_zone": zone}),
        passwords=CHEAP_PASSWORDS,
        catalogue=CATALOGUE,
        clock=lambda: moment,
    )


def statuses(app: FastAPI) -> dict[str, object]:
    """The violation's status as the inspector's list, its export and the subject's portal show it."""
    inspector, subject = TestClient(app), TestClient(app)
    sign_in(inspector, "insp"), sign_in(subject, "own")
    listed = inspector.get("/api/v1/violations").json()
    overdue = inspector.get("/api/v1/violations", params={"status": "overdue"}).json()
    exported = inspector.get("/api/v1/exports/violations", params={"format": "csv", "lang": "kk"}).text
    portal = subject.get("/api/v1/my").json()
    return {
        "list": [one["status"] for one in listed],
        "overdue": len(overdue),
        "export": "Мерзімі өткен" in exported,  # the status column, in Kazakh
        "portal": [one["status"] for one in portal["violations"]],
    }


@pytest.mark.parametrize(
    ("moment", "zone", "local_day", "status"),
    [
        (EVENING_IN_UTC, "Asia/Almaty", date(2027, 3, 2), "overdue"),
        (EVENING_IN_UTC, "UTC", date(2027, 3, 1), "open"),
        (LATE_IN_ALMATY, "Asia/Almaty", date(2027, 3, 1), "open"),
    ],
)
def test_the_local_day_decides_what_is_overdue(
    settings: Settings, moment: datetime, zone: str, local_day: date, status: str
) -> None:
    app = app_at(settings, moment, zone)
    try:
        assert app.state.tekseru.today() == local_day
        seen = statuses(app)
        assert seen == {
            "list": [status],
            "overdue": int(status == "overdue"),
            "export": status == "overdue",
            "portal": [status],
        }
    finally:
        app.state.tekseru.close()


def test_deadline_reminders_count_the_days_from_the_local_day(settings: Settings) -> None:
    """The reminders the server's outbox worker queues (`create_app`'s `before_pass`) are handed the app's
    today: a deadline of 3 March is one day away at 20:30 UTC on 1 March (2 March in Almaty)."""
    app = app_at(settings, EVENING_IN_UTC)
    db = app.state.tekseru.database()
    try:
        record = inspect(db, 1, non_compliant=[2])
        inspections.follow_up(
            db, Actor.system("inspector"), record.id, 2, today=date(2024, 6, 30), deadline=date(2027, 3, 3)
        )
        set_subject_email(db, SYSTEM, BINS[1], "shapagat@example.kz")
        day: Callable[[], date] = app.state.tekseru.today
        # on UTC's day (1 March) it is two days away: no reminder at the step of one day
        assert remind_deadlines(db, SYSTEM, days=(1,), today=date(2027, 3, 1), now=EVENING_IN_UTC) == 0
        assert remind_deadlines(db, SYSTEM, days=(1,), today=day(), now=EVENING_IN_UTC) == 1
    finally:
        app.state.tekseru.close()
