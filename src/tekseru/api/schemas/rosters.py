"""Bodies of `/api/v1/rosters`: the reconciliation, a stored report, what making evidence did."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class ProviderDiscrepanciesOut(BaseModel):
    missing_in_esobes: int
    missing_in_portal: int
    missing_in_provider: int
    after_end_date: int
    duplicate_across_providers: int
    service_form_mismatch: int
    date_mismatch: int
    records: dict[str, list[dict[str, Any]]] = Field(
        description="The records behind each count, by the same keys; IINs masked (first six digits) "
        "unless the user's role is entitled to them."
    )


class ReconciliationOut(BaseModel):
    as_of: date
    providers: dict[str, ProviderDiscrepanciesOut] = Field(description="By provider BIN.")


class SystemReportOut(BaseModel):
    id: str
    kind: str
    criterion: int
    provider_bin: str
    as_of: date
    facts: int
    records: dict[str, Any]
    created_at: str
    created_by: str


class EvidenceOutcomeOut(BaseModel):
    reports_created: int
    reports_found: int
    evidence_created: int
    evidence_unchanged: int
    below_threshold: int
    not_in_registry: list[str]
    report_ids: list[str]
