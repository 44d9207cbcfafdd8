"""What forming a semi-annual list takes: the rules of the edition, scores, visit histories, capacity.

Plain frozen values; the planner never reads files or the database. The numbers of the rules come from a
methodology edition (`PlanningRules.from_edition`), never from literals in code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from tekseru.message import Explained

VISIT_FREQUENCY_PARAMETER = "visit_frequency_limit_months"

Capacity = Mapping[str, int]
"""Visits a region's territorial department can make in one half-year; a region not named is unlimited."""


class PlanningInputError(Explained, ValueError):
    """Inputs the planner cannot use: duplicates, contradictions or impossible values."""


class _ClassBound(Protocol):
    @property
    def risk_class(self) -> str: ...

    @property
    def candidate_for_visit(self) -> bool: ...


class MethodologyEdition(Protocol):
    """The part of `tekseru.catalog.CatalogueEdition` the planner reads."""

    @property
    def class_bounds(self) -> Sequence[_ClassBound]: ...

    def value(self, key: str) -> float | int | str | bool: ...


@dataclass(frozen=True)
class PlanningRules:
    """The methodology numbers the planner applies, taken from one edition."""

    visit_frequency_limit_months: int
    candidate_classes: frozenset[str]

    def __post_init__(self) -> None:
        months = self.visit_frequency_limit_months
        if isinstance(months, bool) or not isinstance(months, int) or months < 0:
            raise PlanningInputError(
                f"{VISIT_FREQUENCY_PARAMETER} must be whole months >= 0, got {months!r}"
            ).saying("planning.frequency", parameter=VISIT_FREQUENCY_PARAMETER, value=repr(months))

    @classmethod
    def from_edition(cls, edition: MethodologyEdition) -> PlanningRules:
        value = edition.value(VISIT_FREQUENCY_PARAMETER)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise PlanningInputError(
                f"{VISIT_FREQUENCY_PARAMETER} must be whole months, got {value!r}"
            ).saying("planning.frequency", parameter=VISIT_FREQUENCY_PARAMETER, value=repr(value))
        bounds = edition.class_bounds
        candidates = frozenset(bound.risk_class for bound in bounds if bound.candidate_for_visit)
        return cls(visit_frequency_limit_months=int(value), candidate_classes=candidates)


@dataclass(frozen=True)
class CandidateScore:
    """The risk assessment of one subject in one control group, as scoring produced it."""

    subject_id: str
    bin: str
    name: str
    region: str
    address: str
    group: str
    objective_high_risk: bool
    score: float
    risk_class: str
    gross_count: int = 0
    significant_count: int = 0
    minor_count: int = 0
    main_reasons: tuple[int, ...] = ()


@dataclass(frozen=True)
class VisitHistory:
    """What the planner needs to know about a subject's last visit.

    `last_visit_on` is the last visit of the control body to the subject; the frequency limit counts from
    it whatever its kind. `violations_of_last_preventive_control_eliminated_in_full` is True when the last
    visit was preventive control with a visit, it found violations and they were all eliminated; False
    when some were not; None when unknown or nothing was found. `remediation_reports` are the accepted
    remediation reports (their ids) that closed those violations: the proof an exclusion cites.
    """

    subject_id: str
    last_visit_on: date | None = None
    last_visit_was_preventive_control: bool = False
    violations_of_last_preventive_control_eliminated_in_full: bool | None = None
    remediation_reports: tuple[int, ...] = ()


def check_capacity(capacity: Capacity | None) -> dict[str, int]:
    """A copy of the capacity, after checking that every value is a whole number >= 0."""
    checked: dict[str, int] = {}
    for region, visits in (capacity or {}).items():
        if isinstance(visits, bool) or not isinstance(visits, int) or visits < 0:
            raise PlanningInputError(
                f"capacity of {region!r} must be a whole number >= 0, got {visits!r}"
            ).saying("planning.capacity", region=region, value=repr(visits))
        checked[region] = visits
    return dict(sorted(checked.items()))
