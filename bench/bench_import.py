"""Speed of the importer: subjects and evidence from CSV into a new database, as `tekseru import` does.

    .venv/bin/python bench/bench_import.py [--subject-groups 100000] [--evidence 1000000] [--database-url URL]

Writes synthetic files (bench/synthetic.py, with the packaged edition's groups and criteria, so they pass
the importer) and times, in one run on one fresh database (SQLite by default; `--database-url` for
PostgreSQL, whose database is dropped and made again):

- `import_subjects` of subjects.csv;
- `import_evidence` of evidence.csv with skip-invalid (rows whose criterion does not apply to any group of
  the subject are rejected, as the importer must), then the same file again (every row already stored);
- the baseline: reading and parsing the same evidence.csv and inserting its rows, subject ids looked up
  in a dictionary, with the driver's `executemany` into an empty table of the same columns and indexes,
  timed from the same file including its parsing: what reading and writing alone cost, with no checking
  or comparing.

Each import's write transaction is timed (`TimedDatabase`): from its BEGIN (on SQLite, BEGIN IMMEDIATE takes
the write lock) through `take_turns` (PostgreSQL's advisory lock of the imports) to its COMMIT, so the time
the write lock is held, over the import's whole time, is measured; the importer reads, validates and
resolves the file before it. The CPU time of this process is reported for each import too (on PostgreSQL
the server's own CPU is not in it).

Checks: the stored evidence is counted (the first import's new rows, nothing new the second time, every
row read either stored or rejected, every baseline row stored) and a sample of stored rows is compared with
the file. Targets (issue 18): the importer's throughput >= 50 % of the baseline's; the write lock held for
<= 20 % of the import.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import synthetic
from bench_end_to_end import edition_matrix
from common import Run, add_options, database_kind, fresh_postgres
from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import conv

from tekseru.catalog_files import load_catalogue
from tekseru.services.registry import import_evidence, import_subjects
from tekseru.store import Database, open_database, sqlite_url
from tekseru.store.models import Evidence, Subject

TARGET_SHARE = 0.5  # the importer's rows per second over the baseline's
TARGET_LOCK_SHARE = 0.2  # the share of the import's time its write transaction (the write lock) is held


@dataclass(frozen=True)
class TimedDatabase(Database):
    """The database, each write transaction timed from its BEGIN to the end of its COMMIT: while it runs, an
    import holds the write lock (SQLite) and its turn (PostgreSQL)."""

    held: list[float] = field(default_factory=list)
    held_cpu: list[float] = field(default_factory=list)  # this process's CPU time while it held the lock

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            with super().transaction() as session:
                yield session
        finally:
            self.held.append(time.perf_counter() - started)
            self.held_cpu.append(time.process_time() - started_cpu)


CONFIRMED = {"true": True, "false": False, "": None}


def _baseline(url: str, evidence_csv: Path) -> tuple[int, float, float]:
    """Read and parse the evidence file and insert its rows into an empty copy of the table; (rows,
    seconds, this process's CPU seconds), the reading and parsing timed with the inserts, as the
    importer's time includes them.

    The copy is made from the evidence table's own definition (`Evidence.__table__`): the same columns,
    primary key (an id the database numbers), foreign key to the subjects, unique key, index and checks,
    so the inserts cost the database what the importer's do."""
    engine = create_engine(url)
    mark = "?" if database_kind(url) == "sqlite" else "%s"
    metadata = MetaData(naming_convention=Evidence.metadata.naming_convention)
    Subject.__table__.to_metadata(metadata)  # what the copy's foreign key names
    copy = Evidence.__table__.to_metadata(metadata, name="evidence_baseline")
    for named in (*copy.constraints, *copy.indexes):  # PostgreSQL's index names are the schema's
        if isinstance(named.name, str) and "evidence_baseline" not in named.name:
            named.name = conv(named.name.replace("evidence", "evidence_baseline", 1))
    try:
        with engine.begin() as connection:
            ids = {row[0]: row[1] for row in connection.execute(text("SELECT bin, id FROM subjects"))}
            copy.create(connection)
        if database_kind(url) == "sqlite":
            engine = _sqlite_with_foreign_keys(engine, url)
        stamp = datetime.now(UTC).isoformat(sep=" ")
        started, started_cpu = time.perf_counter(), time.process_time()
        with evidence_csv.open(newline="", encoding="utf-8") as handle:
            rows = [
                (ids[row["bin"]], int(row["criterion"]), int(row["source_group"]),
                 date.fromisoformat(row["observed_on"]), row["reference"], CONFIRMED[row["confirmed"]],
                 "bench", stamp, f"evidence.csv:{number}")
                for number, row in enumerate(csv.DictReader(handle), start=2)
            ]  # fmt: skip
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO evidence_baseline (subject_id, criterion, source_group, observed_on, reference, "
                f"confirmed, entered_by, entered_at, origin) VALUES ({', '.join([mark] * 9)})",
                rows,
            )
        return len(rows), time.perf_counter() - started, time.process_time() - started_cpu
    finally:
        engine.dispose()


def _sqlite_with_foreign_keys(engine: Engine, url: str) -> Engine:
    """A plain engine whose connections check foreign keys, as the importer's do (SQLite's default is off)."""
    engine.dispose()
    plain = create_engine(url)

    def on_connect(connection: Any, _: Any) -> None:
        connection.execute("PRAGMA foreign_keys = ON")

    event.listen(plain, "connect", on_connect)
    return plain


def _check_stored(run: Run, url: str, evidence_csv: Path, reports: list[Any], baseline_rows: int) -> None:
    """Count what the imports stored and compare a sample of stored rows with the file."""
    first, again = reports
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT count(*) FROM evidence")).scalar_one()
            in_baseline = connection.execute(text("SELECT count(*) FROM evidence_baseline")).scalar_one()
            ids = [row[0] for row in connection.execute(text("SELECT id FROM evidence"))]
            picked = random.Random(1).sample(ids, min(200, len(ids)))
            sample = connection.execute(
                text(
                    "SELECT s.bin, e.criterion, e.source_group, e.observed_on, e.reference, e.confirmed "
                    "FROM evidence e JOIN subjects s ON s.id = e.subject_id WHERE e.id IN "
                    f"({', '.join(str(int(i)) for i in picked)})"
                )
            ).all()
    finally:
        engine.dispose()
    run.check(
        f"the first import stored its {first.created:,} new rows", stored == first.created > 0, f"{stored}"
    )
    run.check(
        "every row read was stored or rejected",
        first.created + first.rejected == first.rows_read,
        f"{first.created} stored + {first.rejected} rejected, {first.rows_read} read",
    )
    run.check(
        "the second import found every row unchanged",
        again.created == 0 and again.unchanged == first.created,
        f"{again.created} new, {again.unchanged} unchanged",
    )
    run.check(
        "the baseline stored every row", in_baseline == baseline_rows, f"{in_baseline} of {baseline_rows}"
    )
    with evidence_csv.open(newline="", encoding="utf-8") as handle:
        in_file = {
            (row["bin"], int(row["criterion"]), int(row["source_group"]), row["observed_on"],
             row["reference"], CONFIRMED[row["confirmed"]])
            for row in csv.DictReader(handle)
        }  # fmt: skip
    wrong = [
        row
        for row in sample
        if (row[0], row[1], row[2], str(row[3]), row[4], None if row[5] is None else bool(row[5]))
        not in in_file
    ]
    run.check(
        f"{len(sample)} stored rows picked at random are rows of the file",
        bool(sample) and not wrong,
        str(wrong[:3]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject-groups", type=int, default=100_000)
    parser.add_argument("--evidence", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, help="where to write the files (and the SQLite database)")
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    add_options(parser)
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="tekseru-bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = args.database_url or sqlite_url(folder / "import.sqlite3")
    if database_kind(url) == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        fresh_postgres(url)
    run = Run("import", url, sizes={"subject_groups": args.subject_groups, "evidence": args.evidence})
    data = synthetic.generate(args.subject_groups, args.evidence, seed=args.seed, matrix=edition_matrix())
    subjects_csv, evidence_csv = synthetic.write_csv(data, folder)
    database = TimedDatabase(open_database(url).engine)
    today = data.as_of
    edition = load_catalogue().edition_at(today)
    now = datetime.now(UTC)
    timed: list[tuple[str, int, float, str]] = []
    reports, locks, cpus, lock_cpus = [], [], [], []
    try:
        started, started_cpu = time.perf_counter(), time.process_time()
        report = import_subjects(
            database, subjects_csv, edition, regions=load_catalogue().regions, today=today, now=now
        )
        timed.append(("subjects", report.rows_read, time.perf_counter() - started, f"{report.created} new"))
        locks.append(sum(database.held))
        cpus.append(time.process_time() - started_cpu)
        lock_cpus.append(sum(database.held_cpu))
        for label in ("evidence", "evidence again"):
            database.held.clear()
            database.held_cpu.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            report = import_evidence(
                database, evidence_csv, edition, entered_by="bench", today=today, skip_invalid=True, now=now
            )
            outcome = f"{report.created} new, {report.unchanged} unchanged, {report.rejected} rejected"
            timed.append((label, report.rows_read, time.perf_counter() - started, outcome))
            locks.append(sum(database.held))
            cpus.append(time.process_time() - started_cpu)
            lock_cpus.append(sum(database.held_cpu))
            reports.append(report)
    finally:
        database.close()
    rows, seconds, baseline_cpu = _baseline(url, evidence_csv)
    timed.append(("baseline", rows, seconds, "read, parse, executemany; nothing checked"))
    cpus.append(baseline_cpu)
    _report(args, folder, timed, today, url, locks, cpus, lock_cpus)
    _check_stored(run, url, evidence_csv, reports, rows)
    baseline_rate = rows / seconds
    run.figure("evidence import", timed[1][1] / timed[1][2], "rows/s")
    run.figure("baseline (same file, parsing included)", baseline_rate, "rows/s")
    run.figure(
        "import throughput / baseline's",
        timed[1][1] / timed[1][2] / baseline_rate,
        "x",
        TARGET_SHARE,
        "higher",
    )
    run.figure(
        "import throughput / baseline's, by this process's CPU time (fair under load; on PostgreSQL "
        "the server's CPU is in neither)",
        timed[1][1] / cpus[1] / (rows / baseline_cpu),
        "x",
        TARGET_SHARE,
        "higher",
    )
    run.figure("evidence again (all unchanged)", timed[2][1] / timed[2][2], "rows/s")
    run.figure(
        "write lock held / evidence import's time",
        locks[1] / timed[1][2],
        "x",
        TARGET_LOCK_SHARE,
        "lower",
    )
    run.figure(
        "write lock held / evidence again's time", locks[2] / timed[2][2], "x", TARGET_LOCK_SHARE, "lower"
    )
    run.figure("write lock held, evidence import", locks[1], "s")
    run.figure(
        "CPU of this process holding the write lock / its CPU, evidence import", lock_cpus[1] / cpus[1], "x"
    )
    run.figure("CPU of this process, evidence import", cpus[1], "s")
    run.figure("CPU of this process, baseline", baseline_cpu, "s")
    run.figure("CPU of this process, evidence again", cpus[2], "s")
    return run.finish(args.json)


def _report(
    args: argparse.Namespace,
    folder: Path,
    timed: list[tuple[str, int, float, str]],
    today: date,
    url: str,
    locks: list[float],
    cpus: list[float],
    lock_cpus: list[float],
) -> None:
    print(f"tekseru import benchmark, {date.today().isoformat()}; {platform.machine()}, Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; {database_kind(url)}")  # fmt: skip
    print(f"files: {folder} ({args.subject_groups:,} subject-groups, {args.evidence:,} evidence rows, "
          f"as of {today})")  # fmt: skip
    print()
    print(f"  {'what':<18} {'rows':>10} {'seconds':>9} {'rows/s':>10}  outcome")
    for label, rows, seconds, outcome in timed:
        print(f"  {label:<18} {rows:>10,} {seconds:>9.2f} {rows / seconds:>10,.0f}  {outcome}")
    baseline = timed[-1][2]
    print()
    for label, _, seconds, _ in timed[1:3]:
        print(f"{label}: {seconds / baseline:.1f}x the baseline's time")
    print(f"baseline: CPU {cpus[-1]:.2f} s")
    for (label, _, seconds, _), held, cpu, held_cpu in zip(timed, locks, cpus, lock_cpus, strict=False):
        print(
            f"{label}: write lock held {held:.2f} s of {seconds:.2f} s ({held / seconds:.0%}); "
            f"CPU {cpu:.2f} s, {held_cpu:.2f} s of it holding the lock"
        )


if __name__ == "__main__":
    sys.exit(main())
