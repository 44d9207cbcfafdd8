"""Notices by e-mail: what each one says (Jinja2 text templates in Kazakh and Russian, in
`services/templates/mail/`), to whom it goes, and the key that makes it one message however often it is
asked for. Every notice is stored in the outbox in the transaction of the change that causes it
(`tekseru.services.outbox`) and sent by the outbox worker.

- a subject, when a list that includes it is published (`notify_list_published`, called by
  `plans.publish_plan`), and when a deadline of one of its violations nears (`remind_deadlines`: the days
  before are the setting `notice_deadline_days`, not code);
- an inspector, when assigned to an inspection (`notify_inspector_assigned`);
- the planners, when a remediation report arrives (`notify_report_submitted`).

The session-level functions take the caller's `Session` and check nothing (the caller's use case checked
the permission); the use cases `remind_deadlines`, `set_subject_email` and `set_user_email` take the actor.
Each message carries the Kazakh text, then the Russian one (notices go to addresses, not to people whose
language tekseru knows). Links are written as paths; the worker puts the `public_url` setting before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.catalog.regions import Regions
from tekseru.i18n import format_date, format_half_year, translate
from tekseru.message import Explained
from tekseru.planning import Plan
from tekseru.services import audit
from tekseru.services.outbox import enqueue
from tekseru.services.permissions import Actor, Permission
from tekseru.store import Database
from tekseru.store.inspections import get_inspection
from tekseru.store.notice_contacts import (
    UnknownContact,
    emails_of_role,
    inspection_facts,
    open_violations_due,
    subject_contacts,
    subject_emails,
    user_contacts,
    user_email,
    violation_facts,
)
from tekseru.store.notice_contacts import set_subject_email as store_subject_email
from tekseru.store.notice_contacts import set_user_email as store_user_email
from tekseru.store.workflow import origins_of

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = [
    "MAIL_LANGUAGES",
    "ContactError",
    "Contacts",
    "compose",
    "contacts",
    "notify_inspector_assigned",
    "notify_list_published",
    "notify_report_submitted",
    "remind_deadlines",
    "set_subject_email",
    "set_user_email",
]

MAIL_LANGUAGES = ("kk", "ru")
_SEPARATOR = "\n\n— — —\n\n"
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


class ContactError(Explained, ValueError):
    """An address that is not an e-mail address, or a subject or user that does not exist."""


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # a notice's text only: not to read lists

    return Environment(
        loader=PackageLoader("tekseru.services", "templates/mail"),
        autoescape=False,  # plain text mail
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


def compose(kind: str, values: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """(subject, body) of a notice: each language's template filled with that language's values; the
    subject line is the template's first line."""
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        text = _environment().get_template(f"{kind}.{language}.txt").render(**values[language])
        first, _, rest = text.partition("\n")
        subjects.append(" ".join(first.split()))
        bodies.append(rest.strip())
    return " / ".join(subjects), _SEPARATOR.join(bodies) + "\n"


def _queue(
    session: Session, kind: str, key: str, email: str, values: dict[str, dict[str, Any]], now: datetime | None
) -> bool:
    """Queue the notice `kind` to `email`, put into words from each language's `values`, once per `key`."""
    subject, text = compose(kind, values)
    return enqueue(session, key=key, kind=kind, recipient=email, subject=subject, body=text, now=now)


def _day(value: date | None, language: str) -> str:
    return "" if value is None else format_date(value, language)


def notify_list_published(
    session: Session, plan_id: int, plan: Plan, *, catalogue: Catalogue, now: datetime | None = None
) -> int:
    """Queue a notice to every subject on the list (not beyond capacity) that has an address; how many.
    The notice names the body that controls the list's regions (the catalogue's `bodies`)."""
    rows = [row for row in plan.included if row.subject_id.isdigit()]
    addresses = subject_emails(session, (int(row.subject_id) for row in rows))
    regions = {row.region for row in plan.included + plan.overflow}
    body = catalogue.bodies.control_body_of(regions).name
    queued = 0
    for row in rows:
        email = addresses.get(int(row.subject_id))
        if email is None:
            continue
        values = {
            language: {
                "subject_name": row.name,
                "bin": row.bin,
                "half_year": format_half_year(plan.half_year, language),
                "plan_id": plan_id,
                "body_name": body.in_language(language),
                "month": ""
                if row.planned_month is None
                else translate(language, f"plans.month.{row.planned_month}"),
                "link": f"/public/lists/{plan_id}?lang={language}",
            }
            for language in MAIL_LANGUAGES
        }
        queued += _queue(
            session, "list_published", f"list-published:{plan_id}:{row.subject_id}", email, values, now
        )
    return queued


def notify_inspector_assigned(
    session: Session,
    *,
    inspection_id: int,
    username: str,
    regions: Regions,
    full_name: str = "",
    now: datetime | None = None,
) -> bool:
    """Queue a notice to the inspector `username` (when it has an address) that it is assigned to the
    inspection, in the caller's transaction (the one that assigns it). True when queued; assigning the same
    inspector to the same inspection again queues nothing."""
    facts = inspection_facts(session, inspection_id)
    email = user_email(session, username)
    if facts is None or email is None:
        return False
    record = get_inspection(session, inspection_id)
    origins = origins_of(session, [record.series_id]) if record is not None else {}
    origin = origins.get(record.series_id) if record is not None else None
    values = {
        language: {
            "full_name": full_name or username,
            "number": origin.number if origin is not None and origin.number else f"№ {inspection_id}",
            "subject_name": facts.subject_name,
            "bin": facts.bin,
            "region": regions.name_of(facts.region, language),
            "act_number": facts.act_number,
            "planned_on": _day(facts.planned_on, language),
            "link": f"/inspections/{inspection_id}?lang={language}",
        }
        for language in MAIL_LANGUAGES
    }
    return _queue(
        session, "inspector_assigned", f"inspector-assigned:{inspection_id}:{username}", email, values, now
    )


def notify_report_submitted(
    session: Session, *, report_id: int | str, violation_id: int, now: datetime | None = None
) -> int:
    """Queue a notice to every active planner with an address that the remediation report `report_id` of
    the violation arrived, in the caller's transaction (the one that stores the report); how many."""
    facts = violation_facts(session, violation_id)
    if facts is None:
        return 0
    queued = 0
    for username, email in emails_of_role(session, "planner"):
        values = {
            language: {
                "full_name": username,
                "subject_name": facts.inspection.subject_name,
                "bin": facts.inspection.bin,
                "act_number": facts.inspection.act_number,
                "item": facts.item,
                "link": f"/inspections/{facts.inspection.id}?lang={language}",
            }
            for language in MAIL_LANGUAGES
        }
        queued += _queue(
            session, "report_submitted", f"report-submitted:{report_id}:{username}", email, values, now
        )
    return queued


def remind_deadlines(
    db: Database,
    actor: Actor,
    *,
    days: tuple[int, ...],
    today: date,
    now: datetime | None = None,
) -> int:
    """Queue a reminder to the subject of every open violation whose deadline is at most max(`days`) days
    away: one per violation, deadline and step of `days` (the nearest step not below the days left), so
    running it every hour, or after a day missed, sends each reminder once. How many were queued."""
    actor.require(Permission.WRITE_INSPECTIONS)
    steps = sorted(set(days))
    if not steps or min(steps) <= 0:
        raise ValueError("the days before a deadline must be whole numbers above 0")
    day = today
    queued = 0
    with db.transaction() as session:
        for facts, email in open_violations_due(session, day, day + timedelta(days=steps[-1])):
            assert facts.deadline is not None
            left = (facts.deadline - day).days
            step = next(step for step in steps if step >= left)
            values = {
                language: {
                    "subject_name": facts.inspection.subject_name,
                    "act_number": facts.inspection.act_number,
                    "item": facts.item,
                    "deadline": _day(facts.deadline, language),
                    "days": left,
                    "link": f"/inspections/{facts.inspection.id}?lang={language}",
                }
                for language in MAIL_LANGUAGES
            }
            queued += _queue(
                session,
                "deadline_near",
                f"deadline:{facts.id}:{facts.deadline.isoformat()}:{step}",
                email,
                values,
                now,
            )
    return queued


def _checked(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    text = email.strip()
    if len(text) > 320 or not _EMAIL.match(text):
        raise ContactError(f"{text!r} is not an e-mail address").saying("refusal.contact.email", email=text)
    return text


def set_subject_email(db: Database, actor: Actor, bin: str, email: str | None) -> None:
    """Set (or with None or "" remove) the address at which the subject receives notices; audited as
    `subject.contact`."""
    actor.require(Permission.IMPORT)
    address = _checked(email)
    with db.transaction() as session:
        try:
            store_subject_email(session, bin, address)
        except UnknownContact:
            raise ContactError(f"no subject with BIN {bin}").saying(
                "refusal.contact.no_subject", bin=bin
            ) from None
        audit.record(session, actor, "subject.contact", "subject", bin, after={"email": address})


def set_user_email(db: Database, actor: Actor, username: str, email: str | None) -> None:
    """Set (or remove) the address at which a user receives notices; audited as `user.contact`."""
    actor.require(Permission.MANAGE_USERS)
    address = _checked(email)
    with db.transaction() as session:
        try:
            store_user_email(session, username, address)
        except UnknownContact:
            refused = ContactError(f"no user {username!r}")
            raise refused.saying("refusal.contact.no_user", user=username) from None
        audit.record(session, actor, "user.contact", "user", username, after={"email": address})


@dataclass(frozen=True)
class Contacts:
    """Where notices go: every user with its address (or none), and the subjects that have one."""

    users: list[tuple[str, str, str, str | None]]
    subjects: list[tuple[str, str, str]]


def contacts(db: Database, actor: Actor) -> Contacts:
    """The notice addresses of users and subjects, for the administrators' page `/admin/contacts`."""
    actor.require(Permission.MANAGE_USERS)
    with db.reading() as session:
        return Contacts(user_contacts(session), subject_contacts(session))
