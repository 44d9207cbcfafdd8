"""Builders of planning inputs for tests: every field has a plain default, tests name what matters."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from tekseru.planning import CandidateScore, HalfYear, PlanningRules, VisitHistory

# The numbers of the 2022 methodology edition, written out so that these tests do not read catalogue files.
RULES = PlanningRules(visit_frequency_limit_months=12, candidate_classes=frozenset({"medium", "high"}))
H1_2027 = HalfYear(2027, 1)
H2_2027 = HalfYear(2027, 2)


def stable_bin(subject: str) -> str:
    """A 12-digit number that depends only on the subject id (Python's hash() changes per process)."""
    return f"{int(hashlib.sha256(subject.encode()).hexdigest(), 16) % 10**12:012d}"


def class_of(value: float) -> str:
    return "high" if value > 70 else "medium" if value > 30 else "low"


def score(
    subject: str,
    value: float = 80.0,
    *,
    group: str = "stationary",
    risk_class: str | None = None,
    objective_high_risk: bool = True,
    region: str = "Astana",
    bin: str | None = None,
    gross: int = 0,
    significant: int = 0,
    minor: int = 0,
    reasons: tuple[int, ...] = (),
) -> CandidateScore:
    return CandidateScore(
        subject_id=subject,
        bin=bin if bin is not None else stable_bin(subject),
        name=f"Subject {subject}",
        region=region,
        address=f"{region}, street {subject}",
        group=group,
        objective_high_risk=objective_high_risk,
        score=value,
        risk_class=risk_class if risk_class is not None else class_of(value),
        gross_count=gross,
        significant_count=significant,
        minor_count=minor,
        main_reasons=reasons,
    )


def history(
    subject: str,
    last_visit_on: date | None = None,
    *,
    preventive: bool = True,
    eliminated: bool | None = None,
) -> VisitHistory:
    return VisitHistory(
        subject_id=subject,
        last_visit_on=last_visit_on,
        last_visit_was_preventive_control=preventive,
        violations_of_last_preventive_control_eliminated_in_full=eliminated,
    )


def score_from_json(data: dict[str, Any]) -> CandidateScore:
    """A score row of a golden case; name, address and the counts may be left out."""
    return CandidateScore(
        subject_id=data["subject_id"],
        bin=data["bin"],
        name=data.get("name", data["subject_id"]),
        region=data["region"],
        address=data.get("address", ""),
        group=data["group"],
        objective_high_risk=data.get("objective_high_risk", True),
        score=float(data["score"]),
        risk_class=data["risk_class"],
        gross_count=data.get("gross_count", 0),
        significant_count=data.get("significant_count", 0),
        minor_count=data.get("minor_count", 0),
        main_reasons=tuple(data.get("main_reasons", ())),
    )


def history_from_json(data: dict[str, Any]) -> VisitHistory:
    last = data.get("last_visit_on")
    return VisitHistory(
        subject_id=data["subject_id"],
        last_visit_on=date.fromisoformat(last) if last else None,
        last_visit_was_preventive_control=data.get("last_visit_was_preventive_control", False),
        violations_of_last_preventive_control_eliminated_in_full=data.get(
            "violations_of_last_preventive_control_eliminated_in_full"
        ),
    )
