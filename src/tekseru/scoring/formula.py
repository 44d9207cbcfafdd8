"""The arithmetic of the subjective score, shared by the per-group engine and the bulk core.

Both cores must give bit-identical floats, so each operation here is written once in a fixed order
(found / applicable x scale x weight, left to right) and `bulk` mirrors it with the same IEEE operations.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from tekseru.catalog.schema import ClassBound
from tekseru.scoring.rules import RiskClass, ScoringRules

# Scores are published with two decimals; the class is read from the published score so what a person
# sees (70.00) and the class they are told (medium) always agree, and floating-point noise such as
# 30.000000000000004 from 3/7 x 100 x 0.7 cannot push a boundary score into the class above.
SCORE_DECIMALS = 2
SCORE_FACTOR = 10.0**SCORE_DECIMALS


def round_score(value: float) -> float:
    """`value` rounded half up to SCORE_DECIMALS; scores are never negative, so floor(x + 0.5) is exact."""
    return math.floor(value * SCORE_FACTOR + 0.5) / SCORE_FACTOR


def weighted_total(criteria: Collection[int], rules: ScoringRules) -> float:
    """The sum of the criteria's weights, added in ascending criterion order (the bulk core's order)."""
    if not rules.criterion_weights:
        # All weights are 1: the sum is the count, exactly (a float sum of ones is exact below 2**53).
        return float(len(criteria))
    total = 0.0
    for criterion in sorted(criteria):
        total += rules.weight(criterion)
    return total


def share_part(found: float, applicable: float, scale: float, weight: float) -> float:
    """One part of the score: found / applicable x scale x weight, or 0 when nothing of it applies."""
    if applicable == 0:
        return 0.0
    return found / applicable * scale * weight


def risk_class_index(score: float, bounds: Sequence[ClassBound]) -> int:
    """The position of the score's class in `bounds` (ascending); scores above the top get the top class."""
    published = round_score(score)
    for index, bound in enumerate(bounds):
        if published <= bound.up_to:
            return index
    return len(bounds) - 1


def risk_class_for(score: float, bounds: Sequence[ClassBound]) -> RiskClass:
    """The risk class of a score: low <= 30 < medium <= 70 < high with the 2022 bounds."""
    ordered = sorted(bounds, key=lambda bound: bound.up_to)
    return RiskClass(ordered[risk_class_index(score, ordered)].risk_class)


def normalise_scores(scores: Sequence[float], rules: ScoringRules) -> list[float]:
    """Bring the intermediate scores R' of one homogeneous group into the score scale.

    "none" returns them unchanged. "min_max" gives R = (R' - R'min) / (R'max - R'min) x scale. When all
    R' are equal the spread carries no ranking, and dividing by zero would be meaningless, so the scores
    stay as they are rather than all becoming 0 (which would hide subjects with gross violations).
    """
    if rules.normalisation == "none" or not scores:
        return list(scores)
    low, high = min(scores), max(scores)
    if high == low:
        return list(scores)
    return [min_max(score, low, high, rules.score_scale) for score in scores]


def min_max(score: float, low: float, high: float, scale: float) -> float:
    return (score - low) / (high - low) * scale
