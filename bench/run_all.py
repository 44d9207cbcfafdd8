"""Run every benchmark at one of the documented sizes and write one JSON summary of all their results.

    .venv/bin/python bench/run_all.py --size full --out bench-results.json     # the sizes of issue 18
    .venv/bin/python bench/run_all.py --quick --out bench-results.json         # a smoke run (minutes)
    .venv/bin/python bench/run_all.py --size tiny --out /tmp/r.json --markdown /tmp/PERFORMANCE.md

Each benchmark runs as its own process with `--json`, on each database asked for (`--databases sqlite,
postgresql`; PostgreSQL is the local server, one database per benchmark, dropped and made again) when it
uses one. The summary holds each benchmark's result (figures, checks, load, versions) or, when it failed,
its exit code and the end of its output. `--markdown FILE` then writes the performance page from the
summary (bench/report.py). The exit code is 1 when any benchmark failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import report
from common import commit, load_average, postgres_url, versions

BENCH = Path(__file__).parent

# name: (script, uses a database (True: each asked for; or only these kinds), arguments by size; None: not
# run at that size). Sizes: `tiny` proves the wiring (the test suite runs it), `quick` is a smoke run,
# `full` the sizes of issue 18's targets.
BENCHMARKS: dict[str, tuple[str, bool | tuple[str, ...], dict[str, list[str] | None]]] = {
    "cli": (
        "bench_cli.py",
        False,
        {"tiny": ["--runs", "1"], "quick": ["--runs", "3"], "full": ["--runs", "9"]},
    ),
    "scoring": (
        "bench_scoring.py",
        False,
        {
            "tiny": [
                "--subject-groups",
                "300",
                "--evidence",
                "3000",
                "--baseline-records",
                "1000",
                "--repeat",
                "1",
            ],
            "quick": ["--subject-groups", "100000", "--evidence", "1000000", "--repeat", "2"],
            "full": [],
        },
    ),
    "forms": (
        "bench_forms.py",
        False,
        {
            "tiny": ["--count", "2"],
            "quick": ["--count", "100"],
            "full": ["--count", "1000", "--workers", "1,2"],
        },
    ),
    "hostile_files": (
        "bench_hostile_files.py",
        False,
        {"tiny": ["--repeat", "1"], "quick": ["--repeat", "3"], "full": ["--repeat", "5"]},
    ),
    "import": (
        "bench_import.py",
        True,
        {
            "tiny": ["--subject-groups", "100", "--evidence", "1000"],
            "quick": ["--subject-groups", "5000", "--evidence", "50000"],
            "full": ["--subject-groups", "100000", "--evidence", "1000000"],
        },
    ),
    "end_to_end": (
        "bench_end_to_end.py",
        True,
        {
            "tiny": ["--subject-groups", "200", "--evidence", "2000"],
            "quick": ["--subject-groups", "100000", "--evidence", "1000000"],
            "full": [],
        },
    ),
    "partitioned": (
        "bench_partitioned.py",
        ("postgresql",),  # worker processes writing at once: PostgreSQL only
        {
            "tiny": None,  # spawned worker processes and a PostgreSQL database: too heavy for the suite
            "quick": ["--subject-groups", "100000", "--evidence", "1000000", "--partitions", "4"],
            "full": ["--partitions", "50", "--processes", "2"],  # 10,000,000 and 100,000,000
        },
    ),
    "web": (
        "bench_web.py",
        True,
        {
            "tiny": None,  # a server and its data: too heavy for the test suite
            "quick": ["--subjects", "2000", "--clients", "4", "--requests", "50"],
            "full": ["--subjects", "100000", "--clients", "20", "--requests", "1000", "--workers", "2"],
        },
    ),
    "web_instructions": (
        "bench_web_instructions.py",
        True,
        {
            "tiny": None,  # a server under valgrind: tests/bench/test_web_instructions.py runs it apart
            "quick": ["--subjects", "2000", "--requests", "20", "--warmup", "10"],
            "full": ["--subjects", "100000", "--requests", "100"],
        },
    ),
    "rosters": (
        "bench_rosters.py",
        True,
        {
            "tiny": ["--recipients", "2000", "--providers", "20", "--repeat", "1"],
            "quick": ["--recipients", "200000", "--providers", "500", "--repeat", "1"],
            "full": [],
        },
    ),
    "load": (
        "bench_load.py",
        True,
        {
            "tiny": None,  # a server with worker processes for seconds: too heavy for the test suite
            "quick": ["--sessions", "10", "--seconds", "10"],
            "full": ["--sessions", "50", "--seconds", "60"],
        },
    ),
    "desk": (
        "bench_desk.py",
        True,
        {
            "tiny": None,  # a server and its data: too heavy for the test suite
            "quick": ["--subjects", "2000", "--requests", "40"],
            "full": ["--subjects", "100000", "--requests", "200"],
        },
    ),
    "offline": (
        "bench_offline.py",
        True,
        {
            "tiny": None,  # a browser on a throttled network: too heavy for the test suite
            "quick": ["--visits", "3"],
            "full": ["--visits", "5"],
        },
    ),
    "signatures": (
        "bench_signatures.py",
        False,
        {"tiny": ["--count", "1"], "quick": ["--count", "20"], "full": ["--count", "100"]},
    ),
}
SIZES = ("tiny", "quick", "full")
DATABASES = ("sqlite", "postgresql")


def settle(seconds: float = 120) -> None:
    """Wait (at most `seconds`) for the load average of what ran before to fall below half the processors,
    so that the next benchmark's start reads whether anything else is running, not its predecessor's tail."""
    deadline = time.monotonic() + seconds
    while os.getloadavg()[0] >= (os.cpu_count() or 1) / 2 and time.monotonic() < deadline:
        time.sleep(5)


def run_one(name: str, size: str, database: str | None, folder: Path, timeout: float) -> dict[str, Any]:
    script, _, sizes = BENCHMARKS[name]
    output = folder / f"{name}-{database or 'none'}.json"
    command = [sys.executable, str(BENCH / script), *(sizes[size] or []), "--json", str(output)]
    if database == "postgresql":
        command += ["--database-url", postgres_url(f"tekseru_bench_{name}")]
    elif database == "sqlite":
        command += ["--database-url", f"sqlite:///{folder / (name + '.sqlite3')}"]
    if size != "tiny":  # the test suite's wiring run does not wait
        settle()
    print(f"-- {name} ({size}, {database or 'no database'}): {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        code, out, err = -1, str(expired.stdout or ""), f"timed out after {timeout:.0f} s"
    print(out[-2000:], end="", flush=True)
    if code != 0:  # say why here, not only in the summary file: a traceback or a failed check
        print(f"-- {name} FAILED (exit code {code}):\n{err[-1500:].rstrip()}", flush=True)
    if output.exists() and code == 0:
        result: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
        return result | {"exit_code": code}
    return {
        "benchmark": name,
        "database": database or "none",
        "command": command[1:],
        "seconds": round(time.perf_counter() - started, 2),
        "exit_code": code,
        "ok": False,
        "output_tail": (out[-1500:] + "\n" + err[-1500:]).strip(),
        "result": json.loads(output.read_text(encoding="utf-8")) if output.exists() else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="full")
    parser.add_argument("--quick", action="store_const", const="quick", dest="size", help="--size quick")
    parser.add_argument("--only", help="comma-separated benchmarks to run (default: all)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="for benchmarks that use one")
    parser.add_argument("--out", type=Path, required=True, help="the JSON summary to write")
    parser.add_argument("--markdown", type=Path, help="also write the performance page from the summary")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds each benchmark may take")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    databases = [kind for kind in args.databases.split(",") if kind]
    if any(kind not in DATABASES for kind in databases):
        parser.error(f"--databases: {args.databases}; known: {', '.join(DATABASES)}")
    summary: dict[str, Any] = {
        "size": args.size,
        "command": ["bench/run_all.py", *(argv if argv is not None else sys.argv[1:])],
        "commit": commit(),
        "versions": versions(),
        "load_start": load_average(),
        "results": [],
    }
    started = time.perf_counter()
    summary["skipped"] = [name for name in names if BENCHMARKS[name][2][args.size] is None]
    with tempfile.TemporaryDirectory(prefix="tekseru-bench-") as folder:
        for name in names:
            if name in summary["skipped"]:
                continue
            uses_database = BENCHMARKS[name][1]
            only = uses_database if isinstance(uses_database, tuple) else DATABASES
            for database in [kind for kind in databases if kind in only] if uses_database else [None]:
                summary["results"].append(run_one(name, args.size, database, Path(folder), args.timeout))
    summary["load_end"] = load_average()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["ok"] = all(result["ok"] for result in summary["results"])
    args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = [f"{r['benchmark']} ({r['database']})" for r in summary["results"] if not r["ok"]]
    verdict = "all ok" if summary["ok"] else "FAILED: " + ", ".join(failed)
    skipped = f"; not run at size {args.size}: {', '.join(summary['skipped'])}" if summary["skipped"] else ""
    print(f"summary: {args.out} ({len(summary['results'])} runs, {verdict}{skipped})")
    if args.markdown:
        args.markdown.write_text(report.markdown(summary), encoding="utf-8")
        print(f"page: {args.markdown}")
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
