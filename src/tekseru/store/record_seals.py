"""Content hashes ("seals") of the records that must never change once signed: a completed inspection (its
header, act number included, its answers and its attachments) and an approved or published list.

The audit entry that completes, approves or publishes the record carries its seal (`SEAL_KEY` in `after`);
`tekseru.store.audit_chain.verify` computes the seal again from the rows as they are now and compares.
Only the columns listed here count, so that a column a later version adds does not change old seals; and
none that changes legitimately after signing (`superseded_by_id`, set when a correction is completed; the
follow-up of violations, audited on its own).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from tekseru.store.canonical import sha256_of
from tekseru.store.inspection_models import COMPLETED, Inspection, InspectionAnswer, InspectionAttachment
from tekseru.store.plan_models import DRAFT, PlanList

SEAL_KEY = "content_sha256"
INSPECTION, PLAN = "inspection", "plan"  # the audit entities of sealed records

_INSPECTION_COLUMNS = (
    Inspection.id,
    Inspection.subject_id,
    Inspection.edition_id,
    Inspection.appendix,
    Inspection.group_keys,
    Inspection.kind,
    Inspection.act_number,
    Inspection.act_date,
    Inspection.inspectors,
    Inspection.planned_on,
    Inspection.inspected_on,
    Inspection.status,
    Inspection.revision,
    Inspection.first_revision_id,
    Inspection.revises_id,
    Inspection.reason,
    Inspection.created_by,
    Inspection.created_at,
    Inspection.completed_by,
    Inspection.completed_at,
)
_ANSWER_COLUMNS = (
    InspectionAnswer.inspection_id,
    InspectionAnswer.item,
    InspectionAnswer.criterion,
    InspectionAnswer.answer,
    InspectionAnswer.comment,
    InspectionAnswer.answered_by,
    InspectionAnswer.answered_at,
)
_ATTACHMENT_COLUMNS = (
    InspectionAttachment.inspection_id,
    InspectionAttachment.id,
    InspectionAttachment.item,
    InspectionAttachment.file_name,
    InspectionAttachment.media_type,
    InspectionAttachment.size,
    InspectionAttachment.sha256,
)
_PLAN_COLUMNS = (
    PlanList.id,
    PlanList.half_year,
    PlanList.as_of,
    PlanList.assessment_id,
    PlanList.edition_id,
    PlanList.status,
    PlanList.plan,
    PlanList.capacity,
    PlanList.created_by,
    PlanList.created_at,
    PlanList.approved_by,
    PlanList.approved_at,
    PlanList.published_by,
    PlanList.published_at,
    PlanList.previous_plan_id,
)


def inspection_seals(session: Session, ids: Iterable[int] | None = None) -> dict[int, str]:
    """The seal of each completed inspection (of those with `ids`, or all), by id."""
    where: ColumnElement[bool] = Inspection.status == COMPLETED
    if ids is not None:
        where = where & Inspection.id.in_(list(ids))
    headers = {row.id: row._asdict() for row in session.execute(select(*_INSPECTION_COLUMNS).where(where))}
    answers: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    attachments: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for columns, into, order in (
        (_ANSWER_COLUMNS, answers, InspectionAnswer.item),
        (_ATTACHMENT_COLUMNS, attachments, InspectionAttachment.id),
    ):
        owner = columns[0]
        query = select(*columns).where(_among(owner, headers)).order_by(owner, order)
        for row in session.execute(query):
            values = row._asdict()
            into[values.pop("inspection_id")].append(values)
    return {
        key: sha256_of({"inspection": header, "answers": answers[key], "attachments": attachments[key]})
        for key, header in headers.items()
    }


def plan_seals(session: Session, ids: Iterable[int] | None = None) -> dict[int, str]:
    """The seal of each approved or published list (of those with `ids`, or all), by id."""
    where: ColumnElement[bool] = PlanList.status != DRAFT
    if ids is not None:
        where = where & PlanList.id.in_(list(ids))
    return {row.id: sha256_of(row._asdict()) for row in session.execute(select(*_PLAN_COLUMNS).where(where))}


def seals(session: Session, entity: str, ids: Iterable[int] | None = None) -> dict[int, str]:
    """The seals of the records of an audit entity (`INSPECTION` or `PLAN`)."""
    return (inspection_seals if entity == INSPECTION else plan_seals)(session, ids)


def _among(column: Any, ids: dict[int, Any]) -> ColumnElement[bool]:
    # All of them when many (a verification reads every record anyway); a list of ids otherwise.
    return true() if len(ids) > 500 else column.in_(list(ids))
