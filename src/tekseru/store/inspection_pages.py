"""Inspections a page at a time, for tables of any length (the inspections and violations exports): the
filters of `tekseru.store.inspections.list_inspections` and the subject's region, keyset by id."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tekseru.store.inspection_models import Inspection, InspectionRecord
from tekseru.store.inspections import _columns, _make
from tekseru.store.models import Subject

_i = Inspection.__table__.c


def inspections_after(
    session: Session,
    after_id: int,
    limit: int,
    *,
    subject_id: int | None = None,
    status: str | None = None,
    current_only: bool = True,
    region: str | None = None,
) -> list[InspectionRecord]:
    """The next `limit` inspections with ids above `after_id`, by id, with the filters of
    `list_inspections` and of the subject's `region`: a table of any length read a page at a time."""
    condition: ColumnElement[bool] = _i.id > after_id
    if subject_id is not None:
        condition = condition & (_i.subject_id == subject_id)
    if status is not None:
        condition = condition & (_i.status == status)
    if current_only:
        condition = condition & _i.superseded_by_id.is_(None)
    if region is not None:
        condition = condition & _i.subject_id.in_(select(Subject.id).where(Subject.region == region))
    query = select(*_columns(_i, InspectionRecord)).where(condition).order_by(_i.id).limit(limit)
    return [_make(InspectionRecord, row) for row in session.execute(query)]
