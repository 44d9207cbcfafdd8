"""Who may see and change an inspection: the region of its subject decides; and the audit entry of a change,
written in the transaction of the change, so that a change that fails leaves no entry either."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tekseru.services import audit
from tekseru.services.permissions import Actor, Permission
from tekseru.store import Database
from tekseru.store.inspections import InspectionError, get_or_raise
from tekseru.store.subjects import get_subject

READ, WRITE = Permission.READ_INSPECTIONS, Permission.WRITE_INSPECTIONS
ENTITY = "inspection"


class AttachmentNotFound(InspectionError, LookupError):
    """The inspection has no attachment with this id."""


def region_of(session: Session, inspection_id: int) -> str:
    """The region of the inspection's subject, which decides who may see and change it; InspectionNotFound."""
    subject = get_subject(session, get_or_raise(session, inspection_id).subject_id)
    assert subject is not None, "an inspection's subject is never deleted"
    return subject.region


@dataclass
class Change:
    """A change of an inspection under way: its transaction, and what its audit entry keeps (`after`), which
    the use case sets once it knows the outcome."""

    session: Session
    after: Mapping[str, Any] | None = None


@contextmanager
def changing(
    db: Database, actor: Actor, inspection_id: int, action: str, now: datetime | None
) -> Iterator[Change]:
    """The transaction of a change of the inspection, once the actor is known to be allowed to change
    inspections in its subject's region. The audit entry `action` is written here at the end, so that no
    change goes unaudited; a change that raises leaves no entry, as nothing of its transaction is kept."""
    actor.require(WRITE)
    with db.transaction() as session:
        region = region_of(session, inspection_id)
        actor.require(WRITE, region)
        change = Change(session)
        yield change
        assert change.after is not None, f"{action}: the use case sets what its audit entry keeps"
        record_change(session, actor, action, inspection_id, region, change.after, now)


def record_change(
    session: Session,
    actor: Actor,
    action: str,
    inspection_id: int,
    region: str,
    after: Mapping[str, Any],
    now: datetime | None = None,
) -> None:
    """The audit entry of a change of the inspection, in the transaction of the change."""
    audit.record(session, actor, action, ENTITY, inspection_id, region=region, after=after, now=now)
