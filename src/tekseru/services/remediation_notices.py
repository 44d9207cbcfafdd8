"""What happens when a subject submits a remediation report, besides storing it: the one call point
`remediation_report_submitted`, run inside the transaction that stores the report (so a notice queued here
is stored with the report, or not at all). Nothing is sent yet; the e-mail outbox hooks in here."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tekseru.store import SubjectRecord
from tekseru.store.portal import RemediationRecord


def remediation_report_submitted(session: Session, report: RemediationRecord, subject: SubjectRecord) -> None:
    """Called once per report, after it and its files are stored and before its transaction commits."""
    del session, report, subject
