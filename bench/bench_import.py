"""Speed of the importer: subjects and evidence from CSV into a new SQLite file, as `tekseru import` does.

    .venv/bin/python bench/bench_import.py [--subject-groups 20000] [--evidence 200000] [--folder DIR]

Writes synthetic files (bench/synthetic.py, with the packaged edition's groups and criteria, so they pass
the importer) and times, in one run on one fresh database:

- `import_subjects` of subjects.csv;
- `import_evidence` of evidence.csv with skip-invalid (rows whose criterion does not apply to any group of
  the subject are rejected, as the importer must), then the same file again (every row already stored);
- the baseline: the same evidence rows, subject ids already known, inserted with the standard library's
  `sqlite3.executemany` into an empty table of the same columns and indexes: what writing alone costs,
  with no reading, checking or comparing.

It prints rows per second of each, the importer's time over the baseline's, and how long the import held
SQLite's write lock (the whole import is one transaction: other writers wait that long).
"""

from __future__ import annotations

import argparse
import csv
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import synthetic
from bench_end_to_end import edition_matrix

from tekseru.catalog_files import load_catalogue
from tekseru.services.registry import import_evidence, import_subjects
from tekseru.store import open_database, sqlite_url


def _baseline(path: Path, evidence_csv: Path) -> tuple[int, float]:
    """Plain inserts of the evidence rows into an empty copy of the table; (rows, seconds)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        ids = dict(connection.execute("SELECT bin, id FROM subjects"))
        stamp = datetime.now(UTC).isoformat(sep=" ")
        connection.execute("CREATE TABLE evidence_baseline AS SELECT * FROM evidence WHERE 0")
        connection.execute(
            "CREATE UNIQUE INDEX baseline_key ON evidence_baseline "
            "(subject_id, criterion, source_group, observed_on, reference)"
        )
        connection.execute("CREATE INDEX baseline_observed_on ON evidence_baseline (observed_on)")
        with evidence_csv.open(newline="", encoding="utf-8") as handle:
            rows = [
                (ids[row["bin"]], int(row["criterion"]), int(row["source_group"]), row["observed_on"],
                 row["reference"], {"true": 1, "false": 0}.get(row["confirmed"]), "bench", stamp,
                 f"evidence.csv:{number}")
                for number, row in enumerate(csv.DictReader(handle), start=2)
            ]  # fmt: skip
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO evidence_baseline (subject_id, criterion, source_group, observed_on, reference, "
            "confirmed, entered_by, entered_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        connection.execute("COMMIT")
        return len(rows), time.perf_counter() - started
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject-groups", type=int, default=20_000)
    parser.add_argument("--evidence", type=int, default=200_000)
    parser.add_argument("--folder", type=Path, help="where to write the files and the database")
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="tekseru-bench-import-"))
    data = synthetic.generate(args.subject_groups, args.evidence, seed=args.seed, matrix=edition_matrix())
    subjects_csv, evidence_csv = synthetic.write_csv(data, folder)
    path = folder / "import.sqlite3"
    path.unlink(missing_ok=True)
    database = open_database(sqlite_url(path))
    today = data.as_of
    edition = load_catalogue().edition_at(today)
    now = datetime.now(UTC)
    timed: list[tuple[str, int, float, str]] = []
    try:
        started = time.perf_counter()
        report = import_subjects(database, subjects_csv, edition, today=today, now=now)
        timed.append(("subjects", report.rows_read, time.perf_counter() - started, f"{report.created} new"))
        for label in ("evidence", "evidence again"):
            started = time.perf_counter()
            report = import_evidence(
                database, evidence_csv, edition, entered_by="bench", today=today, skip_invalid=True, now=now
            )
            outcome = f"{report.created} new, {report.unchanged} unchanged, {report.rejected} rejected"
            timed.append((label, report.rows_read, time.perf_counter() - started, outcome))
    finally:
        database.close()
    rows, seconds = _baseline(path, evidence_csv)
    timed.append(("baseline inserts", rows, seconds, "sqlite3.executemany, nothing checked"))
    _report(args, folder, timed, today)


def _report(
    args: argparse.Namespace, folder: Path, timed: list[tuple[str, int, float, str]], today: date
) -> None:
    print(f"tekseru import benchmark, {date.today().isoformat()}; {platform.machine()}, Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")  # fmt: skip
    print(f"files: {folder} ({args.subject_groups:,} subject-groups, {args.evidence:,} evidence rows, "
          f"as of {today})")  # fmt: skip
    print()
    print(f"  {'what':<18} {'rows':>10} {'seconds':>9} {'rows/s':>10}  outcome")
    for label, rows, seconds, outcome in timed:
        print(f"  {label:<18} {rows:>10,} {seconds:>9.2f} {rows / seconds:>10,.0f}  {outcome}")
    baseline = timed[-1][2]
    print()
    for label, _, seconds, _ in timed[1:3]:
        print(
            f"{label}: {seconds / baseline:.1f}x the baseline's time; the write lock was held {seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
