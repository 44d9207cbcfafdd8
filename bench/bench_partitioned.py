"""Partitioned benchmark of the risk engine on PostgreSQL: a registry assessed by ranges of subjects in
worker processes, in bounded memory (`tekseru.services.assessment_partitions.run_partitioned`).

    .venv/bin/python bench/bench_partitioned.py [--subject-groups 10000000] [--evidence 100000000]
        [--partitions 50] [--processes 2] [--database-url URL] [--reuse-db]

Writes the synthetic registry as bench_end_to_end.py does (COPY, in a child process, not timed as part of
the assessment; its steps are reported), and marks the database with the seed and sizes written (its
comment), so that a later run at the same sizes reuses it instead of writing 100M records again. Then
times one partitioned run and reports its wall clock, the CPU seconds of every worker, the peak resident
memory of the parent and of each worker process (their sum bounds the peak of all of them together;
target 6 GiB) and the database's growth. Checks: one result per subject-group
stored, and 100 results picked at random equal the reference engine on their evidence, score, class and
stored explanation (bench_end_to_end's checks).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import synthetic
from bench_end_to_end import check_results, database_bytes
from common import Run, add_options, database_kind, load_average, postgres_url
from sqlalchemy import create_engine, make_url, text

from tekseru.catalog_files import load_catalogue
from tekseru.services.assessment_partitions import run_partitioned

TARGET_PEAK_MIB = 6144.0
END_TO_END = Path(__file__).with_name("bench_end_to_end.py")
WRITE_STEPS = ("generate", "subjects", "evidence", "constraints", "index")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject-groups", type=int, default=10_000_000)
    parser.add_argument("--evidence", type=int, default=100_000_000)
    parser.add_argument("--partitions", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--reuse-db", action="store_true", help="assess the database as it is, unwritten")
    add_options(parser)
    args = parser.parse_args(argv)
    url = args.database_url or postgres_url("tekseru_bench_partitioned")
    if database_kind(url) != "postgresql":
        raise SystemExit("--database-url: the partitioned run is for PostgreSQL")
    sizes = {"subject_groups": args.subject_groups, "evidence": args.evidence, "partitions": args.partitions}
    run = Run("partitioned", url, sizes={**sizes, "processes": args.processes})
    written: dict[str, Any] | None = None
    marker = {"seed": args.seed, "subject_groups": args.subject_groups, "evidence": args.evidence}
    if not args.reuse_db:
        written = written_before(url, marker)
        if written is not None:
            run.notes.append(f"the database written before ({written['written_at']}) reused: {marker}")
        else:
            command = [sys.executable, str(END_TO_END), "--write-only", "--seed", str(args.seed)]
            command += ["--database-url", url]
            command += ["--subject-groups", str(args.subject_groups), "--evidence", str(args.evidence)]
            load_writing = load_average()
            written = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            written["load"] = [load_writing, load_average()]  # at the start and the end of writing
            mark_written(url, marker, written)
    before = database_bytes(url)
    load_before = os.getloadavg()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    summary = run_partitioned(
        url,
        as_of=synthetic.DEFAULT_AS_OF,
        catalogue=load_catalogue(),
        partitions=args.partitions,
        processes=args.processes,
    )
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    parent_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = summary.peak_mib_by_process()
    growth = (database_bytes(url) - before) / 1e6
    worker_cpu = (children.ru_utime + children.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    print(f"tekseru partitioned benchmark; load average {load_before[0]:.1f} at the start")
    if written is not None:
        steps = ", ".join(f"{name} {written[name]:.1f} s" for name in WRITE_STEPS if name in written)
        print(f"written (not part of the assessment): {steps}; {written['bytes'] / 2**20:,.0f} MiB")
    print(
        f"data: {summary.subject_groups:,} subject-groups ({summary.subjects:,} subjects), "
        f"{summary.evidence:,} evidence records, as of {summary.as_of}"
    )
    print(f"{len(summary.partitions)} ranges on {args.processes} worker processes: {wall:.1f} s wall clock")
    phases: dict[str, float] = {}
    for outcome in summary.partitions:
        for phase, seconds in outcome.seconds.items():
            phases[phase] = phases.get(phase, 0.0) + seconds
    print("  summed over the ranges: " + ", ".join(f"{name} {value:.1f} s" for name, value in phases.items()))
    print(f"  CPU of the workers {worker_cpu:.1f} s, of the parent {time.process_time():.1f} s")
    print(
        f"  peak resident memory: parent {parent_peak:,.0f} MiB; workers "
        + ", ".join(f"{peak:,.0f} MiB" for peak in workers.values())
    )
    print(f"classes: {', '.join(f'{name} {count:,}' for name, count in summary.classes.items())}")
    print(f"the run added {growth:,.0f} MB to the database")
    check_results(run, url, summary, args.subject_groups if written is not None else summary.subject_groups)
    if written is not None:
        for name in WRITE_STEPS:
            if name in written:
                run.figure(
                    f"writing the data, step {name} (not part of the assessment)",
                    written[name],
                    "s",
                    **({"load": written["load"][1]} if "load" in written else {}),
                )
        run.figure("the database as written", written["bytes"] / 1e6, "MB")
        if "load" in written:
            run.notes.append(
                f"load average while writing the data: {written['load'][0][0]} at the start, "
                f"{written['load'][1][0]} at the end"
            )
    total_peak = parent_peak + sum(workers.values())
    run.figure("partitioned assessment (wall)", wall, "s")
    run.figure("CPU of the worker processes", worker_cpu, "s")
    run.figure("evidence records per second", summary.evidence / wall, "records/s")
    run.figure(
        "peak resident memory, parent + workers (sum of peaks)", total_peak, "MiB", TARGET_PEAK_MIB, "lower"
    )
    run.figure("largest peak of one worker", max(workers.values(), default=0.0), "MiB")
    run.figure("growth of the database by the run", growth, "MB")
    return run.finish(args.json)


def _comment_of(url: str) -> tuple[str, Any]:
    """The database's name in `url` and an engine on the server's `postgres` database."""
    target = make_url(url)
    return str(target.database), create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")


def written_before(url: str, marker: dict[str, Any]) -> dict[str, Any] | None:
    """What writing the database took, when it holds the synthetic data of `marker` (seed and sizes), as
    its comment says (`mark_written`): 100M records take long to write, and a failed run need not."""
    name, engine = _comment_of(url)
    try:
        with engine.connect() as connection:
            comment = connection.execute(
                text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"),
                {"name": name},
            ).scalar()
    finally:
        engine.dispose()
    try:
        found = json.loads(comment or "")
    except ValueError:
        return None
    return found.get("written") if isinstance(found, dict) and found.get("data") == marker else None


def mark_written(url: str, marker: dict[str, Any], written: dict[str, Any]) -> None:
    name, engine = _comment_of(url)
    note = {"data": marker, "written": written | {"written_at": datetime.now(UTC).isoformat("T", "seconds")}}
    try:
        with engine.connect() as connection:
            quoted = json.dumps(note).replace("'", "''")
            connection.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{quoted}'"))
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
