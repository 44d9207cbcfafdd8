"""`tekseru outbox`: the notices by e-mail. `send` sends what is due once, `work` keeps sending (and queues
the deadline reminders) until stopped, `remind` queues the reminders of deadlines near, `status` shows the
outbox, and `subject-email` / `user-email` set where notices go. Mail goes through the SMTP settings
(`TEKSERU_SMTP_HOST`, ..., docs/settings.md)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.clock import cli_today
from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail, opened_database
from tekseru.cli.language import LangOption, Words, chosen
from tekseru.cli.tables import print_table

app = typer.Typer(help="Notices by e-mail: send the outbox, queue deadline reminders, show the outbox.")

Email = Annotated[str, typer.Argument(help='The e-mail address ("" removes it).')]


def _report(words: Words, sent: int, retried: int, failed: int) -> None:
    Console(soft_wrap=True).print(words("cli.outbox.sent", sent=sent, retried=retried, failed=failed))


@app.command("send")
def send(db: DbOption = None, lang: LangOption = None) -> None:
    """Send the notices that are due, once, through the SMTP settings; the ones the server does not take
    wait for their next attempt."""
    from tekseru.services.outbox import MailServer, RetryPolicy, send_due
    from tekseru.settings import Settings

    words, settings = Words(chosen(lang)), Settings.from_environment()
    server = MailServer.from_settings(settings)
    if not server.configured:
        fail(words("cli.outbox.not_configured"))
    with opened_database(db) as database:
        report = send_due(database, server, retry=RetryPolicy.from_settings(settings))
    _report(words, report.sent, report.retried, report.failed)


@app.command("remind")
def remind(
    today: Annotated[str | None, typer.Option("--today", help="The day to count from (YYYY-MM-DD).")] = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Queue the reminders of violation deadlines near (the days before: TEKSERU_NOTICE_DEADLINE_DAYS)."""
    from tekseru.services.notices import remind_deadlines
    from tekseru.settings import Settings

    words, settings = Words(chosen(lang)), Settings.from_environment()
    try:
        day = cli_today() if today is None else date.fromisoformat(today)
    except ValueError:
        fail(words("cli.outbox.bad_day", day=repr(today)))
    with opened_database(db) as database:
        queued = remind_deadlines(database, cli_actor(), days=settings.deadline_days, today=day)
    Console(soft_wrap=True).print(words("cli.outbox.queued", count=queued))


@app.command("work")
def work(
    interval: Annotated[float, typer.Option("--interval", min=0.1, help="Seconds between passes.")] = 30.0,
    passes: Annotated[
        int | None, typer.Option("--passes", min=1, help="Stop after this many passes.")
    ] = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Keep sending: every --interval seconds queue the deadline reminders and send what is due, until
    stopped (Ctrl+C) or --passes passes are done."""
    from tekseru.services.notices import remind_deadlines
    from tekseru.services.outbox import MailServer, RetryPolicy, run_worker
    from tekseru.settings import Settings

    words, settings = Words(chosen(lang)), Settings.from_environment()
    server = MailServer.from_settings(settings)
    if not server.configured:
        fail(words("cli.outbox.not_configured"))
    stop = threading.Event()
    with opened_database(db) as database:

        def before() -> object:
            return remind_deadlines(database, cli_actor(), days=settings.deadline_days, today=cli_today())

        try:
            report = run_worker(
                database,
                server,
                retry=RetryPolicy.from_settings(settings),
                interval=interval,
                stop=stop,
                before_pass=before,
                passes=passes,
            )
        except KeyboardInterrupt:
            stop.set()
            return
    _report(words, report.sent, report.retried, report.failed)


@app.command("status")
def status(
    only: Annotated[str | None, typer.Option("--status", help="Only messages of this status.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many, newest first.")] = 20,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """How many notices wait, are being sent, were sent and failed; the newest of them."""
    from tekseru.i18n import format_datetime
    from tekseru.services.outbox import OUTBOX_STATUSES, outbox_state
    from tekseru.settings import Settings

    words = Words(chosen(lang))
    if only is not None and only not in OUTBOX_STATUSES:
        fail(words("cli.outbox.bad_status", status=repr(only), statuses=", ".join(OUTBOX_STATUSES)))
    with opened_database(db) as database:
        state = outbox_state(database, cli_actor(), status=only, limit=limit)
    console = Console(soft_wrap=True)
    console.print(
        ", ".join(f"{words('outbox.status.' + name)}: {count}" for name, count in state.counts.items())
    )
    zone = Settings.from_environment().time_zone
    table = Table(
        *(
            words(f"outbox.column.{name}")
            for name in ("id", "kind", "recipient", "status", "attempts", "created", "last_error")
        ),
        box=None,
    )
    for message in state.messages:
        table.add_row(
            str(message.id),
            words(f"outbox.kind.{message.kind}"),
            message.recipient,
            words(f"outbox.status.{message.status}"),
            str(message.attempts),
            format_datetime(message.created_at, words.language, zone),
            message.last_error or "",
        )
    if state.messages:
        print_table(console, table)


@app.command("subject-email")
def subject_email(
    bin: Annotated[str, typer.Argument(help="The subject's BIN.")],
    email: Email,
    by: ByOption = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Set the address at which a subject receives notices."""
    from tekseru.services.notices import set_subject_email

    _set_contact(set_subject_email, bin, email, by, db, lang)


@app.command("user-email")
def user_email(
    username: Annotated[str, typer.Argument(help="The user's name.")],
    email: Email,
    by: ByOption = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Set the address at which a user (an inspector, a planner) receives notices."""
    from tekseru.services.notices import set_user_email

    _set_contact(set_user_email, username, email, by, db, lang)


def _set_contact(
    setter: Callable[..., object], whose: str, email: str, by: str | None, db: str | None, lang: str | None
) -> None:
    from tekseru.services.notices import ContactError

    words = Words(chosen(lang))
    with opened_database(db) as database:
        try:
            setter(database, cli_actor(by), whose, email)
        except ContactError as error:
            fail(error, words.language)
    Console(soft_wrap=True).print(words("cli.outbox.contact_set"))
