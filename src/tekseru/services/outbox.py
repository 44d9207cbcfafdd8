"""The mail outbox: notices are stored in the transaction of the change that causes them (`enqueue`) and
sent later over SMTP by a worker (`send_due`, `run_worker`; `tekseru outbox send`, `tekseru outbox work`).

Nothing is lost: a message stays in the table until the mail server has accepted it. A failed attempt (the
server down, a timeout, a temporary refusal) puts it back to wait, each time twice as long
(`outbox_retry_seconds`, at most `outbox_retry_max_seconds`). Nothing is sent twice: a worker claims a
message (status `sending`, one more attempt) with a compare-and-set before sending, so no two workers
send it, and marks it sent right after the server accepts it. Were a worker killed between the two, its
claim is taken back after a while and the message sent again with the same Message-ID (made from the
notice's key), which mail servers and clients treat as the same message. A permanent refusal (5xx, such as
an unknown address) marks the message failed; administrators see it with the server's answer.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy.orm import Session

from tekseru.services.permissions import Actor, Permission
from tekseru.settings import Settings
from tekseru.store import Database
from tekseru.store.outbox import (
    OUTBOX_STATUSES,
    OutboxRecord,
    add_message,
    claim_due,
    count_by_status,
    list_messages,
    mark_failed,
    mark_retry,
    mark_sent,
)

log = logging.getLogger("tekseru.outbox")

__all__ = [
    "OUTBOX_STATUSES",
    "MailServer",
    "OutboxRecord",
    "OutboxState",
    "RetryPolicy",
    "SendReport",
    "background_worker",
    "enqueue",
    "message_id_for",
    "outbox_state",
    "run_worker",
    "send_due",
]


@dataclass(frozen=True)
class MailServer:
    """Where and how to send: the SMTP settings."""

    host: str
    port: int
    security: str = "starttls"
    username: str = ""
    password: str = ""
    sender: str = "tekseru@localhost"
    timeout: float = 30.0
    base_url: str = ""  # put before the links (paths on lines of their own) of a message's body

    @classmethod
    def from_settings(cls, settings: Settings) -> MailServer:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password,
            sender=settings.mail_from,
            timeout=float(settings.smtp_timeout_seconds),
            base_url=settings.public_url.rstrip("/"),
        )

    @property
    def configured(self) -> bool:
        return bool(self.host)

    def connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                client.starttls(context=ssl.create_default_context())
        if self.username:
            client.login(self.username, self.password)
        return client


@dataclass(frozen=True)
class RetryPolicy:
    """The wait after the n-th failed attempt: `first` × 2^(n-1), at most `longest`; a claim older than
    `stale_after` belongs to a worker that died and is taken back."""

    first: timedelta = timedelta(seconds=60)
    longest: timedelta = timedelta(hours=1)
    stale_after: timedelta = timedelta(minutes=10)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            first=timedelta(seconds=settings.outbox_retry_seconds),
            longest=timedelta(seconds=settings.outbox_retry_max_seconds),
            stale_after=timedelta(seconds=max(600, 4 * settings.smtp_timeout_seconds)),
        )

    def wait_after(self, attempts: int) -> timedelta:
        factor: int = 2 ** min(max(attempts - 1, 0), 30)
        wait: timedelta = min(self.first * factor, self.longest)
        return wait


@dataclass
class SendReport:
    """What one pass of the worker did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def message_id_for(key: str, sender: str = "tekseru@localhost") -> str:
    """The Message-ID of the notice with this key: the same key, the same Message-ID."""
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    sender: str = "tekseru@localhost",
    now: datetime | None = None,
) -> bool:
    """Store a notice in the caller's transaction (so it exists exactly when the change that causes it
    does); a notice with the same key is stored once. True when stored now."""
    return add_message(
        session,
        key=key,
        message_id=message_id_for(key, sender),
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        now=now or datetime.now(UTC),
    )


def _with_links(body: str, base_url: str) -> str:
    """The body with `base_url` before every link (a line that is a path: "/public/lists/3?lang=kk")."""
    return "\n".join(f"{base_url}{line}" if line.startswith("/") else line for line in body.split("\n"))


def _email(record: OutboxRecord, server: MailServer, now: datetime) -> EmailMessage:
    sender = server.sender
    message = EmailMessage()
    message["From"] = sender
    message["To"] = record.recipient
    message["Subject"] = record.subject
    message["Message-ID"] = record.message_id
    message["Date"] = format_datetime(record.created_at if record.created_at.tzinfo else now)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_with_links(record.body, server.base_url))
    return message


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return (
        isinstance(error, smtplib.SMTPResponseException)
        and error.smtp_code >= 500
        and not isinstance(error, smtplib.SMTPServerDisconnected)
    )


def send_due(
    db: Database,
    server: MailServer,
    *,
    retry: RetryPolicy | None = None,
    worker: str | None = None,
    limit: int = 50,
    now: Callable[[], datetime] | None = None,
) -> SendReport:
    """One pass: claim up to `limit` due messages and send them over one connection. A message the server
    accepts is marked sent at once; when the server cannot be reached or the connection breaks, the claimed
    messages not yet sent wait for their next attempt."""
    policy = retry or RetryPolicy()
    clock = now or (lambda: datetime.now(UTC))
    name = worker or f"{socket.gethostname()}:{threading.get_ident()}"
    report = SendReport()
    if not server.configured:
        return report
    with db.transaction() as session:
        claimed = claim_due(session, worker=name, now=clock(), limit=limit, stale_after=policy.stale_after)
    if not claimed:
        return report
    client: smtplib.SMTP | None = None
    try:
        client = server.connect()
    except (OSError, smtplib.SMTPException) as error:
        _wait(db, claimed, name, policy, clock(), error, report)
        return report
    try:
        for index, record in enumerate(claimed):
            try:
                client.send_message(_email(record, server, clock()))
            except (OSError, smtplib.SMTPException) as error:
                if _permanent(error):
                    with db.transaction() as session:
                        mark_failed(session, record.id, worker=name, error=_describe(error))
                    report.failed += 1
                    report.errors.append(_describe(error))
                    continue
                _wait(db, claimed[index:], name, policy, clock(), error, report)
                break
            with db.transaction() as session:
                mark_sent(session, record.id, worker=name, now=clock())
            report.sent += 1
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    return report


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _wait(
    db: Database,
    records: list[OutboxRecord],
    worker: str,
    policy: RetryPolicy,
    now: datetime,
    error: BaseException,
    report: SendReport,
) -> None:
    with db.transaction() as session:
        for record in records:
            mark_retry(
                session,
                record.id,
                worker=worker,
                error=_describe(error),
                at=now + policy.wait_after(record.attempts),
            )
    report.retried += len(records)
    report.errors.append(_describe(error))


def run_worker(
    db: Database,
    server: MailServer,
    *,
    retry: RetryPolicy | None = None,
    interval: float = 5.0,
    stop: threading.Event | None = None,
    before_pass: Callable[[], object] | None = None,
    passes: int | None = None,
) -> SendReport:
    """Send due messages every `interval` seconds until `stop` is set (or `passes` passes are done);
    `before_pass` runs first each time (the deadline reminders). The totals of all passes."""
    stopping = stop or threading.Event()
    total = SendReport()
    done = 0
    while not stopping.is_set() and (passes is None or done < passes):
        try:
            if before_pass is not None:
                before_pass()
            report = send_due(db, server, retry=retry)
        except Exception as error:  # a database busy or gone for a moment: the next pass tries again
            log.warning("the outbox pass failed: %s", error)
            report = SendReport(errors=[_describe(error)])
        total.sent, total.retried, total.failed = (
            total.sent + report.sent,
            total.retried + report.retried,
            total.failed + report.failed,
        )
        total.errors.extend(report.errors)
        done += 1
        if passes is None or done < passes:
            stopping.wait(interval)
    return total


def background_worker(
    db: Database,
    server: MailServer,
    *,
    retry: RetryPolicy | None = None,
    interval: float = 30.0,
    before_pass: Callable[[], object] | None = None,
) -> Callable[[], None]:
    """`run_worker` in a daemon thread (the web server's, when a mail server is set); the function it
    returns stops the thread and waits for it a few seconds."""
    stop = threading.Event()

    def work() -> None:
        run_worker(db, server, retry=retry, interval=interval, stop=stop, before_pass=before_pass)

    thread = threading.Thread(target=work, name="tekseru-outbox", daemon=True)
    thread.start()

    def stopping() -> None:
        stop.set()
        thread.join(timeout=server.timeout + 5)

    return stopping


@dataclass(frozen=True)
class OutboxState:
    """What administrators see: how many messages are in each status, and the newest messages."""

    counts: dict[str, int]
    messages: list[OutboxRecord]


def outbox_state(db: Database, actor: Actor, *, status: str | None = None, limit: int = 100) -> OutboxState:
    """The outbox as administrators see it (the newest `limit` messages, of one status when given)."""
    actor.require(Permission.READ_OUTBOX)
    if status is not None and status not in OUTBOX_STATUSES:
        raise ValueError(f"unknown outbox status {status!r}")
    with db.reading() as session:
        return OutboxState(count_by_status(session), list(list_messages(session, status=status, limit=limit)))
