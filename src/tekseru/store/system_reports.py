"""The information systems' facts as the database finds them (non-fulfilment, inaccessible elements), and
the stored reports that evidence for rows 78 to 84 refers to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from tekseru.store._chunks import chunks
from tekseru.store.roster_models import AccessibilityFinding, ServiceDelivery, SystemReport

_reports = SystemReport.metadata.tables[SystemReport.__tablename__]
_deliveries = SystemReport.metadata.tables[ServiceDelivery.__tablename__]
_findings = SystemReport.metadata.tables[AccessibilityFinding.__tablename__]


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A delivery record whose delivered quantity is below the planned one."""

    iin: str
    provider_bin: str
    kind: str
    planned: int
    delivered: int
    delivered_on: date


@dataclass(frozen=True, slots=True)
class Finding:
    object: str
    subject_bin: str
    element: str
    found_on: date


@dataclass(frozen=True, slots=True)
class ReportData:
    id: str
    kind: str
    criterion: int
    provider_bin: str
    as_of: date
    facts: int
    records: dict[str, Any]
    created_at: datetime
    created_by: str


def shortfalls(connection: Connection, first: date, last: date) -> list[Shortfall]:
    """The records delivered below plan dated in [first, last] (the database filters; few come back)."""
    c = _deliveries.c
    query = (
        select(c.iin, c.provider_bin, c.kind, c.planned, c.delivered, c.delivered_on)
        .where(c.delivered < c.planned, c.delivered_on >= first, c.delivered_on <= last)
        .order_by(c.provider_bin, c.kind, c.delivered_on, c.iin)
    )
    return [Shortfall(*row) for row in connection.execute(query)]


def findings(connection: Connection, first: date, last: date) -> list[Finding]:
    c = _findings.c
    query = (
        select(c.object, c.subject_bin, c.element, c.found_on)
        .where(c.found_on >= first, c.found_on <= last)
        .order_by(c.subject_bin, c.element, c.found_on, c.object)
    )
    return [Finding(*row) for row in connection.execute(query)]


def stored_reports(session: Session, ids: Iterable[str]) -> dict[str, ReportData]:
    found: dict[str, ReportData] = {}
    for part in chunks(sorted(set(ids))):
        query = select(*_reports.c).where(_reports.c.id.in_(part))
        found.update({row.id: ReportData(*row) for row in session.execute(query)})
    return found


def add_reports(session: Session, reports: Sequence[ReportData]) -> None:
    if reports:
        session.execute(_reports.insert(), [vars_of(report) for report in reports])


def vars_of(report: ReportData) -> dict[str, Any]:
    return {name: getattr(report, name) for name in ReportData.__slots__}


def report(session: Session, report_id: str) -> ReportData | None:
    return stored_reports(session, [report_id]).get(report_id)


def reports_of(session: Session, provider_bin: str | None = None) -> list[ReportData]:
    query = select(*_reports.c).order_by(
        _reports.c.as_of.desc(), _reports.c.provider_bin, _reports.c.criterion
    )
    if provider_bin is not None:
        query = query.where(_reports.c.provider_bin == provider_bin)
    return [ReportData(*row) for row in session.execute(query)]
