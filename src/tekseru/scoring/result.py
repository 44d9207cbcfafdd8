"""What scoring returns: the score of one subject in one group, with everything needed to explain it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tekseru.catalog.schema import Severity
from tekseru.scoring.rules import RiskClass


class IgnoreReason(StrEnum):
    """Why a piece of evidence did not count; checked in this order, the first that applies is given."""

    AFTER_AS_OF = "after_as_of"
    OUTSIDE_PERIOD = "outside_period"
    ALREADY_USED = "already_used"
    NOT_APPLICABLE_TO_GROUP = "not_applicable_to_group"
    UNCONFIRMED_COMPLAINT = "unconfirmed_complaint"
    BELOW_COMPLAINT_THRESHOLD = "below_complaint_threshold"


@dataclass(frozen=True, order=True)
class CriterionHit:
    """A criterion found violated, with the evidence that counted for it (ids ascending)."""

    criterion: int
    severity: Severity
    evidence_ids: tuple[int, ...]


@dataclass(frozen=True, order=True)
class IgnoredEvidence:
    evidence_id: int
    criterion: int
    reason: IgnoreReason


@dataclass(frozen=True)
class ScoreFormula:
    """The numbers that went into the score, so an explanation can show the formula filled in.

    "found" and "applicable" are sums of criterion weights; with no weights they are plain counts.
    """

    significant_found: float
    significant_applicable: float
    minor_found: float
    minor_applicable: float
    score_scale: float
    significant_weight: float
    minor_weight: float
    gross_violation_score: float
    complaint_threshold: int


@dataclass(frozen=True)
class Normalisation:
    """Min-max normalisation within the homogeneous group: R = (R' - low) / (high - low) x scale."""

    low: float
    high: float
    scale: float


@dataclass(frozen=True)
class GroupScore:
    """The subjective score of one subject in one homogeneous group on `as_of`.

    `raw_score` keeps full precision (R' before any normalisation); `score` is the published score with
    two decimals and `risk_class` is read from it. The parts keep full precision.
    """

    group: str
    as_of: date
    score: float
    raw_score: float
    risk_class: RiskClass
    significant_part: float
    minor_part: float
    gross_found: bool
    counted: tuple[CriterionHit, ...]
    ignored: tuple[IgnoredEvidence, ...]
    formula: ScoreFormula
    normalisation: Normalisation | None = None

    @property
    def counted_criteria(self) -> tuple[int, ...]:
        return tuple(hit.criterion for hit in self.counted)
