"""The information systems' tables (source group 3): recipient rosters, service-delivery records,
accessibility findings, and the stored reports evidence refers to. Only `tekseru.store` imports this.

Only what reconciliation needs is kept: no names, no addresses of recipients; `last_seen_at` (the last
import that held the record) is what the retention period counts from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tekseru.store.models import Base


class RosterEntry(Base):
    """One recipient's stay with a provider, as one source (provider, esobes, portal) records it."""

    __tablename__ = "roster_entries"
    # Reconciliation reads every record in the order (iin, provider_bin, source, starts_on) and needs form
    # and ends_on too: the second index holds them all, so the database never visits the table's rows for
    # it (2.5 times less CPU on SQLite, bench/bench_rosters.py); the unique key guards the natural key.
    __table_args__ = (
        UniqueConstraint("iin", "provider_bin", "source", "starts_on"),
        CheckConstraint("source IN ('provider', 'esobes', 'portal')", name="source_known"),
        Index(None, "last_seen_at"),
        Index(None, "iin", "provider_bin", "source", "starts_on", "form", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    iin: Mapped[str] = mapped_column(String(12))
    provider_bin: Mapped[str] = mapped_column(String(12))
    form: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    last_seen_at: Mapped[datetime]


class ServiceDelivery(Base):
    """A guaranteed volume of a service or rehabilitation measure: planned and delivered quantity."""

    __tablename__ = "service_deliveries"
    __table_args__ = (
        UniqueConstraint("iin", "provider_bin", "kind", "delivered_on"),
        Index(None, "provider_bin", "delivered_on"),
        Index(None, "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    iin: Mapped[str] = mapped_column(String(12))
    provider_bin: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(32))
    planned: Mapped[int]
    delivered: Mapped[int]
    delivered_on: Mapped[date]
    last_seen_at: Mapped[datetime]


class AccessibilityFinding(Base):
    """A local executive body's finding that an element of an object is not accessible."""

    __tablename__ = "accessibility_findings"
    __table_args__ = (
        UniqueConstraint("subject_bin", "object", "element", "found_on"),
        Index(None, "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object: Mapped[str] = mapped_column(String(500))
    subject_bin: Mapped[str] = mapped_column(String(12))
    element: Mapped[str] = mapped_column(String(32))
    found_on: Mapped[date]
    last_seen_at: Mapped[datetime]


class SystemReport(Base):
    """What the information systems' data show for one provider and one row of the act, with the records
    behind it. Its id is a hash of its content, so finding the same again stores nothing new."""

    __tablename__ = "system_reports"
    __table_args__ = (
        CheckConstraint("kind IN ('reconciliation', 'fulfilment', 'accessibility')", name="kind_known"),
        Index(None, "provider_bin"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    criterion: Mapped[int]
    provider_bin: Mapped[str] = mapped_column(String(12))
    as_of: Mapped[date]
    facts: Mapped[int]
    records: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
