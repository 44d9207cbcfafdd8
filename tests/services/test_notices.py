"""Notices: a reminder when a violation's deadline nears (on the days the setting names, each once), an
inspector assigned, the planners when a remediation report arrives; addresses checked and audited; every
notice in Kazakh, then Russian."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tekseru.services import inspections
from tekseru.services.audit import browse
from tekseru.services.notices import (
    ContactError,
    notify_inspector_assigned,
    notify_report_submitted,
    remind_deadlines,
    set_subject_email,
    set_user_email,
)
from tekseru.services.outbox import outbox_state
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.store.audit import AuditFilter
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, SUBJECTS, SYSTEM, TODAY, add_subjects, inspect
from tests.web.support import CHEAP_PASSWORDS, create_user

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
DEADLINE = TODAY + timedelta(days=20)


def _outbox(db: Database) -> list[tuple[str, str]]:
    return sorted((message.kind, message.recipient) for message in outbox_state(db, SYSTEM).messages)


def test_a_deadline_near_is_told_once_on_each_day_of_the_setting(database: Database) -> None:
    add_subjects(database)
    record = inspect(database, 0, non_compliant=[1, 3])
    inspections.follow_up(database, SYSTEM, record.id, 1, deadline=DEADLINE, today=TODAY)
    inspections.follow_up(database, SYSTEM, record.id, 3, deadline=DEADLINE, today=TODAY)
    set_subject_email(database, SYSTEM, BINS[0], " meyirim@example.kz ")
    days = Settings(notice_deadline_days="1, 7").deadline_days
    assert days == (7, 1)

    def remind(left: int) -> int:
        return remind_deadlines(database, SYSTEM, days=days, today=DEADLINE - timedelta(days=left))

    assert remind(10) == 0
    assert remind(7) == 2  # both violations
    assert remind(7) == 0 and remind(3) == 0  # told already for the step of 7 days
    inspections.follow_up(
        database, SYSTEM, record.id, 3, status="eliminated", eliminated_on=TODAY, today=TODAY
    )
    assert remind(1) == 1  # the open one only
    assert remind(0) == 0 and remind(-1) == 0
    messages = outbox_state(database, SYSTEM).messages
    assert {message.recipient for message in messages} == {"meyirim@example.kz"}
    last = messages[0]
    assert last.kind == "deadline_near"
    assert SUBJECTS[0][0] in last.subject and "1 күн қалды" in last.subject
    kk, ru = last.body.split("— — —")
    assert "1-тармағындағы" in kk and f"{DEADLINE:%d.%m.%Y}" in kk
    assert "по пункту 1" in ru and "осталось дней: 1" in ru
    with pytest.raises(ValueError):
        Settings(notice_deadline_days="7,0")
    with pytest.raises(PermissionDenied):
        remind_deadlines(database, Actor("v", Role.VIEWER), days=days, today=date.today())


def test_an_inspector_assigned_and_the_planners_when_a_report_arrives(database: Database) -> None:
    add_subjects(database)
    record = inspect(database, 3, non_compliant=[1])
    for username, role, region in (
        ("asqarov", "inspector", "astana"),
        ("planner1", "planner", None),
        ("planner2", "planner", None),
        ("viewer1", "viewer", None),
    ):
        create_user(
            database,
            SYSTEM,
            username=username,
            full_name=username,
            role=role,
            region=region,
            passwords=CHEAP_PASSWORDS,
        )
    set_user_email(database, SYSTEM, "asqarov", "asqarov@example.kz")
    set_user_email(database, SYSTEM, "planner1", "planner1@example.kz")
    set_user_email(database, SYSTEM, "viewer1", "viewer1@example.kz")

    with database.transaction() as session:
        assert notify_inspector_assigned(
            session,
            inspection_id=record.id,
            username="asqarov",
            regions=CATALOGUE.regions,
            full_name="Асқаров А.",
        )
        assert not notify_inspector_assigned(
            session, inspection_id=record.id, username="asqarov", regions=CATALOGUE.regions
        )
        assert not notify_inspector_assigned(
            session, inspection_id=record.id, username="planner2", regions=CATALOGUE.regions
        )  # no address
    violation = inspections.follow_up(database, SYSTEM, record.id, 1, deadline=DEADLINE, today=TODAY)
    with database.transaction() as session:
        assert notify_report_submitted(session, report_id=41, violation_id=violation.record.id) == 1
        assert notify_report_submitted(session, report_id=41, violation_id=violation.record.id) == 0
    assert _outbox(database) == [
        ("inspector_assigned", "asqarov@example.kz"),
        ("report_submitted", "planner1@example.kz"),
    ]
    assigned = next(m for m in outbox_state(database, SYSTEM).messages if m.kind == "inspector_assigned")
    assert "Асқаров А., сәлеметсіз бе!" in assigned.body and "Здравствуйте, Асқаров А.!" in assigned.body
    assert f"/inspections/{record.id}?lang=ru" in assigned.body and "Астана" in assigned.body

    with database.transaction() as session:  # a rolled-back change leaves no notice behind
        notify_report_submitted(session, report_id=42, violation_id=violation.record.id)
        session.rollback()
    assert len(_outbox(database)) == 2


def test_addresses_are_checked_permitted_and_audited(database: Database) -> None:
    add_subjects(database)
    for bad in ("not an address", "a@b", "x@y.kz, z@w.kz", "a" * 320 + "@example.kz"):
        with pytest.raises(ContactError):
            set_subject_email(database, SYSTEM, BINS[0], bad)
    with pytest.raises(ContactError):
        set_subject_email(database, SYSTEM, BINS[9], "x@example.kz")
    with pytest.raises(ContactError):
        set_user_email(database, SYSTEM, "nobody", "x@example.kz")
    with pytest.raises(PermissionDenied):
        set_subject_email(database, Actor("v", Role.VIEWER), BINS[0], "x@example.kz")
    with pytest.raises(PermissionDenied):
        set_user_email(database, Actor("p", Role.PLANNER), "p", "x@example.kz")
    set_subject_email(database, Actor("planner", Role.PLANNER), BINS[0], "x@example.kz")
    set_subject_email(database, Actor("planner", Role.PLANNER), BINS[0], "")
    entries = browse(database, SYSTEM, AuditFilter(action="subject.contact")).entries
    assert [entry.after for entry in entries] == [{"email": None}, {"email": "x@example.kz"}]


def test_assigning_an_inspector_queues_its_notice_with_the_assignment(database: Database) -> None:
    add_subjects(database)
    record = inspect(database, 3)
    create_user(
        database, SYSTEM, username="nurlan", full_name="Нұрлан Б.", role="inspector", region="astana",
        passwords=CHEAP_PASSWORDS,
    )  # fmt: skip
    set_user_email(database, SYSTEM, "nurlan", "nurlan@example.kz")
    inspections.assign_inspectors(database, SYSTEM, record.id, ["nurlan"], catalogue=CATALOGUE)
    inspections.assign_inspectors(
        database, SYSTEM, record.id, ["nurlan"], catalogue=CATALOGUE
    )  # no one new: no second notice
    assert _outbox(database) == [("inspector_assigned", "nurlan@example.kz")]
    # greeted by name, and told the number the inspection goes by on "My visits" and on its forms
    (message,) = [m for m in outbox_state(database, SYSTEM).messages if m.kind == "inspector_assigned"]
    (number,) = inspections.inspection_numbers(database, SYSTEM, [record]).values()
    assert "Нұрлан Б., сәлеметсіз бе!" in message.body and "Здравствуйте, Нұрлан Б.!" in message.body
    assert number in message.subject and message.body.count(number) == 2, (number, message.body)
