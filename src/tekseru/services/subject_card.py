"""A subject's card: what the registry knows of one subject (its class and scores in the latest finished
run, its score history, evidence and inspections), with, for the page, the explanation of its scores and
its visits.

Everything is read in one reading (`Database.request_reading`: one snapshot on SQLite; on PostgreSQL each
statement sees what was committed when it began, as in a READ COMMITTED transaction, without its BEGIN and
COMMIT), in four statements made once (`tekseru.store.subject_card`; a fifth for a subject a plan's list
may name); what two parts need (the results and their explanations, the evidence counted now) is read once
and handed to both. Nothing is kept between requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast, get_args

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.message import Explained
from tekseru.scoring.phrases import Language
from tekseru.services.assessment_subject import explain_in_session
from tekseru.services.inspections.visits import SubjectVisits
from tekseru.services.inspections.workflow import readable_plan_statuses, visits_in_session
from tekseru.services.permissions import Actor, Permission
from tekseru.store import AssessmentRun, Database
from tekseru.store import EvidenceRecord as EvidenceRecord
from tekseru.store.assessments import latest_run
from tekseru.store.registry_queries import SubjectRow, subject_row
from tekseru.store.run_results import ResultRow, ScorePoint
from tekseru.store.subject_card import (
    SubjectResult,
    subject_and_run,
    subject_parts,
)

LANGUAGES: tuple[str, ...] = get_args(Language)


class SubjectNotFound(Explained, LookupError):
    """No subject of the registry has this BIN."""


@dataclass(frozen=True)
class SubjectCard:
    subject: SubjectRow
    run: AssessmentRun | None
    results: list[ResultRow]  # per control group, in the latest finished run
    history: list[ScorePoint]  # oldest first
    evidence: list[EvidenceRecord]  # newest first
    inspections: list[Any] | None  # `tekseru.store.inspections` records; None when there are none to have
    explanation: list[str] = field(default_factory=list)  # of the latest run, when a language was asked for
    visits: SubjectVisits | None = None  # planned and past visits, when asked for


def subject_or_refuse(
    session: Session, actor: Actor, bin: str, permission: Permission, run: AssessmentRun | None = None
) -> SubjectRow:
    """The subject (with its class in `run`, by default the latest finished one) if the actor may."""
    run = run or latest_run(session)
    row = subject_row(session, bin.strip(), None if run is None else run.id)
    if row is None:
        raise _not_found(bin)
    actor.require(permission, row.region)
    return row


def _not_found(bin: str) -> SubjectNotFound:
    return SubjectNotFound(f"no subject with BIN {bin!r} in the registry").saying(
        "refusal.subject.not_found", bin=bin
    )


def subject_card(
    db: Database,
    actor: Actor,
    bin: str,
    *,
    catalogue: Catalogue,
    language: str | None = None,
    visits: bool = False,
) -> SubjectCard:
    """What the registry knows of the subject; with `language`, also the explanation of its scores in the
    latest finished run, told in that language (what `registry_queries.explanation` gives); with `visits`,
    its planned and past visits (what `inspections.subject_visits` gives)."""
    told = None if language is None else language_of(language)
    with db.request_reading() as session:  # PostgreSQL: no BEGIN and COMMIT round trips
        statuses = readable_plan_statuses(actor) if visits else []
        found = subject_and_run(session, bin.strip(), statuses)
        if found is None:
            raise _not_found(bin)
        subject, run = found.subject, found.run
        actor.require(Permission.READ_REGISTRY, subject.region)
        stored, history, by_id, every_inspection = subject_parts(
            session, None if run is None else run.id, subject.id
        )
        explained: list[str] = []
        if told is not None and run is not None:
            results = [result.data for result in stored]
            explanation = explain_in_session(
                session, subject, run, as_of=run.as_of, language=told, catalogue=catalogue,
                results=results, evidence=by_id,
            )  # fmt: skip
            explained = explanation.lines()
        seen = None
        if visits:
            series = [record.id for record in every_inspection if record.first_revision_id is None]
            seen = visits_in_session(
                session, actor, subject.id, subject.bin, subject.region, series,
                maybe_planned=found.maybe_planned,
            )  # fmt: skip
        return SubjectCard(
            subject=subject,
            run=run,
            results=[_result_row(subject, result) for result in stored],
            history=history,
            evidence=sorted(by_id, key=lambda e: (e.observed_on, e.id), reverse=True),
            inspections=[record for record in every_inspection if record.superseded_by_id is None],
            explanation=explained,
            visits=seen,
        )


def language_of(language: str) -> Language:
    if language not in LANGUAGES:
        raise ValueError(f"language: one of {', '.join(LANGUAGES)}, not {language!r}")
    return cast(Language, language)


def _result_row(subject: SubjectRow, result: SubjectResult) -> ResultRow:
    """A result as the run's table of results gives it (`run_results.run_result_rows`)."""
    data = result.data
    return ResultRow(
        subject.id,
        subject.bin,
        subject.name,
        subject.region,
        data.group_key,
        data.score,
        data.risk_class,
        data.gross_found,
        data.violated_criteria,
        data.significant_part,
        data.minor_part,
        last_visit_on=subject.last_visit_on,
        gross_count=result.gross_count,
        significant_count=result.significant_count,
        minor_count=result.minor_count,
    )
