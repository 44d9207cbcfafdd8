"""The subjective risk score: per group (`score_group`), for many at once (`score_bulk`), and in words."""

from tekseru.scoring.bulk import BulkScores, normalise_bulk, score_bulk
from tekseru.scoring.columns import NEVER_USED, EvidenceColumns, GroupMatrix, day_number
from tekseru.scoring.engine import normalise_group_scores, score_counted, score_formula, score_group
from tekseru.scoring.evidence import EvidenceFact
from tekseru.scoring.explain import explain
from tekseru.scoring.formula import normalise_scores, risk_class_for, round_score
from tekseru.scoring.result import CriterionHit, GroupScore, IgnoredEvidence, IgnoreReason
from tekseru.scoring.rules import GroupProfile, MethodologyError, ProfileCriterion, RiskClass, ScoringRules

__all__ = [
    "NEVER_USED",
    "BulkScores",
    "CriterionHit",
    "EvidenceColumns",
    "EvidenceFact",
    "GroupMatrix",
    "GroupProfile",
    "GroupScore",
    "IgnoreReason",
    "IgnoredEvidence",
    "MethodologyError",
    "ProfileCriterion",
    "RiskClass",
    "ScoringRules",
    "day_number",
    "explain",
    "normalise_bulk",
    "normalise_group_scores",
    "normalise_scores",
    "risk_class_for",
    "round_score",
    "score_bulk",
    "score_counted",
    "score_formula",
    "score_group",
]
