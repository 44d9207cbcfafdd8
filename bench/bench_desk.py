"""The planner's desk on 100,000 subjects (SQLite or PostgreSQL): sorted, filtered registry pages and streamed
exports.

    .venv/bin/python bench/bench_desk.py [--subjects 100000] [--requests 200] [--db PATH --reuse-db]
        [--database-url URL] [--json PATH]

Writes (or reuses) the registry of bench_web.prepare: about `--subjects` subjects with evidence, assessed
once, in a SQLite file or the PostgreSQL database of `--database-url` (dropped and made again).
Then starts `tekseru serve` (one worker) on it and sends, one request at a time over loopback:

- sorted page   GET /registry?region=R&sort=S&page=P      S among score, -score, class, name, region,
                                                          group, last_visit; R a region or none; P 1-40
- sorted API    GET /api/v1/subjects?... (the same)        whose answer is checked: in the order asked for
- export        GET /api/v1/exports/subjects?format=F     CSV, JSON and XLSX of every subject, streamed

It reports through bench/common.py (bench/run_all.py runs it as `desk`): the p95 of each kind against the
target of 150 ms, and for each export its rows, size, seconds and how much the server's peak resident
memory (VmHWM, set back to the present size before each export) grew while it streamed (target: under
64 MiB), which must stay far below the file's size:
the export is written as it is read. The checks fail the run (exit 1) when a page is out of order or
region, an export misses a row, repeats one or does not begin with the API's first page (the same order),
or a CSV or JSON export grows the server by half its file (beyond 8 MiB).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import httpx
from bench_web import free_port, percentile, prepare, registry_options, sign_in, start_server
from common import Run, add_options, database_kind, fresh_postgres

TARGET_P95_MS = 150.0
TARGET_GROWTH_MIB = 64.0  # a streamed export of any length: the server's peak grows by less than this
STREAM_SLACK = 8 * 2**20  # a small file: growth below this says nothing about streaming
SORTS = ("score", "-score", "class", "name", "region", "group", "last_visit")
REGIONS = (None, "astana", "almaty_city", "east_kazakhstan", "turkistan")


def _ordered(items: list[dict[str, Any]], sort: str) -> bool:
    """Whether a page of the API is in the order asked for (the leading column; ties need no check)."""
    key = sort.removeprefix("-")
    reverse = sort.startswith("-")
    if key == "score":
        values = [item["score"] if item["score"] is not None else -1.0 for item in items]
        return values == sorted(values, reverse=not reverse) or any(item["score"] is None for item in items)
    if key == "region":
        values = [item["region"] for item in items]
        return values == sorted(values, reverse=reverse)
    if key == "class":
        rank = {"high": 3, "medium": 2, "low": 1, None: 0}
        values = [rank[item["risk_class"]] for item in items]
        return values == sorted(values, reverse=not reverse)
    return True  # name (by search key), group and last visit: checked by the tests on both databases


def _timed(client: httpx.Client, path: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.text[:200]}")
    return elapsed, response


def _pages(client: httpx.Client, requests: int, rng: random.Random) -> tuple[list[float], list[float], int]:
    pages, api, disordered = [], [], 0
    for _ in range(requests):
        sort, region, page = rng.choice(SORTS), rng.choice(REGIONS), rng.randint(1, 40)
        query = f"sort={sort}&page={page}" + (f"&region={region}" if region else "")
        elapsed, _ = _timed(client, f"/registry?{query}")
        pages.append(elapsed)
        elapsed, response = _timed(client, f"/api/v1/subjects?{query}")
        api.append(elapsed)
        items = response.json()["items"]
        disordered += not _ordered(items, sort) or any(region and i["region"] != region for i in items)
    return pages, api, disordered


def _memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def _reset_peak(pid: int) -> bool:
    """Set the server's peak resident memory (VmHWM) back to its present size (Linux: `clear_refs` 5), so
    that the peak read after an export is the export's own; False where that cannot be done (the peak then
    includes whatever came before, and the growth is a lower bound)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _export(client: httpx.Client, format: str, folder: Path, pid: int) -> dict[str, Any]:
    target = folder / f"export.{format}"
    reset = _reset_peak(pid)
    before = _memory_kib(pid, "VmRSS") if reset else max(_memory_kib(pid, "VmHWM"), _memory_kib(pid, "VmRSS"))
    started = time.perf_counter()
    size = 0
    with client.stream("GET", f"/api/v1/exports/subjects?format={format}&lang=ru") as response:
        response.raise_for_status()
        with target.open("wb") as out:
            for chunk in response.iter_bytes():
                size += len(chunk)
                out.write(chunk)
    seconds = time.perf_counter() - started
    peak = _memory_kib(pid, "VmHWM") * 1024
    growth = peak - before * 1024
    bins: list[str] = []  # every row's BIN (the first column), in the file's order
    if format == "csv":
        with target.open(encoding="utf-8-sig", newline="") as handle:
            bins = [row[0] for row in list(csv.reader(handle))[1:]]
    elif format == "json":
        bins = [item["bin"] for item in json.loads(target.read_bytes())]
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(target, read_only=True)
        found = workbook.worksheets[0].iter_rows(values_only=True)
        bins = [str(row[0]) for number, row in enumerate(found) if number]
        workbook.close()
    return {
        "format": format,
        "peak_reset": reset,
        "rows": len(bins),
        "distinct": len(set(bins)),
        "first": bins[:100],
        "bytes": size,
        "seconds": seconds,
        "growth": growth,
        "peak": peak,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    registry_options(parser)
    parser.add_argument("--requests", type=int, default=200, help="sorted pages (and as many API answers)")
    add_options(parser)
    args = parser.parse_args(argv)
    if args.database_url and database_kind(args.database_url) == "sqlite":
        args.db = Path(args.database_url.removeprefix("sqlite:///"))
    path = args.db or Path(tempfile.mkdtemp(prefix="tekseru-bench-desk-")) / "bench.sqlite3"
    url = args.database_url if args.database_url and database_kind(args.database_url) != "sqlite" else None
    url = url or f"sqlite:///{path}"
    if database_kind(url) == "postgresql" and not args.reuse_db:
        fresh_postgres(url)
    run = Run("desk", url, sizes={"subjects": args.subjects, "requests": args.requests})
    prepare(path, args.subjects, args.seed, args.reuse_db, url)
    port = free_port()
    server = start_server(path, port, workers=1, wait=300, url=url)
    folder = Path(tempfile.mkdtemp(prefix="tekseru-bench-desk-files-"))
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", cookies=sign_in(f"http://127.0.0.1:{port}"), timeout=600
        ) as client:
            total = client.get("/api/v1/subjects?per_page=1").json()["total"]
            first_page = [item["bin"] for item in client.get("/api/v1/subjects?per_page=100").json()["items"]]
            run.sizes["subjects_stored"] = total
            client.get("/registry?sort=score")  # the first request opens what it needs
            pages, api, disordered = _pages(client, args.requests, random.Random(args.seed))
            print(
                f"subjects: {total:,}; {args.requests} sorted, filtered requests of each kind, one at a time"
            )
            for name, values in (("sorted registry page", pages), ("sorted subjects API", api)):
                p95 = percentile(values, 0.95)
                print(
                    f"{name:21} p50 {percentile(values, 0.5):7.1f} ms  p95 {p95:7.1f} ms  "
                    f"max {max(values):7.1f} ms"
                )
                run.figure(f"{name}: p95", p95, "ms", TARGET_P95_MS, "lower")
            run.check(
                "every sorted API page is in the order and region asked for",
                disordered == 0,
                f"{disordered} pages out of order" if disordered else "",
            )
            for format in ("csv", "json", "xlsx"):
                result = _export(client, format, folder, server.pid)
                growth = result["growth"] / 2**20
                print(
                    f"export {format:4} {result['rows']:,} rows, {result['bytes'] / 2**20:6.1f} MiB in "
                    f"{result['seconds']:5.1f} s; the server's peak memory grew by {growth:6.1f} MiB"
                )
                run.figure(f"export {format}: seconds", result["seconds"], "s")
                run.figure(f"export {format}: file size", result["bytes"] / 2**20, "MiB")
                run.figure(
                    f"export {format}: server peak memory growth", growth, "MiB", TARGET_GROWTH_MIB, "lower"
                )
                run.figure(f"export {format}: server peak resident memory", result["peak"] / 2**20, "MiB")
                run.check(
                    f"export {format}: the server's peak was measured from the export's start",
                    result["peak_reset"],
                    "could not reset VmHWM: the growth is a lower bound",
                )
                run.check(
                    f"export {format}: every subject, one row each",
                    result["rows"] == total,
                    f"{result['rows']} rows, not {total}",
                )
                run.check(
                    f"export {format}: no subject twice, the first 100 rows are the API's first page",
                    result["distinct"] == result["rows"] and result["first"] == first_page,
                    f"{result['rows'] - result['distinct']} repeated; first rows "
                    f"{'equal' if result['first'] == first_page else 'differ from'} the API's",
                )
                if format != "xlsx":  # openpyxl's write-only workbook keeps its shared strings
                    run.check(
                        f"export {format}: streamed (the server grew by less than half the file)",
                        result["growth"] < max(result["bytes"] / 2, STREAM_SLACK),
                        f"grew {growth:.1f} MiB for a {result['bytes'] / 2**20:.1f} MiB file",
                    )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return run.finish(args.json)


if __name__ == "__main__":
    sys.exit(main())
