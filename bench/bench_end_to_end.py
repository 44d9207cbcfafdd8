"""End-to-end benchmark of the risk engine on SQLite: read the registry, score, explain and store.

    .venv/bin/python bench/bench_end_to_end.py [--subject-groups 1000000] [--evidence 10000000] [--db PATH]

Writes N subject-groups and M evidence records of bench/synthetic.py (seeded, with the packaged edition's
groups and criteria) into a fresh SQLite file, migrated as tekseru migrates it, with bulk inserts in a
child process (timed and reported on their own, not as part of the assessment). Then times one call of
`tekseru.services.assessments.run_assessment` on that file: loading from the database, the fingerprint,
scoring, the explanations and storing every result; and reports records per second, the seconds of each
phase, the total against the 60 s target, and the peak resident memory of the assessing process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import synthetic

from tekseru.catalog_files import load_catalogue
from tekseru.scoring import GroupMatrix, GroupProfile
from tekseru.scoring.columns import NEVER_USED, from_day_number
from tekseru.services.assessments import run_assessment
from tekseru.store import open_database, sqlite_url

TARGET_SECONDS = 60.0
STAMP = "2024-06-30 12:00:00.000000"  # entered_at, created_at: SQLAlchemy's DateTime form on SQLite
ROWS_PER_STATEMENT = 400
EVIDENCE_COLUMNS = (
    "subject_id, criterion, source_group, observed_on, reference, confirmed, "
    "entered_by, entered_at, origin, used_on"
)


def edition_matrix() -> GroupMatrix:
    edition = load_catalogue().edition_at(synthetic.DEFAULT_AS_OF)
    return GroupMatrix.from_profiles(
        [GroupProfile.from_edition(edition, key) for key in sorted(edition.groups)]
    )


def write_database(path: Path, subject_groups: int, evidence: int, seed: int) -> dict[str, Any]:
    """Generate the data and write it into a fresh, migrated SQLite file; seconds of each step."""
    seconds: dict[str, Any] = {}
    started = time.perf_counter()
    data = synthetic.generate(subject_groups, evidence, seed=seed, matrix=edition_matrix())
    bins = synthetic.synthetic_bins(data.subjects)
    seconds["generate"] = time.perf_counter() - started
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    open_database(sqlite_url(path)).close()
    connection = sqlite3.connect(path, isolation_level=None)
    # A new file nobody else reads: no journal, no syncing, a large cache. WAL again at the end.
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1048576", "foreign_keys = OFF"):
        connection.execute(f"PRAGMA {pragma}")
    step = time.perf_counter()
    connection.execute("BEGIN")
    _write_subjects(connection, data, bins)
    connection.execute("COMMIT")
    seconds["subjects"], step = time.perf_counter() - step, time.perf_counter()
    # The index on observed_on is built once after the load, far faster than row by row in random order.
    connection.execute("DROP INDEX ix_evidence_observed_on")
    connection.execute("BEGIN")
    _write_evidence(connection, data)
    connection.execute("COMMIT")
    seconds["evidence"], step = time.perf_counter() - step, time.perf_counter()
    connection.execute("CREATE INDEX ix_evidence_observed_on ON evidence (observed_on)")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()
    seconds["index"] = time.perf_counter() - step
    seconds["subjects_count"] = data.subjects
    seconds["bytes"] = path.stat().st_size
    return seconds


def _write_subjects(connection: sqlite3.Connection, data: synthetic.SyntheticData, bins: list[str]) -> None:
    rows = (
        (number, bin_, name, region, address, STAMP, STAMP)
        for number, (bin_, name, region, address, _) in enumerate(synthetic.subject_rows(data, bins), start=1)
    )
    connection.executemany(
        "INSERT INTO subjects (id, bin, name, region, address, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    groups = zip(
        (data.subject_of + 1).tolist(), np.array(data.matrix.groups)[data.group_of].tolist(), strict=True
    )
    connection.executemany("INSERT INTO subject_groups (subject_id, group_key) VALUES (?, ?)", groups)


def _write_evidence(connection: sqlite3.Connection, data: synthetic.SyntheticData) -> None:
    """Evidence in the order of its unique index (subject, criterion, source, date): appends, not seeks."""
    columns = data.evidence
    subject = data.subject_of[columns.subject_group] + 1
    order = np.lexsort((columns.observed_on, columns.source_group, columns.criterion, subject))
    day = {int(d): from_day_number(int(d)).isoformat() for d in np.unique(columns.observed_on)}
    used = {
        int(d): from_day_number(int(d)).isoformat() for d in np.unique(columns.used_on) if d != NEVER_USED
    }
    used[NEVER_USED] = None  # type: ignore[assignment]
    confirmed = {1: 1, 0: 0, -1: None}
    marks = f"(?, ?, ?, ?, ?, ?, 'bench', '{STAMP}', 'bench', ?)"
    many = f"INSERT INTO evidence ({EVIDENCE_COLUMNS}) VALUES {', '.join([marks] * ROWS_PER_STATEMENT)}"
    for start in range(0, len(order), 200_000):
        part = order[start : start + 200_000]
        table = np.empty((len(part), 7), dtype=object)
        table[:, 0] = subject[part].tolist()
        table[:, 1] = columns.criterion[part].tolist()
        table[:, 2] = columns.source_group[part].tolist()
        table[:, 3] = list(map(day.__getitem__, columns.observed_on[part].tolist()))
        table[:, 4] = [f"SYN-{number:09d}" for number in (part + 1).tolist()]
        table[:, 5] = list(map(confirmed.__getitem__, columns.confirmed[part].tolist()))
        table[:, 6] = list(map(used.__getitem__, columns.used_on[part].tolist()))
        full = len(part) // ROWS_PER_STATEMENT * ROWS_PER_STATEMENT
        for values in table[:full].reshape(-1, 7 * ROWS_PER_STATEMENT).tolist():
            connection.execute(many, values)
        single = f"INSERT INTO evidence ({EVIDENCE_COLUMNS}) VALUES {marks}"
        connection.executemany(single, table[full:].tolist())


def assess(path: Path, as_of: date) -> tuple[Any, float]:
    database = open_database(sqlite_url(path))
    try:
        started = time.perf_counter()
        summary = run_assessment(database, as_of=as_of, reuse=False)
        return summary, time.perf_counter() - started
    finally:
        database.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject-groups", type=int, default=1_000_000)
    parser.add_argument("--evidence", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, help="the SQLite file to write (default: in a temporary folder)")
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--reuse-db", action="store_true", help="assess --db as it is, without writing it")
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = args.db or Path(tempfile.mkdtemp(prefix="tekseru-bench-")) / "bench.sqlite3"
    if args.write_only:
        print(json.dumps(write_database(path, args.subject_groups, args.evidence, args.seed)))
        return
    written = None
    if not (args.reuse_db and path.exists()):
        # A child process writes the data, so the peak memory measured here is the assessment's own.
        command = [sys.executable, __file__, "--write-only", "--db", str(path), "--seed", str(args.seed)]
        command += ["--subject-groups", str(args.subject_groups), "--evidence", str(args.evidence)]
        written = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    summary, wall = assess(path, synthetic.DEFAULT_AS_OF)
    _report(args, path, written, summary, wall)


def _report(
    args: argparse.Namespace, path: Path, written: dict[str, Any] | None, summary: Any, wall: float
) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    print(f"tekseru end-to-end benchmark, {date.today().isoformat()}")
    versions = f"Python {platform.python_version()}, NumPy {np.__version__}, SQLite {sqlite3.sqlite_version}"
    print(f"machine: {machine}; {versions}")
    print(f"database: {path}")
    print(
        f"data: {summary.subject_groups:,} subject-groups ({summary.subjects:,} subjects), "
        f"{summary.evidence:,} evidence records, as of {summary.as_of}, seed {args.seed}"
    )
    if written is not None:
        steps = ", ".join(
            f"{name} {written[name]:.1f} s" for name in ("generate", "subjects", "evidence", "index")
        )
        total = sum(written[name] for name in ("generate", "subjects", "evidence", "index"))
        size = written["bytes"] / 2**20
        print(f"written (not part of the assessment): {total:.1f} s ({steps}); {size:,.0f} MiB")
    print()
    print(f"run_assessment (edition {summary.edition_id}, run {summary.run_id}, {summary.status}):")
    print(f"  {'phase':<12} {'wall s':>8} {'CPU s':>8}")
    for phase, seconds in summary.seconds.items():
        print(f"  {phase:<12} {seconds:8.2f} {summary.cpu_seconds[phase]:8.2f}")
    verdict = "met" if wall <= TARGET_SECONDS else "NOT met"
    cpu = sum(summary.cpu_seconds.values())
    print(
        f"  {'total':<12} {wall:8.2f} {cpu:8.2f}   (target {TARGET_SECONDS:.0f} s of wall clock: {verdict})"
    )
    print("  (CPU s counts every thread of the process; on a machine shared with other work the wall clock")
    print("  grows with the load average while the CPU seconds stay about the same)")
    print(f"records per second:        {summary.evidence / wall:,.0f} evidence records")
    print(f"subject-groups per second: {summary.subject_groups / wall:,.0f}")
    print(f"classes: {', '.join(f'{name} {count:,}' for name, count in summary.classes.items())}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak resident memory of the assessing process (ru_maxrss): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
