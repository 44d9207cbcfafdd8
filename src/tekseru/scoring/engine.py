"""The subjective score of one subject in one homogeneous group, evidence by evidence.

This is the reference implementation: readable, explainable, and the yardstick `bulk` is tested against.
Which evidence counts is not decided here but in `evidence_rules`, the one home of those rules, which
`bulk` applies too.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from tekseru.catalog.schema import Severity
from tekseru.scoring.evidence import EvidenceFact
from tekseru.scoring.evidence_rules import (
    Judgement,
    OneRecord,
    enough_complaints,
    ignore_reason,
    is_complaint,
)
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
from tekseru.scoring.rules import GroupProfile, ScoringRules


def score_group(
    rules: ScoringRules, profile: GroupProfile, evidence: Iterable[EvidenceFact], as_of: date
) -> GroupScore:
    """Score one subject of `profile`'s group on `as_of` from all evidence known about it.

    Which evidence counts is decided by the rules of `evidence_rules`, fact by fact.
    """
    judgement = Judgement.of(rules, as_of)
    ignored: list[IgnoredEvidence] = []
    counting: dict[int, list[int]] = defaultdict(list)
    complaints: dict[int, list[int]] = defaultdict(list)
    for fact in evidence:
        record = OneRecord.of(fact, profile.get(fact.criterion), judgement)
        reason = ignore_reason(record, judgement)
        if reason is not None:
            ignored.append(IgnoredEvidence(fact.evidence_id, fact.criterion, reason))
        elif is_complaint(record, judgement):
            complaints[fact.criterion].append(fact.evidence_id)
        else:
            counting[fact.criterion].append(fact.evidence_id)
    for criterion, ids in complaints.items():
        if enough_complaints(len(ids), judgement):
            counting[criterion].extend(ids)
        else:
            reason = IgnoreReason.BELOW_COMPLAINT_THRESHOLD
            ignored.extend(IgnoredEvidence(evidence_id, criterion, reason) for evidence_id in ids)
    return score_counted(rules, profile, as_of, counting, ignored)


def score_counted(
    rules: ScoringRules,
    profile: GroupProfile,
    as_of: date,
    counted: Mapping[int, Sequence[int]],
    ignored: Iterable[IgnoredEvidence],
) -> GroupScore:
    """The score once each record's status is known: `counted` gives the evidence ids that counted for
    each criterion, `ignored` the others with their reasons (as a stored explanation keeps them)."""
    hits = [_hit(profile, criterion, ids) for criterion, ids in counted.items()]
    return _assemble(rules, profile, as_of, hits, ignored)


def _hit(profile: GroupProfile, criterion: int, evidence_ids: Sequence[int]) -> CriterionHit:
    row = profile.get(criterion)
    if row is None:
        raise ValueError(f"criterion {criterion} counted, but {profile.group} does not apply it")
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
