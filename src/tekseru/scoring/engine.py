"""The subjective score of one subject in one homogeneous group, evidence by evidence.

This is the reference implementation: readable, explainable, and the yardstick `bulk` is tested against.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from tekseru.catalog.schema import Severity
from tekseru.scoring.evidence import EvidenceFact
from tekseru.scoring.formula import (
    min_max,
    risk_class_for,
    round_score,
    share_part,
    weighted_total,
)
from tekseru.scoring.result import (
    CriterionHit,
    GroupScore,
    IgnoredEvidence,
    IgnoreReason,
    Normalisation,
    ScoreFormula,
)
from tekseru.scoring.rules import GroupProfile, ProfileCriterion, ScoringRules


def is_complaint(rules: ScoringRules, row: ProfileCriterion | None, fact: EvidenceFact) -> bool:
    """A complaint is evidence from the complaint source, or evidence for a complaint row.

    The second half guards against intake mislabelling the source: a complaint row ("two or more
    confirmed complaints") must never fire on a single unconfirmed record because its source was wrong.
    """
    complaint_group = rules.complaint_source_group
    return fact.source_group == complaint_group or (row is not None and row.source_group == complaint_group)


def ignore_reason(
    rules: ScoringRules, row: ProfileCriterion | None, fact: EvidenceFact, as_of: date, period_start: date
) -> IgnoreReason | None:
    """Why a single fact cannot count, judged on the fact alone (the complaint threshold needs them all).

    `row` is the fact's criterion in the group's profile, None when it does not apply to the group.
    """
    if fact.observed_on > as_of:
        return IgnoreReason.AFTER_AS_OF
    if fact.observed_on < period_start:
        return IgnoreReason.OUTSIDE_PERIOD
    if not rules.reuse_evidence_used_for_visit and fact.used_on is not None and fact.used_on <= as_of:
        return IgnoreReason.ALREADY_USED
    if row is None:
        return IgnoreReason.NOT_APPLICABLE_TO_GROUP
    if fact.confirmed is not True and is_complaint(rules, row, fact):
        return IgnoreReason.UNCONFIRMED_COMPLAINT
    return None


def score_group(
    rules: ScoringRules, profile: GroupProfile, evidence: Iterable[EvidenceFact], as_of: date
) -> GroupScore:
    """Score one subject of `profile`'s group on `as_of` from all evidence known about it."""
    period_start = rules.period_start(as_of)
    ignored: list[IgnoredEvidence] = []
    counting: dict[int, list[int]] = defaultdict(list)
    complaints: dict[int, list[int]] = defaultdict(list)
    for fact in evidence:
        row = profile.get(fact.criterion)
        reason = ignore_reason(rules, row, fact, as_of, period_start)
        if reason is not None:
            ignored.append(IgnoredEvidence(fact.evidence_id, fact.criterion, reason))
        elif is_complaint(rules, row, fact):
            complaints[fact.criterion].append(fact.evidence_id)
        else:
            counting[fact.criterion].append(fact.evidence_id)
    for criterion, ids in complaints.items():
        if len(ids) >= rules.complaint_threshold:
            counting[criterion].extend(ids)
        else:
            reason = IgnoreReason.BELOW_COMPLAINT_THRESHOLD
            ignored.extend(IgnoredEvidence(evidence_id, criterion, reason) for evidence_id in ids)
    hits = [_hit(profile, criterion, ids) for criterion, ids in counting.items()]
    return _assemble(rules, profile, as_of, hits, ignored)


def _hit(profile: GroupProfile, criterion: int, evidence_ids: list[int]) -> CriterionHit:
    row = profile.get(criterion)
    assert row is not None, "only applicable criteria reach counting"
    return CriterionHit(criterion, row.severity, tuple(sorted(evidence_ids)))


def _assemble(
    rules: ScoringRules,
    profile: GroupProfile,
    as_of: date,
    hits: Iterable[CriterionHit],
    ignored: Iterable[IgnoredEvidence],
) -> GroupScore:
    """The score from the criteria found; sorting here makes the result independent of evidence order."""
    counted = tuple(sorted(hits, key=_by_criterion))
    formula = score_formula(rules, profile, counted)
    significant = share_part(
        formula.significant_found, formula.significant_applicable, rules.score_scale, rules.significant_weight
    )
    minor = share_part(formula.minor_found, formula.minor_applicable, rules.score_scale, rules.minor_weight)
    gross = any(hit.severity == Severity.GROSS for hit in counted)
    raw = rules.gross_violation_score if gross else significant + minor
    return GroupScore(
        group=profile.group,
        as_of=as_of,
        score=round_score(raw),
        raw_score=raw,
        risk_class=risk_class_for(raw, rules.class_bounds),
        significant_part=significant,
        minor_part=minor,
        gross_found=gross,
        counted=counted,
        ignored=tuple(sorted(ignored, key=_by_evidence)),
        formula=formula,
    )


def _by_criterion(hit: CriterionHit) -> int:
    return hit.criterion  # one hit per criterion, so the criterion alone orders them


def _by_evidence(item: IgnoredEvidence) -> tuple[int, int, str]:
    return item.evidence_id, item.criterion, item.reason.value


def score_formula(
    rules: ScoringRules, profile: GroupProfile, counted: Sequence[CriterionHit]
) -> ScoreFormula:
    """The numbers of a group's score from the criteria counted as violated, as the explanation tells them."""

    def found(severity: Severity) -> float:
        return weighted_total([hit.criterion for hit in counted if hit.severity == severity], rules)

    return ScoreFormula(
        significant_found=found(Severity.SIGNIFICANT),
        significant_applicable=weighted_total(profile.numbers(Severity.SIGNIFICANT), rules),
        minor_found=found(Severity.MINOR),
        minor_applicable=weighted_total(profile.numbers(Severity.MINOR), rules),
        score_scale=rules.score_scale,
        significant_weight=rules.significant_weight,
        minor_weight=rules.minor_weight,
        gross_violation_score=rules.gross_violation_score,
        complaint_threshold=rules.complaint_threshold,
    )


def normalise_group_scores(scores: Sequence[GroupScore], rules: ScoringRules) -> list[GroupScore]:
    """Apply the edition's normalisation to the scores of one homogeneous group (identity for "none")."""
    groups = {score.group for score in scores}
    if len(groups) > 1:
        raise ValueError(f"normalisation works within one homogeneous group, got {sorted(groups)}")
    raw = [score.raw_score for score in scores]
    # Same cases as `normalise_scores`: no normalisation, or no spread to normalise by.
    if rules.normalisation == "none" or not raw or min(raw) == max(raw):
        return list(scores)
    low, high = min(raw), max(raw)
    applied = Normalisation(low, high, rules.score_scale)
    return [_renormalised(score, low, high, rules, applied) for score in scores]


def _renormalised(
    score: GroupScore, low: float, high: float, rules: ScoringRules, applied: Normalisation
) -> GroupScore:
    value = min_max(score.raw_score, low, high, rules.score_scale)
    return dataclasses.replace(
        score,
        score=round_score(value),
        risk_class=risk_class_for(value, rules.class_bounds),
        normalisation=applied,
    )
