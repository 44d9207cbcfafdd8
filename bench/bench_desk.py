"""The planner's desk on 100,000 subjects (SQLite): sorted, filtered registry pages and streamed exports.

    .venv/bin/python bench/bench_desk.py [--subjects 100000] [--requests 200] [--db PATH --reuse-db]

Writes (or reuses) the registry of bench_web.prepare: about `--subjects` subjects with evidence, assessed
once. Then starts `tekseru serve` (one worker) on it and sends, one request at a time over loopback:

- sorted page   GET /registry?region=R&sort=S&page=P      S among score, -score, class, name, region,
                                                          group, last_visit; R a region or none; P 1-40
- sorted API    GET /api/v1/subjects?... (the same)        whose answer is checked: in the order asked for
- export        GET /api/v1/exports/subjects?format=F     CSV, JSON and XLSX of every subject, streamed

It prints p50/p95/max per kind, over the target of 150 ms for a page, and for each export: rows, bytes,
seconds and how much the server's peak resident memory (VmHWM) grew while it streamed, which must stay
far below the file's size: the export is written as it is read. The checks fail the run (exit 1) when a
page is out of order, an export misses a row, or a CSV or JSON export grows the server by half its file.
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
import synthetic
from bench_web import free_port, percentile, prepare, sign_in, start_server

TARGET_P95_MS = 150.0
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


def _export(client: httpx.Client, format: str, folder: Path, pid: int) -> dict[str, Any]:
    target = folder / f"export.{format}"
    before = max(_memory_kib(pid, "VmHWM"), _memory_kib(pid, "VmRSS"))
    started = time.perf_counter()
    size = 0
    with client.stream("GET", f"/api/v1/exports/subjects?format={format}&lang=ru") as response:
        response.raise_for_status()
        with target.open("wb") as out:
            for chunk in response.iter_bytes():
                size += len(chunk)
                out.write(chunk)
    seconds = time.perf_counter() - started
    growth = (_memory_kib(pid, "VmHWM") - before) * 1024
    if format == "csv":
        with target.open(encoding="utf-8-sig", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
    elif format == "json":
        rows = len(json.loads(target.read_bytes()))
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(target, read_only=True)
        rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True)) - 1
        workbook.close()
    return {"format": format, "rows": rows, "bytes": size, "seconds": seconds, "growth": growth}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="sorted pages (and as many API answers)")
    parser.add_argument("--db", type=Path, help="the SQLite file (default: in a temporary folder)")
    parser.add_argument("--reuse-db", action="store_true", help="use --db as it is when it exists")
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    args = parser.parse_args(argv)
    path = args.db or Path(tempfile.mkdtemp(prefix="tekseru-bench-desk-")) / "bench.sqlite3"
    prepare(path, args.subjects, args.seed, args.reuse_db)
    port = free_port()
    server = start_server(path, port, workers=1)
    failures = []
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", cookies=sign_in(f"http://127.0.0.1:{port}"), timeout=600
        ) as client:
            total = client.get("/api/v1/subjects?per_page=1").json()["total"]
            client.get("/registry?sort=score")  # the first request opens what it needs
            pages, api, disordered = _pages(client, args.requests, random.Random(args.seed))
            print(
                f"subjects: {total:,}; {args.requests} sorted, filtered requests of each kind, one at a time"
            )
            for name, values in (("sorted page", pages), ("sorted API", api)):
                p95 = percentile(values, 0.95)
                print(
                    f"{name:12} p50 {percentile(values, 0.5):7.1f} ms  p95 {p95:7.1f} ms  "
                    f"max {max(values):7.1f} ms  (p95 target {TARGET_P95_MS:.0f} ms: "
                    f"{'met' if p95 <= TARGET_P95_MS else 'NOT met'})"
                )
            if disordered:
                failures.append(f"{disordered} API pages out of the order asked for")
            for format in ("csv", "json", "xlsx"):
                result = _export(client, format, path.parent, server.pid)
                print(
                    f"export {format:4} {result['rows']:,} rows, {result['bytes'] / 2**20:6.1f} MiB in "
                    f"{result['seconds']:5.1f} s; the server's peak memory grew by "
                    f"{result['growth'] / 2**20:6.1f} MiB"
                )
                if result["rows"] != total:
                    failures.append(f"{format}: {result['rows']} rows, not {total}")
                if format != "xlsx" and result["growth"] >= result["bytes"] / 2:
                    failures.append(f"{format}: the server grew by half the file or more")
    finally:
        server.terminate()
        server.wait(timeout=30)
    if failures:
        raise SystemExit("; ".join(failures))


if __name__ == "__main__":
    main()
