"""The columns of each export (`services.exports`), in the order files print them: the API's field names,
which JSON keeps and CSV/XLSX head with words of the reader's language."""

from __future__ import annotations

__all__ = [
    "AUDIT_COLUMNS",
    "INSPECTION_COLUMNS",
    "PLAN_COLUMNS",
    "RESULT_COLUMNS",
    "SUBJECT_COLUMNS",
    "VIOLATION_COLUMNS",
]

SUBJECT_COLUMNS = (
    "bin",
    "name",
    "region",
    "address",
    "groups",
    "risk_class",
    "score",
    "gross_count",
    "significant_count",
    "minor_count",
    "last_visit_on",
)
RESULT_COLUMNS = (
    "bin",
    "name",
    "region",
    "group",
    "score",
    "risk_class",
    "gross_found",
    "violated_criteria",
    "gross_count",
    "significant_count",
    "minor_count",
    "last_visit_on",
)
AUDIT_COLUMNS = ("id", "at", "actor", "action", "entity", "entity_key", "region", "before", "after")
PLAN_COLUMNS = (
    "rank",
    "bin",
    "name",
    "region",
    "address",
    "groups",
    "score",
    "risk_class",
    "gross_count",
    "significant_count",
    "minor_count",
    "last_visit_on",
    "planned_month",
    "main_reasons",
)
INSPECTION_COLUMNS = (
    "id",
    "bin",
    "name",
    "region",
    "kind",
    "appendix",
    "act_number",
    "act_date",
    "planned_on",
    "inspected_on",
    "status",
    "revision",
    "inspectors",
)
VIOLATION_COLUMNS = (
    "inspection_id",
    "act_number",
    "inspected_on",
    "bin",
    "name",
    "region",
    "item",
    "criterion",
    "deadline",
    "violation_status",
    "eliminated_on",
    "note",
    "updated_by",
    "updated_at",
)
