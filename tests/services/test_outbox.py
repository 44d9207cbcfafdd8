"""The outbox against a real SMTP server on loopback, on SQLite and PostgreSQL: every message delivered
once, through an outage in the middle of sending; waits that double; a claim of a worker that died taken
back with the same Message-ID; a permanent refusal kept as failed; two workers never send one message."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tekseru.services.outbox import (
    MailServer,
    RetryPolicy,
    enqueue,
    message_id_for,
    outbox_state,
    send_due,
)
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.store import Database
from tekseru.store.outbox import claim_due
from tests.mail_server import HOST
from tests.mail_server import MailServer as LoopbackServer

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(
    first=timedelta(seconds=60), longest=timedelta(minutes=10), stale_after=timedelta(minutes=5)
)
ADMIN = Actor("root", Role.ADMIN)
# The rules that do not depend on the database run on SQLite alone; delivery through an outage and two
# workers at once run on both.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def smtp() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _server(smtp: LoopbackServer) -> MailServer:
    return MailServer(
        HOST, smtp.port, security="none", sender="tekseru@example.kz", timeout=5, base_url="https://t.kz"
    )


def _queue(db: Database, count: int, *, first: int = 0) -> list[str]:
    keys = []
    with db.transaction() as session:
        for number in range(first, first + count):
            key = f"test:{number}"
            enqueue(
                session,
                key=key,
                kind="list_published",
                recipient=f"subject{number}@example.kz",
                subject=f"Хабарлама {number} / Уведомление {number}",
                body=f"Мәтін {number}\n/public/lists/{number}?lang=kk\n",
                now=T0,
            )
            keys.append(key)
    return keys


def test_every_message_is_delivered_once_through_an_outage(database: Database, smtp: LoopbackServer) -> None:
    keys = _queue(database, 6)
    clock = Clock(T0)
    first = send_due(database, _server(smtp), retry=POLICY, limit=2, now=clock)
    assert (first.sent, first.retried) == (2, 0)

    # The server goes down in the middle of the queue: the others wait, each with one attempt counted.
    smtp.stop()
    down = send_due(database, _server(smtp), retry=POLICY, limit=10, now=clock)
    assert (down.sent, down.retried) == (0, 4)
    state = outbox_state(database, ADMIN)
    assert state.counts == {"pending": 4, "sending": 0, "sent": 2, "failed": 0}
    waiting = [message for message in state.messages if message.status == "pending"]
    assert {message.attempts for message in waiting} == {1}
    assert all(
        message.next_attempt_at.replace(tzinfo=UTC) == T0 + timedelta(seconds=60) for message in waiting
    )
    assert all("Connection" in (message.last_error or "") for message in waiting)

    # Not due yet: nothing is tried. Then due again, still down: the wait doubles.
    assert send_due(database, _server(smtp), retry=POLICY, now=clock).retried == 0
    clock.now = T0 + timedelta(seconds=61)
    assert send_due(database, _server(smtp), retry=POLICY, now=clock).retried == 4
    waiting = [m for m in outbox_state(database, ADMIN).messages if m.status == "pending"]
    assert {m.next_attempt_at.replace(tzinfo=UTC) for m in waiting} == {clock.now + timedelta(seconds=120)}

    # Back up: the rest are delivered, and nothing is sent twice.
    smtp.start()
    clock.now += timedelta(seconds=121)
    last = send_due(database, _server(smtp), retry=POLICY, now=clock)
    assert (last.sent, last.retried, last.failed) == (4, 0, 0)
    assert sorted(smtp.received.message_ids()) == sorted(message_id_for(key) for key in keys)
    assert outbox_state(database, ADMIN).counts["sent"] == 6
    assert send_due(database, _server(smtp), retry=POLICY, now=clock).sent == 0
    assert len(smtp.received.messages) == 6
    first_message = smtp.received.messages[0]
    assert first_message["From"] == "tekseru@example.kz"
    assert "https://t.kz/public/lists/0?lang=kk" in first_message.get_payload(decode=True).decode()


@SQLITE_ONLY
def test_a_server_that_refuses_for_now_mid_connection_keeps_the_rest_waiting(
    database: Database, smtp: LoopbackServer
) -> None:
    keys = _queue(database, 4)
    smtp.received.busy_after = 1
    clock = Clock(T0)
    report = send_due(database, _server(smtp), retry=POLICY, now=clock)
    assert (report.sent, report.retried) == (1, 3)
    assert "421" in report.errors[0]
    smtp.received.busy_after = None
    clock.now += timedelta(minutes=2)
    assert send_due(database, _server(smtp), retry=POLICY, now=clock).sent == 3
    assert sorted(smtp.received.message_ids()) == sorted(message_id_for(key) for key in keys)


@SQLITE_ONLY
def test_a_claim_of_a_worker_that_died_is_taken_back_with_the_same_message_id(
    database: Database, smtp: LoopbackServer
) -> None:
    [key] = _queue(database, 1)
    with database.transaction() as session:  # a worker claims it, then dies before sending
        [claimed] = claim_due(session, worker="dead", now=T0, limit=10, stale_after=POLICY.stale_after)
    assert claimed.status == "sending"
    assert send_due(database, _server(smtp), retry=POLICY, now=Clock(T0 + timedelta(minutes=1))).sent == 0
    later = Clock(T0 + timedelta(minutes=6))
    assert send_due(database, _server(smtp), retry=POLICY, now=later).sent == 1
    assert smtp.received.message_ids() == [message_id_for(key)]
    [message] = outbox_state(database, ADMIN).messages
    assert (message.status, message.attempts) == ("sent", 2)


def test_two_workers_at_once_send_each_message_once(database: Database, smtp: LoopbackServer) -> None:
    keys = _queue(database, 8)
    reports = []

    def work(name: str) -> None:
        reports.append(send_due(database, _server(smtp), retry=POLICY, worker=name, now=Clock(T0)))

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(report.sent for report in reports) == 8
    assert sorted(smtp.received.message_ids()) == sorted(message_id_for(key) for key in keys)


@SQLITE_ONLY
def test_an_address_refused_for_good_is_failed_and_the_others_go(
    database: Database, smtp: LoopbackServer
) -> None:
    _queue(database, 3)
    smtp.received.refused_addresses.add("subject1@example.kz")
    report = send_due(database, _server(smtp), retry=POLICY, now=Clock(T0))
    assert (report.sent, report.failed, report.retried) == (2, 1, 0)
    state = outbox_state(database, ADMIN, status="failed")
    assert [m.recipient for m in state.messages] == ["subject1@example.kz"]
    assert "550" in (state.messages[0].last_error or "")
    assert send_due(database, _server(smtp), retry=POLICY, now=Clock(T0 + timedelta(days=1))).failed == 0


@SQLITE_ONLY
def test_the_same_notice_is_stored_once(database: Database) -> None:
    _queue(database, 2)
    _queue(database, 3)
    assert outbox_state(database, ADMIN).counts["pending"] == 3


@SQLITE_ONLY
def test_without_a_mail_server_messages_wait(database: Database) -> None:
    _queue(database, 1)
    assert send_due(database, MailServer("", 25), now=Clock(T0)).sent == 0
    assert outbox_state(database, ADMIN).counts["pending"] == 1


@SQLITE_ONLY
def test_only_administrators_see_the_outbox(database: Database) -> None:
    for role in (Role.PLANNER, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            outbox_state(database, Actor("someone", role))
    with pytest.raises(PermissionDenied):
        outbox_state(database, Actor("inspector", Role.INSPECTOR, region="astana"))
