"""Reconciling three rosters of 2,000,000 records each, on SQLite and PostgreSQL, checked against a
generated truth and against a plain SQL baseline doing the same joins on the same database in one run.

    .venv/bin/python bench/bench_rosters.py [--recipients 2000000] [--providers 2000] [--folder DIR]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/tekseru_bench_rosters] [--json FILE]

The data: `--recipients` recipients, each with one stay at one of `--providers` providers, in each of the
three sources (provider, esobes, portal), and then, for disjoint sets of 0.5% of the recipients each, one
kind of discrepancy made on purpose (missing from one source, ended earlier in E-Sobes, another form,
another start date), and for 0.5% a second stay with another provider for the same dates in all three
sources (a duplicate across providers). The truth is what was made: for each provider and kind, the IINs.

Loading is not reconciliation: rows go into the migrated `roster_entries` table with executemany
(SQLite) or COPY (PostgreSQL), timed and reported apart; the IINs are 12-digit serial numbers (the
importer's check-digit validation is not what is measured here; see bench_import.py for the importer).

Timed, each `--repeat` times (best and median reported):
- tekseru: `tekseru.services.roster_reports.reconcile` end to end (the SQL, streaming the discrepancies
  back, grouping them by provider and kind);
- baseline: the same comparison written plainly: per-source latest stays with correlated MAX sub-queries,
  the union of keys, three LEFT JOINs, the same flags; duplicates by a self-join of the whole table.
Both results must equal the truth, or the run fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from common import Run, add_options, database_kind, fresh_postgres
from sqlalchemy import text

from tekseru.catalog.identifiers import demo_bins
from tekseru.services import roster_reports, rosters
from tekseru.services.permissions import Actor
from tekseru.store import open_database, sqlite_url
from tekseru.store.reconcile import FLAG_COLUMNS, OPEN_END, PAIR_KINDS

AS_OF = date(2025, 1, 1)
FIRST_START = date(2024, 1, 1)
FORMS = ("stationary", "semi_stationary", "home_care", "temporary_stay")
KINDS = (*PAIR_KINDS, "duplicate_across_providers")
TARGET_SECONDS = 30.0  # issue 17: three rosters of 2,000,000 records each in 30 s or less
SHARE = 200  # one recipient in SHARE per kind of discrepancy (0.5%)
Truth = dict[tuple[str, str], set[str]]
COLUMNS = "iin, provider_bin, source, form, starts_on, ends_on, last_seen_at"


def generate(recipients: int, providers: int) -> tuple[dict[str, list[tuple]], Truth]:
    """The three sources' rows (iin, provider_bin, source, form, starts_on, ends_on) and the truth."""
    bins = list(demo_bins(providers))
    index = np.arange(recipients, dtype=np.int64)
    iins = [f"{100000000000 + i}" for i in range(recipients)]
    provider = index % providers
    starts = [(FIRST_START + timedelta(days=int(d))).isoformat() for d in range(300)]
    start_of = index % 300
    ends = [
        None if i % 3 == 0 else (FIRST_START + timedelta(days=int(start_of[i]) + 400)).isoformat()
        for i in range(recipients)
    ]
    kind = index % SHARE  # 0..5: the pair kinds in PAIR_KINDS order; 6: duplicate; others: consistent
    truth: Truth = defaultdict(set)
    rows: dict[str, list[tuple]] = {"provider": [], "esobes": [], "portal": []}
    ended_early = (AS_OF - timedelta(days=31)).isoformat()
    for i in range(recipients):
        k, iin, bin = int(kind[i]), iins[i], bins[provider[i]]
        form, start, end = FORMS[i % 4], starts[start_of[i]], ends[i]
        stay = {"provider": (form, start, end), "esobes": (form, start, end), "portal": (form, start, end)}
        if k < len(PAIR_KINDS):
            name = PAIR_KINDS[k]
            truth[(bin, name)].add(iin)
            if name == "missing_in_esobes":
                del stay["esobes"]
            elif name == "missing_in_portal":
                del stay["portal"]
            elif name == "missing_in_provider":
                del stay["provider"]
            elif name == "after_end_date":
                stay["esobes"] = (form, start, ended_early)
            elif name == "service_form_mismatch":
                stay["esobes"] = (FORMS[(i + 1) % 4], start, end)
            elif name == "date_mismatch":
                earlier = (date.fromisoformat(start) - timedelta(days=1)).isoformat()
                stay["esobes"] = (form, earlier, end)
        for source, (f, s, e) in stay.items():
            rows[source].append((iin, bin, source, f, s, e))
        if k == len(PAIR_KINDS):
            other = bins[(provider[i] + 1) % providers]
            truth[(bin, "duplicate_across_providers")].add(iin)
            truth[(other, "duplicate_across_providers")].add(iin)
            for source in rows:
                rows[source].append((iin, other, source, form, start, end))
    for found in rows.values():  # loaded in key order, as a bulk load would: loading is not what is timed
        found.sort(key=lambda row: row[:3])
    return rows, dict(truth)


def load(database_url: str, rows: dict[str, list[tuple]]) -> float:
    """Put the rows into the migrated database; seconds."""
    db = open_database(database_url)
    started = time.perf_counter()
    with db.transaction() as session:
        connection = session.connection()
        connection.execute(text("DELETE FROM roster_entries"))
        raw = connection.connection.driver_connection
        if db.dialect == "postgresql":
            with raw.cursor().copy(f"COPY roster_entries ({COLUMNS}) FROM STDIN") as copy:  # type: ignore[union-attr]
                for found in rows.values():
                    for row in found:
                        copy.write_row((*row, "2025-01-01 00:00:00+00"))
        else:
            cursor = raw.cursor()  # type: ignore[union-attr]
            statement = (
                f"INSERT INTO roster_entries ({COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, '2025-01-01 00:00:00.000000+00:00')"
            )
            for found in rows.values():
                cursor.executemany(statement, found)
    with db.transaction() as session:
        session.execute(text("ANALYZE"))
    db.close()
    return time.perf_counter() - started


def _latest(source: str) -> str:
    return f"""
    SELECT iin, provider_bin, form, starts_on, ends_on FROM roster_entries r
    WHERE source = '{source}' AND starts_on <= :as_of AND starts_on = (
        SELECT MAX(starts_on) FROM roster_entries r2
        WHERE r2.iin = r.iin AND r2.provider_bin = r.provider_bin AND r2.source = '{source}'
          AND r2.starts_on <= :as_of)"""


def _columns(prefix: str, alias: str) -> str:
    return (
        f"CASE WHEN {alias}.iin IS NULL THEN 0 ELSE 1 END AS {prefix}_has, {alias}.form AS {prefix}_form, "
        f"CAST({alias}.starts_on AS VARCHAR(10)) AS {prefix}_start, "
        f"COALESCE(CAST({alias}.ends_on AS VARCHAR(10)), '{OPEN_END}') AS {prefix}_end"
    )


BASELINE_PAIRS = f"""
WITH p AS ({_latest("provider")}), e AS ({_latest("esobes")}), o AS ({_latest("portal")}),
keys AS (SELECT iin, provider_bin FROM p UNION SELECT iin, provider_bin FROM e
         UNION SELECT iin, provider_bin FROM o),
joined AS (
    SELECT k.iin, k.provider_bin, {_columns("p", "p")}, {_columns("e", "e")}, {_columns("o", "o")}
    FROM keys k
    LEFT JOIN p ON p.iin = k.iin AND p.provider_bin = k.provider_bin
    LEFT JOIN e ON e.iin = k.iin AND e.provider_bin = k.provider_bin
    LEFT JOIN o ON o.iin = k.iin AND o.provider_bin = k.provider_bin
),
flagged AS (SELECT joined.*, {FLAG_COLUMNS} FROM joined)
SELECT iin, provider_bin, {", ".join(PAIR_KINDS)} FROM flagged WHERE {" + ".join(PAIR_KINDS)} > 0
"""
BASELINE_DUPLICATES = """
SELECT DISTINCT a.iin, a.provider_bin, b.provider_bin
FROM roster_entries a JOIN roster_entries b
  ON b.iin = a.iin AND b.provider_bin <> a.provider_bin
 AND a.starts_on <= COALESCE(b.ends_on, :far) AND b.starts_on <= COALESCE(a.ends_on, :far)
WHERE a.starts_on <= :as_of AND b.starts_on <= :as_of
"""


def run_tekseru(database_url: str) -> Truth:
    db = open_database(database_url)
    try:
        found = roster_reports.reconcile(db, AS_OF, actor=Actor.system("bench"))
    finally:
        db.close()
    return {
        (bin, kind): {item.iin for item in items}
        for bin, kinds in found.by_provider.items()
        for kind, items in kinds.items()
    }


def run_baseline(database_url: str) -> Truth:
    db = open_database(database_url)
    found: Truth = defaultdict(set)
    try:
        with db.reading() as session:
            connection = session.connection()
            as_of, far = (
                (AS_OF, date(9999, 12, 31))
                if db.dialect == "postgresql"
                else (AS_OF.isoformat(), "9999-12-31")
            )
            pairs = {"as_of": as_of, "day": AS_OF.isoformat()}
            for row in connection.execute(text(BASELINE_PAIRS), pairs):
                for name, flag in zip(PAIR_KINDS, row[2:], strict=True):
                    if flag:
                        found[(row[1], name)].add(row[0])
            for iin, bin, _ in connection.execute(text(BASELINE_DUPLICATES), {"as_of": as_of, "far": far}):
                found[(bin, "duplicate_across_providers")].add(iin)
    finally:
        db.close()
    return dict(found)


def import_sample(run: Run, rows: int, folder: Path) -> None:
    """Time the importer itself (`tekseru rosters import`) on a CSV of `rows` valid records, on SQLite:
    the first import and the same file again (all unchanged)."""
    path = folder / "provider-sample.csv"
    bins = list(demo_bins(100))
    with path.open("w", encoding="utf-8") as handle:
        handle.write("iin,bin,form,start_date,end_date\n")
        for number, iin in enumerate(demo_bins(rows, prefix="85031")):
            start = (FIRST_START + timedelta(days=number % 300)).isoformat()
            handle.write(f"{iin},{bins[number % 100]},{FORMS[number % 4]},{start},\n")
    database_path = folder / "import-sample.sqlite3"
    database_path.unlink(missing_ok=True)
    db = open_database(sqlite_url(str(database_path)))
    try:
        for attempt, created in (("first import", rows), ("the same file again", 0)):
            started = time.perf_counter()
            report = rosters.import_roster(
                db, "provider", path, actor=Actor.system("bench"), today=date.today()
            )
            took = time.perf_counter() - started
            run.figure(f"importer (SQLite), {attempt}", report.rows_read / took, "rows/s")
            run.check(
                f"importer, {attempt}: every row read, {created:,} created",
                report.rows_read == rows and report.created == created,
                f"read {report.rows_read:,}, created {report.created:,}",
            )
    finally:
        db.close()


def timed(action: Callable[[], Truth], repeat: int) -> tuple[list[float], list[float], Truth]:
    """Wall and CPU seconds of each run (CPU of this process: all of SQLite's work, none of PostgreSQL's
    server), and the last result."""
    walls, cpus, result = [], [], {}
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def _differences(found: Truth, truth: Truth) -> str:
    keys = set(found) | set(truth)
    wrong = sorted(key for key in keys if found.get(key, set()) != truth.get(key, set()))
    return f"{len(wrong)} (provider, kind) entries differ, e.g. {wrong[:3]}" if wrong else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recipients", type=int, default=2_000_000)
    parser.add_argument("--providers", type=int, default=2000)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-repeat", type=int, default=1)
    parser.add_argument("--import-sample", type=int, default=0, help="Also time the importer on N rows.")
    add_options(parser)
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-rosters-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = args.database_url or sqlite_url(str(folder / "rosters.sqlite3"))
    if database_kind(url) == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        fresh_postgres(url)
    run = Run(
        "rosters",
        url,
        sizes={"recipients": args.recipients, "providers": args.providers, "repeat": args.repeat},
    )
    started = time.perf_counter()
    rows, truth = generate(args.recipients, args.providers)
    records = sum(len(found) for found in rows.values())
    print(f"generated {records:,} roster records in {time.perf_counter() - started:.1f} s; "
          f"discrepancies in the truth: {sum(len(v) for v in truth.values()):,}")  # fmt: skip
    run.sizes["roster_records"] = records
    run.figure("load into roster_entries (not reconciliation)", load(url, rows), "s")
    ours, ours_cpu, ours_found = timed(lambda: run_tekseru(url), args.repeat)
    base, _, base_found = timed(lambda: run_baseline(url), args.baseline_repeat)
    run.figure("reconciliation end to end, best", min(ours), "s", TARGET_SECONDS, "lower")
    run.figure("reconciliation end to end, median", statistics.median(ours), "s")
    run.figure("reconciliation, CPU of this process (SQLite: all of it)", min(ours_cpu), "s")
    run.figure("plain SQL baseline, best", min(base), "s")
    run.figure("baseline time / tekseru time", min(base) / min(ours), "x")
    run.check("tekseru's discrepancies equal the generated truth", ours_found == truth,
              _differences(ours_found, truth))  # fmt: skip
    run.check("the baseline's discrepancies equal the generated truth", base_found == truth,
              _differences(base_found, truth))  # fmt: skip
    if args.import_sample:
        import_sample(run, args.import_sample, folder)
    return run.finish(args.json)


if __name__ == "__main__":
    sys.exit(main())
