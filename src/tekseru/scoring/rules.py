"""The numbers of a methodology edition and the criteria that apply to a homogeneous group.

Scoring reads every number from a `ScoringRules` value and every criterion from a `GroupProfile`, never
from literals, because the Rules that give them change between editions (DOMAIN.md, section 3).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Literal

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.schema import ClassBound, Severity
from tekseru.scoring.period import months_before

NormalisationMethod = Literal["none", "min_max"]
NORMALISATION_METHODS: tuple[NormalisationMethod, ...] = ("none", "min_max")

# A later edition may weigh single criteria; it names each weight as a scalar methodology parameter
# "criterion_weight.<number>" so the catalogue schema needs no change when weights arrive.
CRITERION_WEIGHT_PREFIX = "criterion_weight."


class RiskClass(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class MethodologyError(ValueError):
    """A methodology parameter that is missing, of the wrong kind or inconsistent with the others."""


def _check_class_bounds(bounds: tuple[ClassBound, ...]) -> None:
    if not bounds:
        raise MethodologyError("class bounds must not be empty")
    if bounds[0].above is not None:
        raise MethodologyError("the lowest class must have no lower bound (above: null)")
    for lower, upper in itertools.pairwise(bounds):
        if upper.above != lower.up_to:
            raise MethodologyError(
                f"class bounds must be contiguous: {upper.risk_class} starts above {upper.above}, "
                f"but {lower.risk_class} ends at {lower.up_to}"
            )


@dataclass(frozen=True)
class ScoringRules:
    """The methodology parameters scoring needs; build one with `from_edition` or directly in tests."""

    gross_violation_score: float
    score_scale: float
    significant_weight: float
    minor_weight: float
    complaint_source_group: int
    complaint_threshold: int
    lookback_months: int
    reuse_evidence_used_for_visit: bool
    class_bounds: tuple[ClassBound, ...]
    normalisation: NormalisationMethod = "none"
    # Criteria absent from the mapping weigh 1, which makes the weighted shares plain counts.
    criterion_weights: Mapping[int, float] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.normalisation not in NORMALISATION_METHODS:
            raise MethodologyError(f"unknown normalisation {self.normalisation!r}")
        if self.complaint_threshold < 1 or self.lookback_months < 0:
            raise MethodologyError("complaint_threshold must be >= 1 and lookback_months >= 0")
        if any(weight < 0 for weight in self.criterion_weights.values()):
            raise MethodologyError("criterion weights must not be negative")
        bounds = tuple(sorted(self.class_bounds, key=lambda bound: bound.up_to))
        _check_class_bounds(bounds)
        # Freeze the mapping so a shared rules value cannot change under a running assessment.
        object.__setattr__(self, "criterion_weights", MappingProxyType(dict(self.criterion_weights)))
        object.__setattr__(self, "class_bounds", bounds)

    def weight(self, criterion: int) -> float:
        return self.criterion_weights.get(criterion, 1.0)

    def period_start(self, as_of: date) -> date:
        """The first day of the assessed period; evidence observed before it is past its limitation."""
        return months_before(as_of, self.lookback_months)

    @classmethod
    def from_edition(cls, edition: CatalogueEdition) -> ScoringRules:
        return cls(
            gross_violation_score=_number(edition, "gross_violation_score"),
            score_scale=_number(edition, "score_scale"),
            significant_weight=_number(edition, "significant_weight"),
            minor_weight=_number(edition, "minor_weight"),
            complaint_source_group=_integer(edition, "complaint_source_group"),
            complaint_threshold=_integer(edition, "complaint_threshold"),
            lookback_months=_integer(edition, "lookback_months"),
            reuse_evidence_used_for_visit=_flag(edition, "reuse_evidence_used_for_visit"),
            class_bounds=tuple(edition.class_bounds),
            normalisation=_normalisation(edition),
            criterion_weights=_criterion_weights(edition),
        )


def _number(edition: CatalogueEdition, key: str) -> float:
    value = edition.value(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MethodologyError(f"methodology parameter {key!r} must be a number, got {value!r}")
    return float(value)


def _integer(edition: CatalogueEdition, key: str) -> int:
    value = edition.value(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MethodologyError(f"methodology parameter {key!r} must be a whole number, got {value!r}")
    return value


def _flag(edition: CatalogueEdition, key: str) -> bool:
    value = edition.value(key)
    if not isinstance(value, bool):
        raise MethodologyError(f"methodology parameter {key!r} must be true or false, got {value!r}")
    return value


def _normalisation(edition: CatalogueEdition) -> NormalisationMethod:
    value = edition.value("normalisation")
    for method in NORMALISATION_METHODS:
        if value == method:
            return method
    raise MethodologyError(f"normalisation must be one of {NORMALISATION_METHODS}, got {value!r}")


def _criterion_weights(edition: CatalogueEdition) -> dict[int, float]:
    weights: dict[int, float] = {}
    for parameter in edition.methodology.parameters:
        if parameter.key.startswith(CRITERION_WEIGHT_PREFIX):
            number = parameter.key.removeprefix(CRITERION_WEIGHT_PREFIX)
            if not number.isdigit():
                raise MethodologyError(f"{parameter.key!r} must name a criterion number")
            weights[int(number)] = _number(edition, parameter.key)
    return weights


@dataclass(frozen=True, order=True)
class ProfileCriterion:
    """One criterion row as the engine needs it: its number, degree of violation and information source."""

    number: int
    severity: Severity
    source_group: int


@dataclass(frozen=True)
class GroupProfile:
    """The criteria that apply to one homogeneous group (the subject's kind), sorted by number."""

    group: str
    criteria: tuple[ProfileCriterion, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.criteria))
        numbers = [criterion.number for criterion in ordered]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"group {self.group!r} lists a criterion twice: {numbers}")
        object.__setattr__(self, "criteria", ordered)

    @cached_property
    def _by_number(self) -> Mapping[int, ProfileCriterion]:
        return {criterion.number: criterion for criterion in self.criteria}

    def get(self, number: int) -> ProfileCriterion | None:
        return self._by_number.get(number)

    @cached_property
    def _by_severity(self) -> Mapping[Severity, tuple[int, ...]]:
        return {
            level: tuple(row.number for row in self.criteria if row.severity == level) for level in Severity
        }

    def numbers(self, severity: Severity) -> tuple[int, ...]:
        return self._by_severity[Severity(severity)]

    @classmethod
    def of(cls, group: str, criteria: Iterable[tuple[int, Severity, int]]) -> GroupProfile:
        """A profile from (number, severity, source group) triples, the compact form tests use."""
        return cls(group, tuple(ProfileCriterion(*row) for row in criteria))

    @classmethod
    def from_edition(cls, edition: CatalogueEdition, group_key: str) -> GroupProfile:
        group = edition.group(group_key)
        return cls.of(
            group.key,
            (
                (number, edition.criterion(number).severity, edition.criterion(number).source_group)
                for number in group.applicable_criteria
            ),
        )
