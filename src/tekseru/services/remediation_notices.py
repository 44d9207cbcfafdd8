"""What happens when a subject submits a remediation report, besides storing it: the one call point
`remediation_report_submitted`, run inside the transaction that stores the report (so a notice queued here
is stored with the report, or not at all): the planners are told by e-mail through the outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tekseru.services import notices
from tekseru.store import SubjectRecord
from tekseru.store.portal import RemediationRecord


def remediation_report_submitted(session: Session, report: RemediationRecord, subject: SubjectRecord) -> None:
    """Called once per report, after it and its files are stored and before its transaction commits."""
    del subject  # the notice names the subject through the violation
    notices.notify_report_submitted(session, report_id=report.id, violation_id=report.violation_id)
