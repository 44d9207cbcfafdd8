"""Benchmark of the scoring core: the bulk NumPy core against the plain per-subject Python loop.

    .venv/bin/python bench/bench_scoring.py [--subject-groups N] [--evidence M] [--baseline-records R]

Generates N subject-groups and M evidence records (bench/synthetic.py, seeded), scores them all with
tekseru.scoring.bulk.score_bulk, scores a sample of whole subject-groups holding about R records with the
plain loop (bench/baseline_loop.py), with the per-group reference engine and with the bulk core, and prints
records per second, the ratio of the bulk core to the loop on that same sample (the same subject-groups and
records: like for like), and peak memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import baseline_loop
import synthetic
from common import Run, add_options

from tekseru.scoring import EvidenceColumns, EvidenceFact, ScoringRules, score_bulk, score_group


def load_rules() -> tuple[ScoringRules, str]:
    """The rules of the packaged edition; the methodology file alone if the catalogue does not load."""
    try:
        from tekseru.catalog_files import load_catalogue

        edition = load_catalogue().latest()
        return ScoringRules.from_edition(edition), f"edition {edition.id}"
    except Exception as error:  # the catalogue's data files may be mid-edit; the methodology is enough
        import yaml

        from tekseru.catalog.edition import CatalogueEdition
        from tekseru.catalog.schema import MethodologyFile

        folder = Path(__file__).parents[1] / "src/tekseru/catalog/data/editions/2022-29983"
        methodology = MethodologyFile.model_validate(
            yaml.safe_load((folder / "methodology.yaml").read_text())
        )
        header: Any = type("Header", (), {"id": "2022-29983 (methodology only)"})()
        edition = CatalogueEdition(header, {}, {}, {}, methodology, None)  # type: ignore[arg-type]
        return ScoringRules.from_edition(edition), f"methodology.yaml only ({type(error).__name__})"


@dataclass(frozen=True)
class Measurement:
    """Best wall-clock and best CPU time of a few runs over `records` evidence records."""

    what: str
    records: int
    wall: list[float]
    cpu: list[float]

    @property
    def rate(self) -> float:
        return self.records / min(self.wall)

    @property
    def cpu_rate(self) -> float:
        return self.records / min(self.cpu)


def measure(what: str, records: int, function: Callable[[], Any], repeat: int) -> Measurement:
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return Measurement(what, records, wall, cpu)


def sorted_by_subject_group(evidence: EvidenceColumns) -> EvidenceColumns:
    order = np.argsort(evidence.subject_group, kind="stable")
    return EvidenceColumns(*(getattr(evidence, name)[order] for name in evidence.__dataclass_fields__))


def traced_peak(function: Callable[[], Any]) -> int:
    """Peak bytes NumPy and Python allocate during one call (NumPy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def engine_facts(rows: dict[int, list[dict[str, Any]]]) -> dict[int, list[EvidenceFact]]:
    fields = ("id", "criterion", "source_group", "observed_on", "confirmed", "used_on")
    return {
        row: [EvidenceFact(*(r[name] for name in fields)) for r in records] for row, records in rows.items()
    }


TARGET_RECORDS_PER_SECOND = 5_000_000.0  # the bulk core, one thread
TARGET_TIMES_LOOP = 30.0  # the bulk core over the plain loop, on the same subject-groups and records


def sample_columns(evidence: EvidenceColumns, subject_groups: int) -> EvidenceColumns:
    """The records of subject-groups 0..subject_groups-1: those the loop and the engine score (their rows
    stay 0..subject_groups-1, so `group_of[:subject_groups]` is their groups)."""
    keep = evidence.subject_group < subject_groups
    return EvidenceColumns(*(getattr(evidence, name)[keep] for name in evidence.__dataclass_fields__))


def check_scores(run: Run, bulk: Any, loop: dict[int, tuple[float, str]], engine: dict[int, Any]) -> None:
    """The bulk core's score and class of every sampled subject-group, against the reference engine and the
    plain loop; a single difference fails the benchmark."""
    wrong_engine = [
        row
        for row, result in engine.items()
        if abs(float(bulk.raw_score[row]) - result.raw_score) > 1e-9
        or float(bulk.score[row]) != result.score
        or bulk.class_names[int(bulk.risk_class[row])] != result.risk_class
    ]
    run.check(
        f"bulk core = reference engine on {len(engine):,} sampled subject-groups",
        bool(engine) and not wrong_engine,
        f"{len(wrong_engine)} differ, first rows {wrong_engine[:5]}" if wrong_engine else "",
    )
    wrong_loop = [
        row
        for row, (score, risk_class) in loop.items()
        if float(bulk.score[row]) != score
        or str(bulk.class_names[int(bulk.risk_class[row])]) != str(risk_class)
    ]
    run.check(
        f"plain loop = bulk core on the same {len(loop):,} subject-groups",
        bool(loop) and not wrong_loop,
        f"{len(wrong_loop)} differ, first rows {wrong_loop[:5]}" if wrong_loop else "",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject-groups", type=int, default=1_000_000)
    parser.add_argument("--evidence", type=int, default=10_000_000)
    parser.add_argument("--baseline-records", type=int, default=200_000)
    parser.add_argument(
        "--repeat", type=int, default=5, help="bulk runs per configuration (best is reported)"
    )
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    add_options(parser, database=False)
    args = parser.parse_args(argv)
    run = Run("scoring", uses_database=False)
    run.sizes = {"subject_groups": args.subject_groups, "evidence": args.evidence, "repeat": args.repeat}

    rules, rules_source = load_rules()
    start = time.perf_counter()
    data = synthetic.generate(args.subject_groups, args.evidence, seed=args.seed)
    generated = time.perf_counter() - start
    evidence, records = data.evidence, len(data.evidence)

    def bulk(columns: EvidenceColumns, workers: int, subject_groups: int | None = None) -> Callable[[], Any]:
        """The bulk core over `columns`, scoring every subject-group (or the first `subject_groups`)."""
        group_of = data.group_of if subject_groups is None else data.group_of[:subject_groups]
        return lambda: score_bulk(rules, data.matrix, group_of, columns, data.as_of, workers=workers)

    results = [
        measure(
            f"bulk core, all records, random order, {label}", records, bulk(evidence, workers), args.repeat
        )
        for workers, label in ((1, "1 thread"), (2, "2 threads"))
    ]
    ordered = sorted_by_subject_group(evidence)
    results.append(
        measure(
            "bulk core, all records, sorted by subject-group, 1 thread",
            records,
            bulk(ordered, 1),
            args.repeat,
        )
    )
    del ordered

    sample_groups = max(1, round(args.subject_groups * args.baseline_records / max(records, 1)))
    sample = baseline_loop.sample_rows(data, sample_groups)
    sampled = sum(len(rows) for rows in sample.values())
    groups = baseline_loop.load_groups(data.matrix)
    baseline = measure(
        f"plain Python loop, sample: {sample_groups:,} subject-groups",
        sampled,
        lambda: baseline_loop.score_all(rules, groups, data.group_of, sample, data.as_of),
        3,
    )
    facts, profiles = engine_facts(sample), data.matrix.profiles
    engine = measure(
        "reference engine score_group, the sample",
        sampled,
        lambda: [
            score_group(rules, profiles[int(data.group_of[row])], f, data.as_of) for row, f in facts.items()
        ],
        3,
    )
    # The same work as the loop: the sample's records, and only the sample's subject-groups scored (scoring
    # all N subject-groups for the sample's records measured the N-row output, not the records: 2.9x).
    same = sample_columns(evidence, sample_groups)
    bulk_same = measure(
        "bulk core, the sample, 1 thread", sampled, bulk(same, 1, sample_groups), max(args.repeat, 3)
    )
    results += [baseline, engine, bulk_same]
    peak_bulk = traced_peak(bulk(evidence, 1))
    _report(args, data, rules_source, generated, results, peak_bulk)
    check_scores(
        run,
        score_bulk(rules, data.matrix, data.group_of, evidence, data.as_of),
        baseline_loop.score_all(rules, groups, data.group_of, sample, data.as_of),
        {
            row: score_group(rules, profiles[int(data.group_of[row])], f, data.as_of)
            for row, f in facts.items()
        },
    )
    run.sizes["loop_sample_records"] = sampled
    run.sizes["loop_sample_subject_groups"] = sample_groups
    run.figure(
        "bulk core, all records, random order, 1 thread",
        results[0].rate,
        "records/s",
        TARGET_RECORDS_PER_SECOND,
        "higher",
    )
    run.figure("bulk core, all records, random order, 2 threads", results[1].rate, "records/s")
    run.figure("bulk core, all records, 1 thread, records per CPU second", results[0].cpu_rate, "records/s")
    run.figure("bulk core, the loop's sample, 1 thread", bulk_same.rate, "records/s")
    run.figure("plain loop, the sample", baseline.rate, "records/s")
    run.figure("reference engine, the sample", engine.rate, "records/s")
    run.figure(
        "bulk core / plain loop, the same sample (subject-groups and records), wall",
        bulk_same.rate / baseline.rate,
        "x",
        TARGET_TIMES_LOOP,
        "higher",
    )
    run.figure(
        "bulk core / plain loop, the same sample (subject-groups and records), CPU",
        bulk_same.cpu_rate / baseline.cpu_rate,
        "x",
    )
    run.figure("peak memory of one bulk call (tracemalloc)", peak_bulk / 2**20, "MiB")
    return run.finish(args.json)


def _report(
    args: argparse.Namespace,
    data: Any,
    rules_source: str,
    generated: float,
    results: list[Measurement],
    peak_bulk: int,
) -> None:
    evidence = data.evidence
    input_bytes = sum(getattr(evidence, name).nbytes for name in evidence.__dataclass_fields__)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    print(f"tekseru scoring benchmark, {date.today().isoformat()}")
    print(f"machine: {machine}; Python {platform.python_version()}, NumPy {np.__version__}")
    print(f"rules: {rules_source}; as of {data.as_of}")
    print(f"data: {data.subject_groups:,} subject-groups ({data.subjects:,} subjects), seed {args.seed}")
    print(f"      {len(evidence):,} evidence records, {input_bytes / 2**20:,.0f} MiB of columns")
    print(f"      generated in {generated:.1f} s")
    print()
    width = max(len(result.what) for result in results)
    header = f"{'best s':>7}  {'median s':>8}  {'records/s':>12}  {'cpu s':>7}  {'records/cpu s':>13}"
    print(f"{'what':<{width}}  {'records':>11}  {header}")
    print("-" * (width + 66))
    for result in results:
        print(
            f"{result.what:<{width}}  {result.records:>11,}  {min(result.wall):>7.3f}  "
            f"{statistics.median(result.wall):>8.3f}  {result.rate:>12,.0f}  {min(result.cpu):>7.3f}  "
            f"{result.cpu_rate:>13,.0f}"
        )
    print()
    baseline, bulk_same = results[-3], results[-1]
    print("bulk core / plain loop on the same sample (the same subject-groups and records), 1 thread:")
    print(f"  wall clock: {bulk_same.rate / baseline.rate:,.1f}x")
    cpu_ratio = bulk_same.cpu_rate / baseline.cpu_rate
    print(f"  CPU time:   {cpu_ratio:,.1f}x  (steadier than wall clock on a shared machine)")
    print(f"peak memory allocated during one bulk call (tracemalloc): {peak_bulk / 2**20:,.0f} MiB")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak resident memory of the whole run (ru_maxrss, data and baseline too): {peak_rss:,.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
