"""A formed semi-annual list: rows on the list, rows beyond capacity, and every exclusion with its reason.

`Plan.to_dict()` gives plain JSON values (strings, numbers, lists, dicts; dates in ISO form) and
`Plan.from_dict()` reads them back to an equal plan, so a list can be stored and compared later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from tekseru.planning.half_year import HalfYear
from tekseru.planning.inputs import PlanningInputError, PlanningRules

PLAN_FORMAT = "tekseru-plan/1"


class ExclusionReason(StrEnum):
    """Why a subject-group is not on the list; listed in the order the planner checks them."""

    NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA = "not_high_risk_by_objective_criteria"
    CLASS_NOT_CANDIDATE = "class_not_candidate"
    VISITED_WITHIN_FREQUENCY_LIMIT = "visited_within_frequency_limit"
    VIOLATIONS_ELIMINATED_IN_FULL = "violations_eliminated_in_full"
    COVERED_BY_OTHER_GROUP = "covered_by_other_group"

    @property
    def order(self) -> int:
        return list(ExclusionReason).index(self)


@dataclass(frozen=True)
class PlanRow:
    """One subject on the list (or beyond capacity): one visit covers all of its candidate groups.

    `groups` starts with the leading group, whose score, class and counts the row shows. `planned_month`
    is a month number (1-12) of the plan's half-year, None for rows beyond capacity.
    """

    rank: int
    subject_id: str
    bin: str
    name: str
    region: str
    address: str
    groups: tuple[str, ...]
    score: float
    risk_class: str
    main_reasons: tuple[int, ...]
    planned_month: int | None
    gross_count: int
    significant_count: int
    minor_count: int
    last_visit_on: date | None

    @property
    def group(self) -> str:
        return self.groups[0]


@dataclass(frozen=True)
class ExcludedRow:
    """One subject-group that is not on the list, with the reason and a sentence explaining it.

    `covered_by_rank` names the row (on the list or beyond capacity) that covers a
    `covered_by_other_group` exclusion; `remediation_reports` the accepted remediation reports that prove a
    `violations_eliminated_in_full` exclusion (their ids), when the subject reported through tekseru.
    """

    subject_id: str
    bin: str
    name: str
    region: str
    group: str
    score: float
    risk_class: str
    reason: ExclusionReason
    detail: str
    last_visit_on: date | None = None
    covered_by_rank: int | None = None
    remediation_reports: tuple[int, ...] = ()


@dataclass(frozen=True)
class Plan:
    half_year: HalfYear
    rules: PlanningRules
    capacity: Mapping[str, int] = field(default_factory=dict)
    included: tuple[PlanRow, ...] = ()
    overflow: tuple[PlanRow, ...] = ()
    excluded: tuple[ExcludedRow, ...] = ()

    def row_of(self, subject_id: str) -> PlanRow | None:
        """The subject's row on the list or beyond capacity, if it has one."""
        return next((row for row in self.included + self.overflow if row.subject_id == subject_id), None)

    def exclusions_of(self, subject_id: str) -> tuple[ExcludedRow, ...]:
        return tuple(row for row in self.excluded if row.subject_id == subject_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PLAN_FORMAT,
            "half_year": str(self.half_year),
            "rules": {
                "visit_frequency_limit_months": self.rules.visit_frequency_limit_months,
                "candidate_classes": sorted(self.rules.candidate_classes),
            },
            "capacity": dict(sorted(self.capacity.items())),
            "included": [_row_to_dict(row) for row in self.included],
            "overflow": [_row_to_dict(row) for row in self.overflow],
            "excluded": [_excluded_to_dict(row) for row in self.excluded],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        if data.get("format") != PLAN_FORMAT:
            found = data.get("format")
            raise PlanningInputError(f"not a stored plan: format is {found!r}, not {PLAN_FORMAT!r}").saying(
                "planning.stored_malformed", detail=f"format {found!r}"
            )
        try:
            return cls(
                half_year=HalfYear.parse(data["half_year"]),
                rules=PlanningRules(
                    visit_frequency_limit_months=data["rules"]["visit_frequency_limit_months"],
                    candidate_classes=frozenset(data["rules"]["candidate_classes"]),
                ),
                capacity={str(region): int(visits) for region, visits in data["capacity"].items()},
                included=tuple(_row_from_dict(row) for row in data["included"]),
                overflow=tuple(_row_from_dict(row) for row in data["overflow"]),
                excluded=tuple(_excluded_from_dict(row) for row in data["excluded"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise PlanningInputError(f"stored plan is incomplete or malformed: {error!r}").saying(
                "planning.stored_malformed", detail=repr(error)
            ) from error


def _date_or_none(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _iso_or_none(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _row_to_dict(row: PlanRow) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "subject_id": row.subject_id,
        "bin": row.bin,
        "name": row.name,
        "region": row.region,
        "address": row.address,
        "groups": list(row.groups),
        "score": float(row.score),
        "risk_class": row.risk_class,
        "main_reasons": list(row.main_reasons),
        "planned_month": row.planned_month,
        "gross_count": row.gross_count,
        "significant_count": row.significant_count,
        "minor_count": row.minor_count,
        "last_visit_on": _iso_or_none(row.last_visit_on),
    }


def _row_from_dict(data: Mapping[str, Any]) -> PlanRow:
    return PlanRow(
        rank=int(data["rank"]),
        subject_id=str(data["subject_id"]),
        bin=str(data["bin"]),
        name=str(data["name"]),
        region=str(data["region"]),
        address=str(data["address"]),
        groups=tuple(str(group) for group in data["groups"]),
        score=float(data["score"]),
        risk_class=str(data["risk_class"]),
        main_reasons=tuple(int(number) for number in data["main_reasons"]),
        planned_month=None if data["planned_month"] is None else int(data["planned_month"]),
        gross_count=int(data["gross_count"]),
        significant_count=int(data["significant_count"]),
        minor_count=int(data["minor_count"]),
        last_visit_on=_date_or_none(data["last_visit_on"]),
    )


def _excluded_to_dict(row: ExcludedRow) -> dict[str, Any]:
    proof = {"remediation_reports": list(row.remediation_reports)} if row.remediation_reports else {}
    return proof | {
        "subject_id": row.subject_id,
        "bin": row.bin,
        "name": row.name,
        "region": row.region,
        "group": row.group,
        "score": float(row.score),
        "risk_class": row.risk_class,
        "reason": row.reason.value,
        "detail": row.detail,
        "last_visit_on": _iso_or_none(row.last_visit_on),
        "covered_by_rank": row.covered_by_rank,
    }


def _excluded_from_dict(data: Mapping[str, Any]) -> ExcludedRow:
    return ExcludedRow(
        subject_id=str(data["subject_id"]),
        bin=str(data["bin"]),
        name=str(data["name"]),
        region=str(data["region"]),
        group=str(data["group"]),
        score=float(data["score"]),
        risk_class=str(data["risk_class"]),
        reason=ExclusionReason(data["reason"]),
        detail=str(data["detail"]),
        last_visit_on=_date_or_none(data["last_visit_on"]),
        covered_by_rank=None if data["covered_by_rank"] is None else int(data["covered_by_rank"]),
        remediation_reports=tuple(int(report) for report in data.get("remediation_reports", ())),
    )
