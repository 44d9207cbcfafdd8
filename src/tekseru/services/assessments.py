"""Use cases of the risk engine: assess the whole registry, read the results, explain one subject's score.

An assessment scores every subject once per control group it belongs to, with the edition of the act in
force on the as-of date, from all evidence in the registry (the scoring core decides which counts). It
stores per subject and group the score, the class, the two parts, whether a gross violation was found,
the violated criteria and the explanation: the criteria that counted with the evidence behind each, and
the evidence that did not count with the reason (see `assessment_explain`).

Runs are recorded as running, then finished or failed (with the error). The inputs' fingerprint
(`assessment_fingerprint`) identifies the data, edition and date: a run whose fingerprint matches a
finished run returns that run instead of computing again, unless `reuse=False`.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from tekseru.catalog import Catalogue, CatalogueEdition
from tekseru.message import Explained
from tekseru.scoring import BulkScores, ScoringRules, normalise_bulk, score_bulk
from tekseru.scoring.shown import shown_score
from tekseru.services import audit
from tekseru.services.assessment_classes import subject_classes
from tekseru.services.assessment_explain import ExplanationWriter, SortedPairs, violated_lists
from tekseru.services.assessment_fingerprint import inputs_fingerprint
from tekseru.services.assessment_inputs import ScoringInputs, scoring_inputs
from tekseru.services.assessment_subject import (
    GroupExplanation,
    SubjectExplanation,
    UnknownSubject,
    subject_explanation,
)
from tekseru.services.permissions import Actor, Permission
from tekseru.services.phase_timer import PhaseTimer
from tekseru.store import AssessmentRun, Database
from tekseru.store.assessment_load import load_registry
from tekseru.store.assessments import (
    FAILED,
    ResultBatch,
    add_result_batch,
    find_finished_run,
    finish_run,
    get_run,
    latest_run,
    result_rows,
    start_run,
)
from tekseru.store.assessments import class_counts as stored_class_counts
from tekseru.store.planner_statistics import refresh_after_run
from tekseru.store.run_results import ResultRow
from tekseru.store.subject_classes import lead_columns, severities

__all__ = [
    "AssessmentRow",
    "AssessmentSummary",
    "ClassCount",
    "GroupExplanation",
    "NoAssessment",
    "SubjectExplanation",
    "UnknownSubject",
    "assessment_results",
    "class_counts",
    "run_assessment",
    "subject_explanation",
]

Progress = Callable[[int, int], None]
Clock = Callable[[], datetime]
STORE_CHUNK = 100_000
PHASES = ("load", "fingerprint", "score", "explain", "store")


class NoAssessment(Explained, LookupError):
    """There is no finished assessment (or none with the id asked for)."""


@dataclass(frozen=True)
class AssessmentSummary:
    """What a run did. `reused` is True when the run with the same inputs was returned, not recomputed.

    `subject_groups` counts the results (one per subject and group); `classes` counts them by risk class;
    `skipped_groups` counts subject-groups of groups the edition does not have (not scored); `seconds`
    gives the wall-clock time of each phase that ran (load, fingerprint, score, explain, store) and
    `cpu_seconds` the processor time the process spent in it (all threads).
    """

    run_id: uuid.UUID
    as_of: date
    made: datetime  # when the run finished (reused: when it first did); with as_of it names the run
    edition_id: str
    fingerprint: str
    reused: bool
    status: str
    subjects: int
    subject_groups: int
    evidence: int
    classes: Mapping[str, int]
    skipped_groups: Mapping[str, int] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=dict)
    cpu_seconds: Mapping[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


@dataclass(frozen=True)
class AssessmentRow:
    """One result of a run as interfaces list it: the stored row, declared by the store, and its run."""

    run_id: uuid.UUID
    as_of: date
    result: ResultRow

    def to_json(self) -> dict[str, Any]:
        """The row as `tekseru assess --format json|csv` prints it: the score and its parts with two
        decimals, rounded as the table and the methodology show them."""
        row = self.result
        return {
            "bin": row.bin,
            "name": row.name,
            "region": row.region,
            "group": row.group_key,
            "score": shown_score(row.score),
            "risk_class": row.risk_class,
            "violated_criteria": list(row.violated_criteria),
            "significant_part": shown_score(row.significant_part),
            "minor_part": shown_score(row.minor_part),
            "gross_found": bool(row.gross_found),
            "as_of": self.as_of.isoformat(),
            "run_id": str(self.run_id),
        }


@dataclass(frozen=True, order=True)
class ClassCount:
    group: str
    region: str
    risk_class: str
    count: int


def _utc_now() -> datetime:
    return datetime.now(UTC)


def run_assessment(
    db: Database,
    *,
    as_of: date,
    progress: Progress | None = None,
    clock: Clock | None = None,
    reuse: bool = True,
    catalogue: Catalogue,
    chunk: int = STORE_CHUNK,
    actor: Actor | None = None,
) -> AssessmentSummary:
    """Assess every subject of the registry in each of its groups as of `as_of` (the caller's
    today, in the `time_zone` setting, unless it asks for another day).

    `progress(done, total)` is called as results are stored (total: subject-groups). On an error the run
    is marked failed with the error's message and the error is raised again.

    Given the `actor`, the run needs their permission and is audited (`assessment.run`, also when an
    identical finished run is reused) in the transaction that reads the finished run. Without one the
    caller audits it (a background job does, as the job).
    """
    if actor is not None:
        actor.require(Permission.RUN_ASSESSMENT)
    timer = PhaseTimer()
    now = clock or _utc_now
    edition = catalogue.edition_at(as_of)
    with db.reading(one_snapshot=True) as session:  # waits for no writer (SQLite: takes a free lock)
        registry, evidence = load_registry(session)
    timer.lap("load")
    fingerprint = inputs_fingerprint(edition.id, as_of, registry, evidence)
    timer.lap("fingerprint")
    if reuse:
        with db.transaction() as session:
            stored = find_finished_run(session, fingerprint)
            classes = _stored_classes(session, stored.id) if stored is not None else {}
            if stored is not None:
                _audit_run(session, actor, stored, reused=True)
        if stored is not None:
            subjects = len(np.unique(registry.subject_id))
            counts = (subjects, stored.subjects_total, len(evidence))
            return _summary(stored, counts, classes, reused=True, timer=timer)
    inputs = scoring_inputs(edition, registry, evidence)
    evidence_count = len(evidence)
    del registry, evidence  # the scoring inputs hold what is needed from here on
    timer.lap("score")
    with db.transaction() as session:
        run = start_run(
            session,
            as_of=as_of,
            edition_id=edition.id,
            inputs_fingerprint=fingerprint,
            subjects_total=len(inputs),
            now=now(),
        )
    try:
        classes = _score_and_store(db, run, edition, inputs, timer, progress, now, chunk)
    except BaseException as error:  # an interrupted run is failed too, not left running
        with db.transaction() as session:
            finish_run(session, run.id, now=now(), status=FAILED, message=f"{type(error).__name__}: {error}")
        raise
    with db.transaction() as session:
        finished = get_run(session, run.id)
        assert finished is not None
        _audit_run(session, actor, finished, reused=False)
    counts = (inputs.subjects, len(inputs), evidence_count)
    return _summary(finished, counts, classes, skipped=inputs.skipped, timer=timer)


def _audit_run(session: Any, actor: Actor | None, run: AssessmentRun, *, reused: bool) -> None:
    if actor is None:
        return
    after = {
        "as_of": run.as_of,
        "edition_id": run.edition_id,
        "status": run.status,
        "fingerprint": run.inputs_fingerprint,
        "subject_groups": run.subjects_total,
        "reused": reused,
        "made": run.finished_at or run.started_at,  # names the run on the audit page with `as_of`
    }
    audit.record(session, actor, "assessment.run", "assessment", run.id, after=after)


def _summary(
    run: AssessmentRun,
    counts: tuple[int, int, int],
    classes: Mapping[str, int],
    *,
    reused: bool = False,
    skipped: Mapping[str, int] | None = None,
    timer: PhaseTimer,
) -> AssessmentSummary:
    subjects, subject_groups, evidence = counts
    return AssessmentSummary(
        run_id=run.id,
        as_of=run.as_of,
        made=run.finished_at or run.started_at,
        edition_id=run.edition_id,
        fingerprint=run.inputs_fingerprint,
        reused=reused,
        status=run.status,
        subjects=subjects,
        subject_groups=subject_groups,
        evidence=evidence,
        classes=dict(classes),
        skipped_groups=dict(skipped or {}),
        seconds=dict(timer.seconds),
        cpu_seconds=dict(timer.cpu_seconds),
    )


def _score_and_store(
    db: Database,
    run: AssessmentRun,
    edition: CatalogueEdition,
    inputs: ScoringInputs,
    timer: PhaseTimer,
    progress: Progress | None,
    now: Clock,
    chunk: int,
) -> dict[str, int]:
    rules = ScoringRules.from_edition(edition)
    workers = min(4, os.cpu_count() or 1)
    bulk = score_bulk(rules, inputs.matrix, inputs.group_of, inputs.pairs, run.as_of, workers=workers)
    bulk = normalise_bulk(bulk, inputs.group_of, rules)
    timer.lap("score")
    writer = ExplanationWriter(SortedPairs.of(inputs.pairs, bulk.status, inputs.evidence_id))
    classes = subject_classes(inputs.subject_id, bulk, severities(edition))
    timer.lap("explain")
    rows, total = _ResultColumns(inputs, bulk, writer), len(inputs)
    ranges = [(start, min(start + chunk, total)) for start in range(0, total, chunk)]
    with db.transaction() as session, ThreadPoolExecutor(1) as builder:
        # The run's results and its end are one transaction: a run is finished with all its results.
        # While this thread stores a batch (SQLite works without the interpreter lock), a second thread
        # writes the texts of the next; only this thread uses the session.
        if progress is not None:
            progress(0, total)
        upcoming = [builder.submit(rows.batch, *bounds) for bounds in ranges[:1]]
        leads = lead_columns(session, classes)  # each subject's class, in its leading result's row
        for index, (start, stop) in enumerate(ranges):
            batch = upcoming.pop().result()
            upcoming += [builder.submit(rows.batch, *bounds) for bounds in ranges[index + 1 : index + 2]]
            add_result_batch(session, run.id, batch, leads.rows(start, stop))
            if progress is not None:
                progress(stop, total)
        finish_run(session, run.id, now=now(), classes_stored=True)
    refresh_after_run(db)  # part of storing: the new run's rows made known to PostgreSQL's planner
    timer.lap("store")
    counts = np.bincount(bulk.risk_class.astype(np.int64), minlength=len(bulk.class_names))
    return {name.value: int(count) for name, count in zip(bulk.class_names, counts, strict=True)}


class _ResultColumns:
    """The results of a range of subject-groups as the store's batch, built column by column."""

    def __init__(self, inputs: ScoringInputs, bulk: BulkScores, writer: ExplanationWriter) -> None:
        self.inputs, self.bulk, self.writer = inputs, bulk, writer
        self.group_keys = inputs.group_keys()
        self.class_names = np.array([name.value for name in bulk.class_names], dtype=object)

    def batch(self, start: int, stop: int) -> ResultBatch:
        bulk, span = self.bulk, slice(start, stop)
        return ResultBatch(
            subject_id=self.inputs.subject_id[span].tolist(),
            group_key=self.group_keys[span].tolist(),
            score=bulk.score[span].tolist(),
            risk_class=self.class_names[bulk.risk_class[span]].tolist(),
            significant_part=bulk.significant_part[span].tolist(),
            minor_part=bulk.minor_part[span].tolist(),
            gross_found=bulk.gross[span].astype(np.int64).tolist(),
            violated_criteria=violated_lists(bulk, start, stop).tolist(),
            evidence_statuses=self.writer.codes(start, stop),
        )


def _stored_classes(session: Any, run_id: uuid.UUID) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for _group, _region, risk_class, count in stored_class_counts(session, run_id):
        totals[risk_class] += count
    return dict(totals)


def _run(session: Any, run_id: uuid.UUID | None) -> AssessmentRun:
    run = latest_run(session) if run_id is None else get_run(session, run_id)
    if run is None:
        if run_id is None:
            refused = NoAssessment("there is no finished risk assessment: run `tekseru assess` first")
            raise refused.saying("refusal.assessment.none")
        raise NoAssessment(f"there is no assessment {run_id}").saying(
            "refusal.run.not_found", run=str(run_id)
        )
    return run


def assessment_results(
    db: Database, actor: Actor, run_id: uuid.UUID | None = None, *, limit: int | None = None
) -> list[AssessmentRow]:
    """The results of a run (default: the latest finished one) the actor may read (an inspector: of its
    region's subjects), highest score first."""
    region = actor.scoped_region(Permission.READ_ASSESSMENTS)
    with db.transaction() as session:
        run = _run(session, run_id)
        rows = result_rows(session, run.id, limit=limit, region=region)
    return [AssessmentRow(run.id, run.as_of, row) for row in rows]


def class_counts(db: Database, actor: Actor, run_id: uuid.UUID | None = None) -> list[ClassCount]:
    """How many results of a run (default: the latest finished) are in each class, by group and region (an
    inspector: of its region only)."""
    region = actor.scoped_region(Permission.READ_ASSESSMENTS)
    with db.transaction() as session:
        run = _run(session, run_id)
        counts = stored_class_counts(session, run.id)
    return sorted(ClassCount(*row) for row in counts if region is None or row[1] == region)
