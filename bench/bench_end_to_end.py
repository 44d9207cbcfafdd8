"""End-to-end benchmark of the risk engine (SQLite or PostgreSQL): read the registry, score, explain, store.

    .venv/bin/python bench/bench_end_to_end.py [--subject-groups 1000000] [--evidence 10000000]
        [--db PATH | --database-url URL] [--reuse-db]

Writes N subject-groups and M evidence records of bench/synthetic.py (seeded, with the packaged edition's
groups and criteria) into a fresh database, migrated as tekseru migrates it, with bulk inserts (SQLite) or
COPY (PostgreSQL, whose database is dropped and made again) in a child process (timed and reported on their
own, not as part of the assessment). Then times one call of `tekseru.services.assessments.run_assessment`:
loading from the database, the fingerprint, scoring, the explanations and storing every result; and
reports records per second, the seconds of each phase, the total against the 30 s target, the peak
resident memory of the assessing process (target 2 GiB) and how much the run added to the database (target
200 MB). Checks: the run stored one result per subject-group, and the results of 100 subject-groups picked
at random are those of the reference engine (`score_group`) on their evidence as read back from the database:
score, class and the stored explanation (which evidence counted, and why each other record did not).
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
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import pg_fill
import synthetic
from common import Run, add_options, database_kind, fresh_postgres
from sqlalchemy import create_engine, text

from tekseru.catalog_files import load_catalogue
from tekseru.scoring import EvidenceFact, GroupMatrix, GroupProfile, ScoringRules, score_group
from tekseru.scoring.columns import NEVER_USED, from_day_number
from tekseru.services.assessments import run_assessment
from tekseru.store import open_database, sqlite_url
from tekseru.store.assessments import results_for_run
from tekseru.store.models import RISK_CLASSES
from tekseru.store.name_keys import search_key

TARGET_SECONDS = 30.0
TARGET_PEAK_MIB = 2048.0
TARGET_GROWTH_MB = 200.0
STAMP = "2024-06-30 12:00:00.000000"  # entered_at, created_at: SQLAlchemy's DateTime form on SQLite
ROWS_PER_STATEMENT = 400
# A run's rows carry its number (assessments.run_key), found by the run's id
RUN = "run_key = (SELECT run_key FROM assessments WHERE id = :run)"
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
        (number, bin_, name, search_key(name), region, address, STAMP, STAMP)
        for number, (bin_, name, region, address, _) in enumerate(synthetic.subject_rows(data, bins), start=1)
    )
    connection.executemany(  # the search key as the store writes it (tekseru.store.name_keys)
        "INSERT INTO subjects (id, bin, name, name_key, region, address, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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


def write_postgres(url: str, subject_groups: int, evidence: int, seed: int) -> dict[str, Any]:
    """Generate the data and COPY it into a fresh, migrated PostgreSQL database; seconds of each step."""
    import psycopg
    from sqlalchemy import make_url

    seconds: dict[str, Any] = {}
    started = time.perf_counter()
    data = synthetic.generate(subject_groups, evidence, seed=seed, matrix=edition_matrix())
    bins = synthetic.synthetic_bins(data.subjects)
    seconds["generate"] = time.perf_counter() - started
    fresh_postgres(url)
    open_database(url).close()
    target = make_url(url)
    step = time.perf_counter()
    with psycopg.connect(
        host=target.host, port=target.port, user=target.username, dbname=target.database
    ) as connection:
        with connection.cursor() as cursor, pg_fill.constraints_dropped(cursor, pg_fill.TABLES):
            # Emptied in this transaction (they are empty: a fresh database), so COPY may write rows frozen.
            cursor.execute(f"TRUNCATE {', '.join(pg_fill.TABLES)} CASCADE")
            with cursor.copy(
                "COPY subjects (id, bin, name, name_key, region, address, created_at, updated_at) "
                "FROM STDIN (FREEZE)"
            ) as copy:
                for number, (bin_, name, region, address, _) in enumerate(
                    synthetic.subject_rows(data, bins), start=1
                ):
                    copy.write_row((number, bin_, name, search_key(name), region, address, STAMP, STAMP))
            with cursor.copy("COPY subject_groups (subject_id, group_key) FROM STDIN (FREEZE)") as copy:
                groups = np.array(data.matrix.groups)[data.group_of].tolist()
                for row in zip((data.subject_of + 1).tolist(), groups, strict=True):
                    copy.write_row(row)
            cursor.execute("SELECT setval(pg_get_serial_sequence('subjects', 'id'), max(id)) FROM subjects")
            seconds["subjects"], step = time.perf_counter() - step, time.perf_counter()
            with cursor.copy(f"COPY evidence ({pg_fill.EVIDENCE_TEXT_COLUMNS}) FROM STDIN (FREEZE)") as copy:
                for block in pg_fill.evidence_copy_blocks(data):
                    copy.write(block)
            seconds["evidence"], step = time.perf_counter() - step, time.perf_counter()
        connection.commit()  # the indexes and constraints made again, as the block ended
        seconds["constraints"], step = time.perf_counter() - step, time.perf_counter()
        connection.execute("ANALYZE")
        connection.commit()
    seconds["index"] = time.perf_counter() - step
    seconds["subjects_count"] = data.subjects
    seconds["bytes"] = database_bytes(url)
    return seconds


def _evidence_rows(data: synthetic.SyntheticData) -> Any:
    columns = data.evidence
    subject = data.subject_of[columns.subject_group] + 1
    day = {int(d): from_day_number(int(d)).isoformat() for d in np.unique(columns.observed_on)}
    used: dict[int, str | None] = {
        int(d): from_day_number(int(d)).isoformat() for d in np.unique(columns.used_on) if d != NEVER_USED
    }
    used[NEVER_USED] = None
    confirmed = {1: True, 0: False, -1: None}
    for start in range(0, len(columns.criterion), 200_000):
        part = slice(start, start + 200_000)
        yield from zip(
            subject[part].tolist(),
            columns.criterion[part].tolist(),
            columns.source_group[part].tolist(),
            map(day.__getitem__, columns.observed_on[part].tolist()),
            (f"SYN-{number:09d}" for number in range(start + 1, start + 1 + len(columns.criterion[part]))),
            map(confirmed.__getitem__, columns.confirmed[part].tolist()),
            iter(lambda: "bench", None),
            iter(lambda: STAMP, None),
            iter(lambda: "bench", None),
            map(used.__getitem__, columns.used_on[part].tolist()),
            strict=False,
        )


def database_bytes(url: str) -> int:
    """The bytes the database's data takes: on SQLite the pages in use after a checkpoint (free pages, as
    a migration that rebuilt a table leaves, are not counted: a run filling them grows nothing else)."""
    if database_kind(url) == "sqlite":
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            pages, free, size = (
                connection.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("page_count", "freelist_count", "page_size")
            )
            return int((pages - free) * size)
        finally:
            connection.close()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    finally:
        engine.dispose()


RUN_TABLES = ("assessment_results",)  # the table a run writes its rows to (with its subjects' classes)


def run_table_bytes(url: str) -> dict[str, dict[str, int]]:
    """PostgreSQL: the bytes of each table a run writes (its rows, their TOAST, each index), to show
    where the run's growth goes; nothing on SQLite (whose file has no such split to read cheaply)."""
    if database_kind(url) == "sqlite":
        return {}
    engine = create_engine(url)
    sizes: dict[str, dict[str, int]] = {}
    try:
        with engine.connect() as connection:
            for table in RUN_TABLES:
                rows, heap, total, indexes = connection.execute(
                    text(
                        f"SELECT (SELECT count(*) FROM {table}), pg_relation_size(CAST(:t AS regclass)), "
                        "pg_total_relation_size(CAST(:t AS regclass)), "
                        "pg_indexes_size(CAST(:t AS regclass))"
                    ),
                    {"t": table},
                ).one()
                sizes[table] = {"rows": rows, "table": heap, "toast": total - heap - indexes}
                for name, size in connection.execute(
                    text(
                        "SELECT CAST(CAST(indexrelid AS regclass) AS text), pg_relation_size(indexrelid) "
                        "FROM pg_index WHERE indrelid = CAST(:t AS regclass) ORDER BY 1"
                    ),
                    {"t": table},
                ):
                    sizes[table][f"index {name}"] = size
    finally:
        engine.dispose()
    return sizes


def report_table_growth(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]) -> None:
    """Print what each table and index of the run's rows grew by, in MB and bytes per row the run added."""
    for table, sizes in after.items():
        earlier = before.get(table, {})
        added_rows = sizes["rows"] - earlier.get("rows", 0)
        parts = []
        for part, size in sizes.items():
            if part != "rows":
                grown = size - earlier.get(part, 0)
                per_row = f", {grown / added_rows:.1f} B/row" if added_rows else ""
                parts.append(f"{part} {grown / 1e6:.1f} MB{per_row}")
        print(f"  {table} (+{added_rows:,} rows): " + "; ".join(parts))


def check_results(run: Run, url: str, summary: Any, expected_groups: int, picks: int = 100) -> None:
    """Count the run's stored results and compare `picks` of them with the reference engine, on the evidence
    read back from the database."""
    edition = load_catalogue().edition(summary.edition_id)
    rules = ScoringRules.from_edition(edition)
    engine = create_engine(url)
    run_id = summary.run_id.hex if database_kind(url) == "sqlite" else str(summary.run_id)
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                text(f"SELECT count(*) FROM assessment_results WHERE {RUN}"), {"run": run_id}
            ).scalar_one()
            sample = connection.execute(
                text(
                    # the group's key by its code (migration 0025)
                    "SELECT subject_id, group_key, score, risk_class FROM assessment_results "
                    f"JOIN result_groups ON code = group_code WHERE {RUN} ORDER BY random() LIMIT :picks"
                ),
                {"run": run_id, "picks": picks},
            ).all()
            wrong = []
            explanations: dict[tuple[int, str], dict[str, Any]] = {}
            for subject_id, group_key, score, rank in sample:
                risk_class = RISK_CLASSES[rank - 1]  # stored as its rank (migration 0026)
                facts = [
                    EvidenceFact(
                        evidence_id=row[0],
                        criterion=row[1],
                        source_group=row[2],
                        observed_on=_day(row[3]),
                        confirmed=None if row[4] is None else bool(row[4]),
                        used_on=_day(row[5]) if row[5] is not None else None,
                    )
                    for row in connection.execute(
                        text(
                            "SELECT id, criterion, source_group, observed_on, confirmed, used_on "
                            "FROM evidence WHERE subject_id = :subject"
                        ),
                        {"subject": subject_id},
                    )
                ]
                expected = score_group(
                    rules, GroupProfile.from_edition(edition, group_key), facts, summary.as_of
                )
                if abs(expected.score - score) > 0.005 or str(expected.risk_class) != str(risk_class):
                    wrong.append((subject_id, group_key, score, risk_class, expected.score))
                explanations[(subject_id, group_key)] = _explanation(expected)
    finally:
        engine.dispose()
    # The stored explanations of the same results, read back by the store as the subject's card reads them.
    database = open_database(url)
    try:
        with database.reading() as session:
            unlike = [
                (subject_id, group_key)
                for (subject_id, group_key), expected in explanations.items()
                if dict(_stored(session, summary.run_id, subject_id, group_key).explanation) != expected
            ]
    finally:
        database.close()
    run.check(
        f"the run stored one result per subject-group ({expected_groups:,})",
        stored == summary.subject_groups == expected_groups,
        f"{stored} stored, summary {summary.subject_groups}",
    )
    run.check(
        f"{len(sample)} stored results picked at random = the reference engine on their evidence",
        bool(sample) and not wrong,
        str(wrong[:3]),
    )
    run.check(
        f"their {len(explanations)} stored explanations = the reference engine's counted, ignored evidence",
        bool(explanations) and not unlike,
        str(unlike[:3]),
    )


def _stored(session: Any, run_id: Any, subject_id: int, group_key: str) -> Any:
    return results_for_run(session, run_id, subject_id=subject_id, group_key=group_key)[0]


def _explanation(score: Any) -> dict[str, Any]:
    """The stored explanation the reference engine's score of a subject-group implies."""
    ignored: dict[str, dict[str, list[int]]] = {}
    for item in sorted(score.ignored, key=lambda item: (item.criterion, item.evidence_id)):
        ignored.setdefault(item.reason.value, {}).setdefault(str(item.criterion), []).append(item.evidence_id)
    counted = {str(hit.criterion): sorted(hit.evidence_ids) for hit in score.counted}
    return {"counted": counted, "ignored": ignored}


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class MemorySampler:
    """The resident memory of this process every few milliseconds, in a thread: where in the run the
    peak is (ru_maxrss gives only its size)."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval, self.samples = interval, [(time.perf_counter(), _resident_mib())]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append((time.perf_counter(), _resident_mib()))

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def peaks(self, started: float, seconds: dict[str, float]) -> dict[str, float]:
        """The highest sample in each phase, the phases taken as back to back in `seconds`' order."""
        peaks, begin = {}, started
        for phase, length in seconds.items():
            inside = [rss for at, rss in self.samples if begin <= at <= begin + length]
            peaks[phase] = max(inside, default=0.0)
            begin += length
        return peaks


def _resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def assess(url: str, as_of: date) -> tuple[Any, float, dict[str, float]]:
    database = open_database(url)
    try:
        with MemorySampler() as sampler:
            started = time.perf_counter()
            summary = run_assessment(database, as_of=as_of, reuse=False, catalogue=load_catalogue())
            wall = time.perf_counter() - started
        return summary, wall, sampler.peaks(started, dict(summary.seconds))
    finally:
        database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject-groups", type=int, default=1_000_000)
    parser.add_argument("--evidence", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, help="the SQLite file to write (default: in a temporary folder)")
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--reuse-db", action="store_true", help="assess the database as it is, unwritten")
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    add_options(parser)
    args = parser.parse_args(argv)
    if args.database_url and database_kind(args.database_url) == "sqlite":
        args.db = Path(args.database_url.removeprefix("sqlite:///"))
    postgres = (
        args.database_url if args.database_url and database_kind(args.database_url) != "sqlite" else None
    )
    path = args.db or Path(tempfile.mkdtemp(prefix="tekseru-bench-")) / "bench.sqlite3"
    url = postgres or sqlite_url(path)
    written: dict[str, Any] | None
    if args.write_only:
        written = (
            write_postgres(url, args.subject_groups, args.evidence, args.seed)
            if postgres
            else write_database(path, args.subject_groups, args.evidence, args.seed)
        )
        print(json.dumps(written))
        return 0
    run = Run("end_to_end", url, sizes={"subject_groups": args.subject_groups, "evidence": args.evidence})
    written = None
    if not (args.reuse_db and (postgres or path.exists())):
        # A child process writes the data, so the peak memory measured here is the assessment's own.
        command = [sys.executable, __file__, "--write-only", "--seed", str(args.seed)]
        command += ["--database-url", url]
        command += ["--subject-groups", str(args.subject_groups), "--evidence", str(args.evidence)]
        written = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    before, tables_before = database_bytes(url), run_table_bytes(url)
    summary, wall, phase_peaks = assess(url, synthetic.DEFAULT_AS_OF)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    growth = (database_bytes(url) - before) / 1e6
    _report(args, path if not postgres else Path(url), written, summary, wall)
    print(f"the run added {growth:,.0f} MB to the database")
    report_table_growth(tables_before, run_table_bytes(url))
    expected_groups = args.subject_groups if written is not None else summary.subject_groups
    check_results(run, url, summary, expected_groups)
    run.figure("assessment end to end (wall)", wall, "s", TARGET_SECONDS, "lower")
    run.figure("assessment CPU, all threads", sum(summary.cpu_seconds.values()), "s")
    for phase, seconds in summary.seconds.items():
        run.figure(f"phase {phase} (wall)", seconds, "s")
    run.figure("evidence records per second", summary.evidence / wall, "records/s")
    run.figure("peak resident memory of the assessing process", peak, "MiB", TARGET_PEAK_MIB, "lower")
    for phase, mib in phase_peaks.items():
        run.figure(f"peak resident memory in phase {phase} (sampled)", mib, "MiB")
    run.figure("growth of the database by the run", growth, "MB", TARGET_GROWTH_MB, "lower")
    return run.finish(args.json)


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
    sys.exit(main())
