"""Forming the semi-annual list of preventive control with a visit (see docs/planning.md for the rules).

Every subject-group given to `form_plan` ends up exactly once in the plan: as the leading group of a row
on the list or beyond capacity, or as an exclusion with its reason. Nothing is dropped silently.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tekseru.planning.half_year import MONTHS_IN_HALF_YEAR, HalfYear, add_months
from tekseru.planning.inputs import (
    CandidateScore,
    Capacity,
    PlanningInputError,
    PlanningRules,
    VisitHistory,
    check_capacity,
)
from tekseru.planning.model import ExcludedRow, ExclusionReason, Plan, PlanRow
from tekseru.planning.priority import priority_values

__all__ = ["Plan", "form_plan", "frequency_cutoff", "priority_key"]

_NO_HISTORY = VisitHistory(subject_id="")


@dataclass(frozen=True)
class _Candidate:
    """A subject that may be visited: its candidate groups, the leading one first."""

    groups: tuple[CandidateScore, ...]
    history: VisitHistory

    @property
    def lead(self) -> CandidateScore:
        return self.groups[0]


def form_plan(
    half_year: HalfYear,
    scores: Iterable[CandidateScore],
    histories: Iterable[VisitHistory],
    rules: PlanningRules,
    capacity: Capacity | None = None,
) -> Plan:
    """Form the list for `half_year` from the scores of subject-groups and the subjects' visit histories."""
    by_subject = _by_subject(list(scores))
    history_of = _histories(histories)
    checked_capacity = check_capacity(capacity)
    excluded: list[ExcludedRow] = []
    candidates: list[_Candidate] = []
    for subject_id, groups in by_subject.items():
        history = history_of.get(subject_id, _NO_HISTORY)
        candidate = _screen(half_year, rules, groups, history, excluded)
        if candidate is not None:
            candidates.append(candidate)
    candidates.sort(key=lambda candidate: priority_key(candidate.lead, candidate.history))
    included, overflow = _rows(half_year, candidates, checked_capacity)
    excluded.extend(_covered(candidates, included + overflow))
    excluded.sort(key=lambda row: (row.reason.order, -row.score, row.bin, row.subject_id, row.group))
    return Plan(half_year, rules, checked_capacity, included, overflow, tuple(excluded))


def frequency_cutoff(half_year: HalfYear, rules: PlanningRules) -> date:
    """A subject last visited after this day is not on the list: the half-year's start minus the limit."""
    return add_months(half_year.start, -rules.visit_frequency_limit_months)


def priority_key(score: CandidateScore, history: VisitHistory) -> tuple[object, ...]:
    """Sort key of the list: the planning order (tekseru.planning.priority: score, then gross, significant
    and minor counts, all descending; then the longest since the last visit, never visited first); then
    BIN ascending; then subject id ascending."""
    values = {name: getattr(score, name) for name in _COUNTED} | {"last_visit_on": history.last_visit_on}
    return (*priority_values(values), score.bin, score.subject_id)


_COUNTED = ("score", "gross_count", "significant_count", "minor_count")


def _group_key(score: CandidateScore) -> tuple[object, ...]:
    """A subject's leading group: the planning order without the visit (the same for all its groups)."""
    values = {name: getattr(score, name) for name in _COUNTED} | {"last_visit_on": None}
    return (*priority_values(values), score.group)


def _by_subject(scores: Sequence[CandidateScore]) -> dict[str, list[CandidateScore]]:
    by_subject: dict[str, list[CandidateScore]] = defaultdict(list)
    for score in scores:
        _check_score(score)
        known = by_subject[score.subject_id]
        if any(other.group == score.group for other in known):
            raise PlanningInputError(
                f"subject {score.subject_id!r} has two scores for group {score.group!r}"
            ).saying("planning.two_scores", subject=score.subject_id, group=score.group)
        if known and _identity(known[0]) != _identity(score):
            raise PlanningInputError(
                f"subject {score.subject_id!r} has different BIN, name, region or address in its groups"
            ).saying("planning.identity", subject=score.subject_id)
        known.append(score)
    return dict(by_subject)


def _check_score(score: CandidateScore) -> None:
    if not math.isfinite(score.score):
        raise PlanningInputError(
            f"score of {score.subject_id!r} in {score.group!r} is {score.score!r}"
        ).saying("planning.score", subject=score.subject_id, group=score.group, score=repr(score.score))
    if min(score.gross_count, score.significant_count, score.minor_count) < 0:
        raise PlanningInputError(
            f"negative violation count for {score.subject_id!r} in {score.group!r}"
        ).saying("planning.negative_count", subject=score.subject_id, group=score.group)


def _identity(score: CandidateScore) -> tuple[str, str, str, str]:
    return (score.bin, score.name, score.region, score.address)


def _histories(histories: Iterable[VisitHistory]) -> dict[str, VisitHistory]:
    history_of: dict[str, VisitHistory] = {}
    for history in histories:
        if history.subject_id in history_of:
            raise PlanningInputError(f"subject {history.subject_id!r} has two visit histories").saying(
                "planning.two_histories", subject=history.subject_id
            )
        history_of[history.subject_id] = history
    return history_of


_ELIMINATED = ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL


def _screen(
    half_year: HalfYear,
    rules: PlanningRules,
    groups: list[CandidateScore],
    history: VisitHistory,
    excluded: list[ExcludedRow],
) -> _Candidate | None:
    """Exclude what must be excluded (appending to `excluded`); return the subject if it is a candidate."""
    candidate_groups = []
    for score in groups:
        group_reason = _group_reason(score, rules)
        if group_reason is None:
            candidate_groups.append(score)
        else:
            excluded.append(_excluded(score, *group_reason))
    if not candidate_groups:
        return None
    subject_reason = _subject_reason(half_year, rules, history)
    if subject_reason is not None:
        last = history.last_visit_on
        proof = history.remediation_reports if subject_reason[0] is _ELIMINATED else ()
        excluded.extend(_excluded(score, *subject_reason, last, proof=proof) for score in candidate_groups)
        return None
    return _Candidate(tuple(sorted(candidate_groups, key=_group_key)), history)


def _group_reason(score: CandidateScore, rules: PlanningRules) -> tuple[ExclusionReason, str] | None:
    if not score.objective_high_risk:
        return (
            ExclusionReason.NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA,
            f"group {score.group} is not high risk by objective criteria",
        )
    if score.risk_class not in rules.candidate_classes:
        candidates = ", ".join(sorted(rules.candidate_classes)) or "none"
        return (
            ExclusionReason.CLASS_NOT_CANDIDATE,
            f"risk class {score.risk_class} is not a candidate for a visit (candidates: {candidates})",
        )
    return None


def _subject_reason(
    half_year: HalfYear, rules: PlanningRules, history: VisitHistory
) -> tuple[ExclusionReason, str] | None:
    last = history.last_visit_on
    if last is None:
        return None
    cutoff = frequency_cutoff(half_year, rules)
    if last > cutoff:
        return (
            ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT,
            f"last visit on {last.isoformat()} is later than {cutoff.isoformat()}, "
            f"{rules.visit_frequency_limit_months} months before {half_year} starts",
        )
    if _skips_this_list(half_year, rules, history, last):
        reports = history.remediation_reports
        proof = f"; proof: remediation reports {', '.join(f'№ {n}' for n in reports)}" if reports else ""
        return (
            ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL,
            f"the violations found by preventive control with a visit on {last.isoformat()} were eliminated "
            f"in full, and {half_year} is the first list after it{proof}",
        )
    return None


def _skips_this_list(half_year: HalfYear, rules: PlanningRules, history: VisitHistory, last: date) -> bool:
    """True for the first list the frequency limit allows after a visit whose violations were eliminated."""
    eliminated = history.violations_of_last_preventive_control_eliminated_in_full is True
    first_allowed = last > frequency_cutoff(half_year.previous(), rules)
    return history.last_visit_was_preventive_control and eliminated and first_allowed


def _excluded(
    score: CandidateScore,
    reason: ExclusionReason,
    detail: str,
    last_visit_on: date | None = None,
    covered_by_rank: int | None = None,
    *,
    proof: tuple[int, ...] = (),
) -> ExcludedRow:
    return ExcludedRow(
        subject_id=score.subject_id,
        bin=score.bin,
        name=score.name,
        region=score.region,
        group=score.group,
        score=score.score,
        risk_class=score.risk_class,
        reason=reason,
        detail=detail,
        last_visit_on=last_visit_on,
        covered_by_rank=covered_by_rank,
        remediation_reports=proof,
    )


def _rows(
    half_year: HalfYear, candidates: list[_Candidate], capacity: Mapping[str, int]
) -> tuple[tuple[PlanRow, ...], tuple[PlanRow, ...]]:
    """Split candidates (in priority order) into the list and overflow; rank and give months."""
    taken: dict[str, int] = defaultdict(int)
    on_list: list[_Candidate] = []
    beyond: list[_Candidate] = []
    for candidate in candidates:
        region = candidate.lead.region
        if region in capacity and taken[region] >= capacity[region]:
            beyond.append(candidate)
        else:
            taken[region] += 1
            on_list.append(candidate)
    months = _months(half_year, on_list)
    included = tuple(_row(rank, c, months[c.lead.subject_id]) for rank, c in enumerate(on_list, start=1))
    overflow = tuple(_row(rank, c, None) for rank, c in enumerate(beyond, start=len(on_list) + 1))
    return included, overflow


def _months(half_year: HalfYear, on_list: list[_Candidate]) -> dict[str, int]:
    """Spread each region's rows evenly over the six months, the highest priority earliest.

    The i-th row of a region with n rows (counting from 0) gets month number floor(i * 6 / n) of the
    half-year: month loads differ by at most one and never go back in time as priority falls.
    """
    per_region: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in on_list:
        per_region[candidate.lead.region].append(candidate)
    months: dict[str, int] = {}
    for rows in per_region.values():
        for index, candidate in enumerate(rows):
            months[candidate.lead.subject_id] = half_year.months[index * MONTHS_IN_HALF_YEAR // len(rows)]
    return months


def _row(rank: int, candidate: _Candidate, planned_month: int | None) -> PlanRow:
    lead = candidate.lead
    reasons = dict.fromkeys(number for score in candidate.groups for number in score.main_reasons)
    return PlanRow(
        rank=rank,
        subject_id=lead.subject_id,
        bin=lead.bin,
        name=lead.name,
        region=lead.region,
        address=lead.address,
        groups=tuple(score.group for score in candidate.groups),
        score=lead.score,
        risk_class=lead.risk_class,
        main_reasons=tuple(reasons),
        planned_month=planned_month,
        gross_count=lead.gross_count,
        significant_count=lead.significant_count,
        minor_count=lead.minor_count,
        last_visit_on=candidate.history.last_visit_on,
    )


def _covered(candidates: list[_Candidate], rows: tuple[PlanRow, ...]) -> list[ExcludedRow]:
    """The non-leading candidate groups of each subject, pointing at the row whose visit covers them."""
    rank_of = {row.subject_id: row.rank for row in rows}
    covered = []
    for candidate in candidates:
        rank = rank_of[candidate.lead.subject_id]
        for score in candidate.groups[1:]:
            detail = f"visited under group {candidate.lead.group} (row {rank})"
            covered.append(
                _excluded(score, ExclusionReason.COVERED_BY_OTHER_GROUP, detail, covered_by_rank=rank)
            )
    return covered
