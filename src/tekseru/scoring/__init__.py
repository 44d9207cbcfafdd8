"""The subjective risk score: per group (`score_group`), for many at once (`score_bulk`), and in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tekseru.scoring.evidence import EvidenceFact
from tekseru.scoring.explain import explain
from tekseru.scoring.formula import normalise_scores, risk_class_for, round_score
from tekseru.scoring.result import CriterionHit, GroupScore, IgnoredEvidence, IgnoreReason
from tekseru.scoring.rules import GroupProfile, MethodologyError, ProfileCriterion, RiskClass, ScoringRules

if TYPE_CHECKING:  # these need NumPy: imported when first used (below), so that reading the catalogue,
    # which uses the words and the rules of this package, does not load it
    from tekseru.scoring.bulk import BulkScores, normalise_bulk, score_bulk
    from tekseru.scoring.columns import NEVER_USED, EvidenceColumns, GroupMatrix, day_number
    from tekseru.scoring.engine import normalise_group_scores, score_counted, score_formula, score_group


def __getattr__(name: str) -> Any:
    """A name of the bulk core, the columns or the engine, imported the first time it is read."""
    value: Any
    if name in {"BulkScores", "normalise_bulk", "score_bulk"}:
        from tekseru.scoring import bulk

        value = getattr(bulk, name)
    elif name in {"NEVER_USED", "EvidenceColumns", "GroupMatrix", "day_number"}:
        from tekseru.scoring import columns

        value = getattr(columns, name)
    elif name in {"normalise_group_scores", "score_counted", "score_formula", "score_group"}:
        from tekseru.scoring import engine

        value = getattr(engine, name)
    else:
        raise AttributeError(f"module 'tekseru.scoring' has no attribute {name!r}")
    globals()[name] = value
    return value


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
