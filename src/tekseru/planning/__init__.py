"""Semi-annual lists of preventive control with a visit: the pure planning core (docs/planning.md)."""

from tekseru.planning.diff import (
    AddedRow,
    DiffReason,
    FieldChange,
    MovedRow,
    PlanDiff,
    RemovedRow,
    diff_plans,
)
from tekseru.planning.half_year import HalfYear, InvalidHalfYear
from tekseru.planning.inputs import (
    CandidateScore,
    Capacity,
    PlanningInputError,
    PlanningRules,
    VisitHistory,
)
from tekseru.planning.model import ExcludedRow, ExclusionReason, Plan, PlanRow
from tekseru.planning.plan import form_plan, frequency_cutoff, priority_key
from tekseru.planning.priority import PRIORITY_ORDER, TIE_BREAK, severity_counts
from tekseru.planning.table import PlanTable, Section, plan_table

__all__ = [
    "PRIORITY_ORDER",
    "TIE_BREAK",
    "AddedRow",
    "CandidateScore",
    "Capacity",
    "DiffReason",
    "ExcludedRow",
    "ExclusionReason",
    "FieldChange",
    "HalfYear",
    "InvalidHalfYear",
    "MovedRow",
    "Plan",
    "PlanDiff",
    "PlanRow",
    "PlanTable",
    "PlanningInputError",
    "PlanningRules",
    "RemovedRow",
    "Section",
    "VisitHistory",
    "diff_plans",
    "form_plan",
    "frequency_cutoff",
    "plan_table",
    "priority_key",
    "severity_counts",
]
