"""Which violations of earlier revisions a violation carries on. A revision of a completed inspection gets
violations of its own, with the follow-up carried over from the revision it corrects (same item); what the
subject reported on the old ones (remediation reports) still concerns the new one."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tekseru.store.inspection_models import Inspection, InspectionViolation, ViolationRecord


def earlier_violations(session: Session, violations: Iterable[ViolationRecord]) -> dict[int, tuple[int, ...]]:
    """For each violation, the ids of the same item's violations in the revisions its inspection corrects,
    latest first."""
    found: dict[int, tuple[int, ...]] = {}
    for violation in violations:
        chain: list[int] = []
        inspection_id: int | None = violation.inspection_id
        while (inspection_id := _revises(session, inspection_id)) is not None:
            same_item = select(InspectionViolation.id).where(
                InspectionViolation.inspection_id == inspection_id, InspectionViolation.item == violation.item
            )
            chain += session.scalars(same_item.order_by(InspectionViolation.id)).all()
        found[violation.id] = tuple(chain)
    return found


def with_earlier(session: Session, violations: Iterable[ViolationRecord]) -> dict[int, tuple[int, ...]]:
    """Each violation's id with those of `earlier_violations`: the ids its remediation reports may carry."""
    return {vid: (vid, *earlier) for vid, earlier in earlier_violations(session, violations).items()}


def carriers(session: Session, violations: Iterable[ViolationRecord]) -> dict[int, int]:
    """The violation each id of `with_earlier` is carried on by: its own id, or the later violation's."""
    return {old: current for current, ids in with_earlier(session, violations).items() for old in ids}


def _revises(session: Session, inspection_id: int | None) -> int | None:
    if inspection_id is None:
        return None
    return session.scalar(select(Inspection.revises_id).where(Inspection.id == inspection_id))
