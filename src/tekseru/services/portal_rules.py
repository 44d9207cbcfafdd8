"""What the subject's pages and the remediation reports share: their permissions, limits and refusals, and
the one check that a thing belongs to one of the account's subjects."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tekseru.message import Explained
from tekseru.services.permissions import Actor, Permission
from tekseru.store import SubjectRecord
from tekseru.store.subjects import get_subject

OWN, REPORT, REVIEW = Permission.READ_OWN, Permission.REPORT_REMEDIATION, Permission.REVIEW_REMEDIATION
MAX_REPORT_TEXT = 5000  # characters: what was done, where the files show it; the files hold the rest
ENTITY = "remediation_report"


class PortalError(Explained, ValueError):
    """A remediation report that cannot be stored or reviewed as asked."""


class NotFound(Explained, LookupError):
    """No such inspection, violation, report or file (or none the actor may know of)."""


def not_found(what: str, key: object) -> NotFound:
    return NotFound(f"there is no {what} {key}").saying(f"portal.not_found.{what}", key=str(key))


def own_subject(session: Session, actor: Actor, subject_id: int, what: str, key: object) -> SubjectRecord:
    """The subject, when the actor may read what concerns it; another subject's thing is not found."""
    subject = get_subject(session, subject_id)
    if subject is None or not actor.can(OWN, bin=subject.bin):
        raise not_found(what, key)
    return subject
