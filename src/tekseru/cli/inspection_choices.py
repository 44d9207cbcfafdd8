"""The choices the `tekseru inspection` commands take, as typed on the command line."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    PREVENTIVE_CONTROL = "preventive_control"
    UNSCHEDULED_INSPECTION = "unscheduled_inspection"
    COMPLIANCE_INSPECTION = "compliance_inspection"


class Status(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


class ViolationState(StrEnum):
    OPEN = "open"
    ELIMINATED = "eliminated"


class ShowFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
