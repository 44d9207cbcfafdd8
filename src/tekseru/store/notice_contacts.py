"""Who notices go to and what they are about: the e-mail addresses of subjects and users, and the few facts
of an inspection, a violation or a list's subjects that a notice names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tekseru.store.account_models import User
from tekseru.store.inspection_models import Inspection, InspectionViolation
from tekseru.store.models import Subject
from tekseru.store.outbox_models import SubjectContact, UserContact

__all__ = [
    "InspectionFacts",
    "UnknownContact",
    "ViolationFacts",
    "emails_of_role",
    "inspection_facts",
    "open_violations_due",
    "set_subject_email",
    "set_user_email",
    "subject_emails",
    "user_email",
    "violation_facts",
]


class UnknownContact(LookupError):
    """No subject with that BIN, or no user with that name."""


def set_subject_email(session: Session, bin: str, email: str | None) -> int:
    """Set (or, with None, remove) the notice address of the subject with this BIN; its id."""
    subject_id = session.scalar(select(Subject.id).where(Subject.bin == bin))
    if subject_id is None:
        raise UnknownContact(bin)
    _set(session, SubjectContact, subject_id, email)
    return subject_id


def set_user_email(session: Session, username: str, email: str | None) -> int:
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise UnknownContact(username)
    _set(session, UserContact, user_id, email)
    return user_id


def _set(session: Session, model: type[SubjectContact | UserContact], key: int, email: str | None) -> None:
    found: SubjectContact | UserContact | None = (
        session.get(SubjectContact, key) if model is SubjectContact else session.get(UserContact, key)
    )
    if email is None:
        if found is not None:
            session.delete(found)
    elif found is not None:
        found.email = email
    elif model is SubjectContact:
        session.add(SubjectContact(subject_id=key, email=email))
    else:
        session.add(UserContact(user_id=key, email=email))
    session.flush()


def subject_emails(session: Session, subject_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(subject_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.execute(
            select(SubjectContact.subject_id, SubjectContact.email).where(
                SubjectContact.subject_id.in_(chunk)
            )
        )
        found.update({int(subject_id): str(email) for subject_id, email in rows})
    return found


def user_email(session: Session, username: str) -> str | None:
    return session.scalar(
        select(UserContact.email)
        .join(User, User.id == UserContact.user_id)
        .where(User.username == username, User.active.is_(True))
    )


def emails_of_role(session: Session, role: str) -> list[tuple[str, str]]:
    """(user name, address) of the active users of `role` who have an address."""
    rows = session.execute(
        select(User.username, UserContact.email)
        .join(UserContact, UserContact.user_id == User.id)
        .where(User.role == role, User.active.is_(True))
        .order_by(User.username)
    )
    return [(str(name), str(email)) for name, email in rows]


@dataclass(frozen=True)
class InspectionFacts:
    id: int
    subject_id: int
    subject_name: str
    bin: str
    region: str
    act_number: str
    planned_on: date | None


def inspection_facts(session: Session, inspection_id: int) -> InspectionFacts | None:
    row = session.execute(
        select(Inspection, Subject)
        .join(Subject, Subject.id == Inspection.subject_id)
        .where(Inspection.id == inspection_id)
    ).first()
    if row is None:
        return None
    inspection, subject = row
    return InspectionFacts(
        id=inspection.id,
        subject_id=subject.id,
        subject_name=subject.name,
        bin=subject.bin,
        region=subject.region,
        act_number=inspection.act_number,
        planned_on=inspection.planned_on,
    )


@dataclass(frozen=True)
class ViolationFacts:
    id: int
    item: int
    deadline: date | None
    inspection: InspectionFacts


def violation_facts(session: Session, violation_id: int) -> ViolationFacts | None:
    violation = session.get(InspectionViolation, violation_id)
    if violation is None:
        return None
    inspection = inspection_facts(session, violation.inspection_id)
    if inspection is None:
        return None
    return ViolationFacts(violation.id, violation.item, violation.deadline, inspection)


def open_violations_due(session: Session, first: date, last: date) -> list[tuple[ViolationFacts, str]]:
    """Open violations of completed, current revisions whose deadline is from `first` to `last`, each with
    its subject's notice address (violations of subjects without one are left out)."""
    rows = session.execute(
        select(InspectionViolation, Inspection, Subject, SubjectContact.email)
        .join(Inspection, Inspection.id == InspectionViolation.inspection_id)
        .join(Subject, Subject.id == Inspection.subject_id)
        .join(SubjectContact, SubjectContact.subject_id == Subject.id)
        .where(
            InspectionViolation.status == "open",
            InspectionViolation.deadline >= first,
            InspectionViolation.deadline <= last,
            Inspection.status == "completed",
            Inspection.superseded_by_id.is_(None),
        )
        .order_by(InspectionViolation.deadline, InspectionViolation.id)
    ).all()
    found = []
    for violation, inspection, subject, email in rows:
        facts = InspectionFacts(
            inspection.id,
            subject.id,
            subject.name,
            subject.bin,
            subject.region,
            inspection.act_number,
            inspection.planned_on,
        )
        found.append((ViolationFacts(violation.id, violation.item, violation.deadline, facts), str(email)))
    return found


def user_contacts(session: Session) -> list[tuple[str, str, str, str | None]]:
    """(user name, full name, role, address or None) of every user, by user name."""
    rows = session.execute(
        select(User.username, User.full_name, User.role, UserContact.email)
        .outerjoin(UserContact, UserContact.user_id == User.id)
        .order_by(User.username)
    )
    return [
        (str(name), str(full), str(role), None if email is None else str(email))
        for name, full, role, email in rows
    ]


def subject_contacts(session: Session, limit: int = 500) -> list[tuple[str, str, str]]:
    """(BIN, name, address) of the subjects that have a notice address, by BIN."""
    rows = session.execute(
        select(Subject.bin, Subject.name, SubjectContact.email)
        .join(SubjectContact, SubjectContact.subject_id == Subject.id)
        .order_by(Subject.bin)
        .limit(limit)
    )
    return [(str(bin), str(name), str(email)) for bin, name, email in rows]
