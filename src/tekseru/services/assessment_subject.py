"""Why one subject has its scores: the explanation of each of its groups, in Kazakh, Russian or English.

When a finished run assessed the registry on the date asked for, its stored explanation is told (the
criteria and evidence as they were then); otherwise the subject is scored now, group by group, with the
reference engine `score_group`, from the evidence in the registry.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition
from tekseru.i18n import explain_words, translate
from tekseru.message import Explained
from tekseru.scoring import (
    EvidenceFact,
    GroupProfile,
    GroupScore,
    IgnoredEvidence,
    IgnoreReason,
    RiskClass,
    ScoringRules,
    explain,
    score_counted,
    score_group,
)
from tekseru.scoring.phrases import Language
from tekseru.services.permissions import Actor, Permission
from tekseru.store import AssessmentResultData, AssessmentRun, Database, EvidenceRecord
from tekseru.store.assessments import finished_run_on, results_for_run
from tekseru.store.evidence import evidence_for_subjects
from tekseru.store.subjects import find_subject_by_bin


class UnknownSubject(Explained, LookupError):
    """No subject with this BIN in the registry."""


@dataclass(frozen=True)
class GroupExplanation:
    """One group's score and its explanation; `run_id` is the stored run it comes from (None: scored now),
    `run_made` when that run finished (how a reader knows it: by its date, not its id).

    `score` is None when the edition does not have the group.
    """

    group: str
    score: GroupScore | None
    run_id: uuid.UUID | None
    lines: tuple[str, ...]
    run_made: datetime | None = None


@dataclass(frozen=True)
class SubjectExplanation:
    bin: str
    name: str
    region: str
    as_of: date
    groups: tuple[GroupExplanation, ...]

    def lines(self) -> list[str]:
        """The lines of every group, a blank line between groups."""
        lines: list[str] = []
        for index, group in enumerate(self.groups):
            lines += ([""] if index else []) + list(group.lines)
        return lines


def subject_explanation(
    db: Database,
    actor: Actor,
    bin: str,
    *,
    as_of: date,
    language: Language = "kk",
    catalogue: Catalogue,
) -> SubjectExplanation:
    """The subject's score in each of its groups as of `as_of`, explained (`lines()`: the
    lines of `tekseru.scoring.explain` in `language`), when the actor may read assessments of its region;
    UnknownSubject."""
    actor.require(Permission.READ_ASSESSMENTS)
    wanted = bin.strip()
    with db.reading() as session:
        subject = find_subject_by_bin(session, wanted)
        if subject is None:
            refused = UnknownSubject(f"no subject with BIN {wanted} in the registry")
            raise refused.saying("refusal.subject.not_found", bin=wanted)
        actor.require(Permission.READ_ASSESSMENTS, subject.region)
        run = finished_run_on(session, as_of)
        return explain_in_session(session, subject, run, as_of=as_of, language=language, catalogue=catalogue)


class AssessedSubject(Protocol):
    """What an explanation needs of a subject (a registry record or a row of a search)."""

    @property
    def id(self) -> int: ...
    @property
    def bin(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def groups(self) -> tuple[str, ...]: ...


def explain_in_session(
    session: Session,
    subject: AssessedSubject,
    run: AssessmentRun | None,
    *,
    as_of: date,
    language: Language,
    catalogue: Catalogue,
    results: Sequence[AssessmentResultData] | None = None,
    evidence: Sequence[EvidenceRecord] | None = None,
) -> SubjectExplanation:
    """`subject_explanation` inside a transaction already open, with `run` the finished run assessed as of
    `as_of` (None: none was, so each group is scored now from the evidence). `results` (the subject's in
    `run`) and `evidence` (the subject's, by id), when the caller has read them in this transaction
    already, are not read again."""
    if run is None:
        results = []
    elif results is None:
        results = results_for_run(session, run.id, subject_id=subject.id)
    stored = {r.group_key: r for r in results}
    fresh = [group for group in subject.groups if group not in stored]
    if not fresh:
        evidence = []
    elif evidence is None:
        evidence = evidence_for_subjects(session, [subject.id])
    facts = [_fact(record) for record in evidence]
    groups = []
    for group in subject.groups:
        result = stored.get(group)
        edition = (
            catalogue.edition(run.edition_id) if result is not None and run else catalogue.edition_at(as_of)
        )
        stored_run = run if result is not None else None
        groups.append(_explained(edition, group, as_of, language, result, facts, stored_run))
    return SubjectExplanation(subject.bin, subject.name, subject.region, as_of, tuple(groups))


def _fact(record: EvidenceRecord) -> EvidenceFact:
    return EvidenceFact(
        evidence_id=record.id,
        criterion=record.criterion,
        source_group=record.source_group,
        observed_on=record.observed_on,
        confirmed=record.confirmed,
        used_on=record.used_on,
    )


def _explained(
    edition: CatalogueEdition,
    group: str,
    as_of: date,
    language: Language,
    result: AssessmentResultData | None,
    facts: list[EvidenceFact],
    run: AssessmentRun | None,
) -> GroupExplanation:
    run_id, made = (None, None) if run is None else (run.id, run.finished_at or run.started_at)
    if group not in edition.groups:
        line = translate(language, "explain.unknown_group", group=group, edition=edition.id)
        return GroupExplanation(group, None, run_id, (line,), made)
    rules, profile, texts, title = _scoring_of(_Same(edition), group, language)
    if result is None:
        score = score_group(rules, profile, facts, as_of)
    else:
        score = stored_score(rules, profile, as_of, result)
    lines = explain(score, texts, explain_words(language), group_title=title)
    return GroupExplanation(group, score, run_id, tuple(lines), made)


@dataclass(frozen=True, eq=False)
class _Same:
    """An edition as a cache key, by identity: an edition is never changed once loaded, and comparing two
    editions field by field would cost more than what the cache saves."""

    edition: CatalogueEdition

    def __hash__(self) -> int:
        return id(self.edition)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.edition is self.edition


@lru_cache(maxsize=256)  # editions x groups x languages; an entry keeps its edition alive while it is kept
def _scoring_of(
    key: _Same, group: str, language: Language
) -> tuple[ScoringRules, GroupProfile, Mapping[int, str], str]:
    """What explaining a group's score needs of the edition, made once per process (every subject card
    made them again: the rules, the group's profile and the criteria's texts in the language)."""
    edition = key.edition
    texts = {number: criterion.text.in_language(language) for number, criterion in edition.criteria.items()}
    title = edition.group(group).name.in_language(language)
    return ScoringRules.from_edition(edition), GroupProfile.from_edition(edition, group), texts, title


def stored_score(
    rules: ScoringRules, profile: GroupProfile, as_of: date, result: AssessmentResultData
) -> GroupScore:
    """The GroupScore a stored result was computed as: the scoring core's score of the evidence statuses
    its explanation keeps, with the score and class as published.

    An edition that normalises scores within a group (none does yet) would need the group's minimum and
    maximum stored too: the rebuilt score then keeps the stored score but shows no normalisation line.
    """
    explanation: Mapping[str, Any] = result.explanation
    counted = {int(number): ids for number, ids in explanation.get("counted", {}).items()}
    ignored = [
        IgnoredEvidence(evidence_id, int(number), IgnoreReason(reason))
        for reason, by_criterion in explanation.get("ignored", {}).items()
        for number, ids in by_criterion.items()
        for evidence_id in ids
    ]
    score = score_counted(rules, profile, as_of, counted, ignored)
    return dataclasses.replace(score, score=result.score, risk_class=RiskClass(result.risk_class))
