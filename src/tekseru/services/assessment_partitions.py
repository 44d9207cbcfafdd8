"""Assessing a registry too large for one process's memory: by partitions of subjects, in worker processes.

`run_assessment` reads the whole registry into one process. `run_partitioned` splits the subjects into
`partitions` ranges of ids; each of `processes` worker processes takes a range at a time, reads its
subject-groups and evidence (by the evidence's index on the subject), scores them with the bulk core,
and stores the results and the subjects' classes in a transaction of its own. A subject and all its
groups are in one range, so nothing a worker computes depends on another range. Memory is bounded by
the largest range, not by the registry.

On PostgreSQL every worker reads the same snapshot: the parent exports its snapshot
(`pg_export_snapshot`) and each worker's reading transaction starts from it, so the run sees the
registry as one moment, as `run_assessment` does. The run is recorded as running until every range is
stored, then finished in one statement; readers only read finished runs, so a half-stored run is never
seen, and a failed one has its results deleted. Its fingerprint combines the ranges' fingerprints
(`inputs_fingerprint` of each): it identifies the same inputs split the same way, and a partitioned run
is never reused in place of computing (nor matched with a run of `run_assessment`). Scores normalised
within a group need every subject of the group at once, so an edition that normalises is refused.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import resource
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise

import numpy as np
from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition
from tekseru.scoring import ScoringRules, score_bulk
from tekseru.services.assessment_classes import subject_classes
from tekseru.services.assessment_explain import ExplanationWriter, SortedPairs, violated_lists
from tekseru.services.assessment_fingerprint import inputs_fingerprint
from tekseru.services.assessment_inputs import scoring_inputs
from tekseru.store import Database, open_database
from tekseru.store.assessment_load import load_partition
from tekseru.store.assessments import FAILED, ResultBatch, add_result_batch, finish_run, start_run
from tekseru.store.models import Assessment, results_table
from tekseru.store.planner_statistics import refresh_after_run
from tekseru.store.result_groups import group_codes
from tekseru.store.run_keys import run_key_of
from tekseru.store.snapshots import held_snapshot, snapshot_connection
from tekseru.store.subject_classes import lead_columns, severities

STORE_CHUNK = 100_000
READ_WORK_MEM = "256MB"


@dataclass(frozen=True)
class PartitionOutcome:
    """What one range's worker did; `peak_mib` is the worker process's peak resident memory so far."""

    first: int
    last: int
    subjects: int
    subject_groups: int
    evidence: int
    classes: Mapping[str, int]
    skipped: Mapping[str, int]
    fingerprint: str
    seconds: Mapping[str, float]
    cpu_seconds: float
    pid: int
    peak_mib: float


@dataclass(frozen=True)
class PartitionedSummary:
    run_id: uuid.UUID
    as_of: date
    edition_id: str
    fingerprint: str
    status: str
    subjects: int
    subject_groups: int
    evidence: int
    classes: Mapping[str, int]
    skipped_groups: Mapping[str, int]
    seconds: float
    partitions: list[PartitionOutcome] = field(default_factory=list)

    def peak_mib_by_process(self) -> dict[int, float]:
        """The peak resident memory of each worker process (the largest it reported)."""
        peaks: dict[int, float] = {}
        for outcome in self.partitions:
            peaks[outcome.pid] = max(peaks.get(outcome.pid, 0.0), outcome.peak_mib)
        return peaks


def run_partitioned(
    url: str,
    *,
    as_of: date,
    catalogue: Catalogue,
    partitions: int,
    processes: int,
    clock: Callable[[], datetime] | None = None,
) -> PartitionedSummary:
    """Assess every subject of the registry at `url` (PostgreSQL) in each of its groups as of `as_of`, in
    `partitions` ranges of subject ids on `processes` worker processes; the run's summary."""
    now = clock or (lambda: datetime.now(UTC))
    edition = catalogue.edition_at(as_of)
    if ScoringRules.from_edition(edition).normalisation != "none":
        raise ValueError("scores normalised within a group cannot be computed by partitions")
    started = time.perf_counter()
    database = open_database(url)
    try:
        if database.engine.dialect.name != "postgresql":
            raise ValueError("a partitioned assessment runs on PostgreSQL (SQLite has one writer at a time)")
        with database.transaction() as session:
            low, high = session.execute(text("SELECT min(id), max(id) FROM subjects")).one()
            # The fingerprint and the number of subject-groups are known when every range is done.
            run = start_run(
                session,
                as_of=as_of,
                edition_id=edition.id,
                inputs_fingerprint="",
                subjects_total=0,
                now=now(),
            )
            # The edition's groups get their codes here, committed before the workers start: a worker
            # giving a new key its code in its own long transaction would hold the others' up until it ends.
            group_codes(session, edition.groups)
        bounds = _ranges(int(low or 0), int(high or 0) + 1, partitions) if low is not None else []
        try:
            with held_snapshot(database.engine) as snapshot:
                outcomes = _assess_ranges(url, run.id, edition, as_of, bounds, snapshot, processes)
            fingerprint = _combined(edition.id, as_of, outcomes)
            total = sum(outcome.subject_groups for outcome in outcomes)
            with database.transaction() as session:
                session.execute(
                    update(Assessment)
                    .where(Assessment.id == run.id)
                    .values(inputs_fingerprint=fingerprint, subjects_total=total)
                )
                finish_run(session, run.id, now=now(), classes_stored=True)
            refresh_after_run(database)
        except BaseException as error:
            with database.transaction() as session:
                # (the subjects' classes are in their leading results: migration 0026)
                session.execute(delete(results_table).where(results_table.c.run_key == run_key_of(run.id)))
                message = f"{type(error).__name__}: {error}"
                finish_run(session, run.id, now=now(), status=FAILED, message=message)
            raise
    finally:
        database.close()
    classes: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for outcome in outcomes:
        classes.update(outcome.classes)
        skipped.update(outcome.skipped)
    return PartitionedSummary(
        run_id=run.id,
        as_of=as_of,
        edition_id=edition.id,
        fingerprint=fingerprint,
        status="finished",
        subjects=sum(outcome.subjects for outcome in outcomes),
        subject_groups=total,
        evidence=sum(outcome.evidence for outcome in outcomes),
        classes=dict(classes),
        skipped_groups=dict(skipped),
        seconds=time.perf_counter() - started,
        partitions=outcomes,
    )


def _ranges(low: int, high: int, partitions: int) -> list[tuple[int, int]]:
    edges = np.linspace(low, high, max(1, partitions) + 1).round().astype(np.int64).tolist()
    return [(first, last) for first, last in pairwise(edges) if last > first]


def _assess_ranges(
    url: str,
    run_id: uuid.UUID,
    edition: CatalogueEdition,
    as_of: date,
    bounds: list[tuple[int, int]],
    snapshot: str,
    processes: int,
) -> list[PartitionOutcome]:
    if not bounds:
        return []
    # Spawned, not forked: a worker starts with no copy of the parent's connections or memory.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max(1, processes), mp_context=context) as pool:
        futures = [
            pool.submit(assess_range, url, run_id, edition, as_of, first, last, snapshot)
            for first, last in bounds
        ]
        return [future.result() for future in futures]


_databases: dict[str, Database] = {}


def assess_range(
    url: str,
    run_id: uuid.UUID,
    edition: CatalogueEdition,
    as_of: date,
    first: int,
    last: int,
    snapshot: str,
) -> PartitionOutcome:
    """In a worker process: read, score and store the subjects with ids first..last-1."""
    database = _databases.get(url) or _databases.setdefault(url, open_database(url))
    seconds: dict[str, float] = {}
    cpu, mark = time.process_time(), time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal mark
        seconds[phase] = time.perf_counter() - mark
        mark = time.perf_counter()

    with snapshot_connection(database.engine, snapshot) as connection:
        # A range's evidence lies on most pages of a large table (records come in any order): with the
        # default 4 MB the bitmap of its pages turns lossy and every row of those pages is rechecked.
        # Enough memory for an exact bitmap of 100M records, for this transaction only.
        connection.execute(text(f"SET LOCAL work_mem = '{READ_WORK_MEM}'"))
        registry, evidence = load_partition(Session(bind=connection), (first, last))
    lap("load")
    fingerprint = inputs_fingerprint(edition.id, as_of, registry, evidence)
    inputs = scoring_inputs(edition, registry, evidence)
    evidence_count = len(evidence)
    del registry, evidence
    rules = ScoringRules.from_edition(edition)
    bulk = score_bulk(rules, inputs.matrix, inputs.group_of, inputs.pairs, as_of)
    lap("score")
    writer = ExplanationWriter(SortedPairs.of(inputs.pairs, bulk.status, inputs.evidence_id))
    classes = subject_classes(inputs.subject_id, bulk, severities(edition))
    group_keys = inputs.group_keys()
    names = np.array([name.value for name in bulk.class_names], dtype=object)
    lap("explain")
    with database.transaction() as session:
        leads = lead_columns(session, classes)  # each subject's class, in its leading result's row
        for start in range(0, len(inputs), STORE_CHUNK):
            stop = min(start + STORE_CHUNK, len(inputs))
            span = slice(start, stop)
            batch = ResultBatch(
                subject_id=inputs.subject_id[span].tolist(),
                group_key=group_keys[span].tolist(),
                score=bulk.score[span].tolist(),
                risk_class=names[bulk.risk_class[span]].tolist(),
                significant_part=bulk.significant_part[span].tolist(),
                minor_part=bulk.minor_part[span].tolist(),
                gross_found=bulk.gross[span].astype(np.int64).tolist(),
                violated_criteria=violated_lists(bulk, start, stop).tolist(),
                evidence_statuses=writer.codes(start, stop),
            )
            add_result_batch(session, run_id, batch, leads.rows(start, stop))
    lap("store")
    counts = np.bincount(bulk.risk_class.astype(np.int64), minlength=len(bulk.class_names))
    return PartitionOutcome(
        first=first,
        last=last,
        subjects=len(classes.subject_id),
        subject_groups=len(inputs),
        evidence=evidence_count,
        classes={name.value: int(count) for name, count in zip(bulk.class_names, counts, strict=True)},
        skipped=dict(inputs.skipped),
        fingerprint=fingerprint,
        seconds=seconds,
        cpu_seconds=time.process_time() - cpu,
        pid=os.getpid(),
        peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def _combined(edition_id: str, as_of: date, outcomes: list[PartitionOutcome]) -> str:
    digest = hashlib.sha256(f"partitioned\n{edition_id}\n{as_of.isoformat()}\n".encode())
    for outcome in outcomes:
        digest.update(f"{outcome.first}-{outcome.last}:{outcome.fingerprint}\n".encode())
    return digest.hexdigest()
