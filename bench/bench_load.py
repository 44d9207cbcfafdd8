"""Mixed load: many signed-in sessions reading and writing at once against `tekseru serve` on loopback.

    .venv/bin/python bench/bench_load.py [--sessions 50] [--seconds 60] [--writes 0.2] [--workers 2]

Makes a fresh SQLite file with the demo registry (`tekseru demo`: the import, then the assessment), a
planner, starts `tekseru serve --workers N` on loopback and signs the planner in `--sessions` times (one
session each). Then as many client threads, each with its own session and keep-alive connection, send
requests for `--seconds` seconds; each request is a write with the probability `--writes`, else a read:

- reads   GET /registry?q=...             the search page (a name fragment, a region and class, a page)
          GET /registry/{bin}             the subject card
          GET /api/v1/subjects?q=...      the search API
          GET /api/v1/subjects/{bin}      one subject
          GET /                           the dashboard
          GET /api/v1/plans               the lists
- writes  POST /api/v1/subjects/{bin}/evidence   a new evidence record (a criterion of the subject's group,
          a reference no other write uses), with the session's CSRF token

It prints the throughput (requests per second), the latency percentiles of reads and of writes and the
errors (any answer but the one expected, or a failed connection). Then it checks the database: every write
that was answered 201 is stored, once, with its subject, criterion and reference, and nothing else was
written under the benchmark's references. It exits with 1 when there was an error or the check failed.
Bounded: the clients stop after `--seconds`, each request has a 30 s timeout, the server is stopped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from bench_web import free_port, percentile, start_server, tree_cpu_seconds

from tekseru.catalog_files import load_catalogue
from tekseru.services.accounts import create_user
from tekseru.services.assessments import run_assessment
from tekseru.services.auth import open_app_database
from tekseru.services.demo import load_demo
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor
from tekseru.settings import Settings

USER, PASSWORD = "bench-planner", "bench-password-1"
REFERENCE = "bench-load"
STARTUP_SECONDS = 300  # a busy shared machine starts the worker processes slowly
REGIONS = ("astana", "almaty_city", "shymkent", "karaganda", "turkistan")
CLASSES = ("high", "medium", "low")
WORDS = ("орталығы", "үйі", "центр", "care", "LLP", "Қамқор")


@dataclass(frozen=True)
class Subject:
    bin: str
    criteria: tuple[int, ...]  # criteria of its groups an inspector observes (not complaints)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Results:
    reads: Tally = field(default_factory=Tally)
    writes: Tally = field(default_factory=Tally)
    written: list[tuple[str, int, str]] = field(default_factory=list)  # bin, criterion, reference (201)
    lock: threading.Lock = field(default_factory=threading.Lock)


def prepare(path: Path) -> list[Subject]:
    """The demo registry, assessed, and the planner; the subjects with the criteria a write may use."""
    today = date.today()
    database = open_app_database(Settings().with_database_path(path))
    try:
        load_demo(database, today=today)
        run_assessment(database, as_of=today)
        create_user(
            database,
            Actor.system("bench"),
            username=USER,
            full_name="Bench",
            role="planner",
            password=PASSWORD,
            passwords=Passwords(),
        )
    finally:
        database.close()
    edition = load_catalogue().edition_at(today)
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT s.bin, g.group_key FROM subjects s JOIN subject_groups g ON g.subject_id = s.id"
        ).fetchall()
    criteria: dict[str, set[int]] = {}
    for bin, group in rows:
        if group in edition.groups:
            observed = {
                n for n in edition.group(group).applicable_criteria if edition.criterion(n).source_group < 4
            }
            criteria.setdefault(bin, set()).update(observed)
    return [Subject(bin, tuple(sorted(found))) for bin, found in criteria.items() if found]


def sign_in(base: str, count: int) -> list[tuple[str, str]]:
    """`count` sessions of the planner: (cookie header, CSRF token) each."""
    sessions = []
    for _ in range(count):
        answer = httpx.post(
            f"{base}/api/v1/auth/login", json={"username": USER, "password": PASSWORD}, timeout=60
        )
        answer.raise_for_status()
        sessions.append((f"tekseru_session={answer.cookies['tekseru_session']}", answer.json()["csrf_token"]))
    return sessions


def read_path(rng: random.Random, subjects: list[Subject]) -> str:
    bin = rng.choice(subjects).bin
    filters = f"region={rng.choice(REGIONS)}&risk_class={rng.choice(CLASSES)}&page={rng.randrange(1, 3)}"
    return rng.choice(
        (
            f"/registry?q={quote(rng.choice(WORDS))}",
            f"/registry?{filters}",
            f"/registry/{bin}",
            f"/api/v1/subjects?q={bin[:8]}",
            f"/api/v1/subjects/{bin}",
            "/",
            "/api/v1/plans",
        )
    )


def client(
    number: int,
    base: str,
    session: tuple[str, str],
    subjects: list[Subject],
    write_share: float,
    stop_at: float,
    results: Results,
) -> None:
    """One session's requests until `stop_at`."""
    rng = random.Random(number)
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    cookie, csrf = session
    sequence = 0
    try:
        while time.monotonic() < stop_at:
            write = rng.random() < write_share
            headers = {"Cookie": cookie}
            if write:
                subject = rng.choice(subjects)
                sequence += 1
                reference = f"{REFERENCE}-{number}-{sequence}"
                criterion = rng.choice(subject.criteria)
                body: dict[str, Any] = {
                    "criterion": criterion,
                    "observed_on": (date.today() - timedelta(days=rng.randrange(1, 300))).isoformat(),
                    "reference": reference,
                }
                headers |= {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
                method, path, payload, expected = (
                    "POST",
                    f"/api/v1/subjects/{subject.bin}/evidence",
                    body,
                    201,
                )
            else:
                method, path, payload, expected = "GET", read_path(rng, subjects), None, 200
            tally = results.writes if write else results.reads
            started = time.perf_counter()
            try:
                connection.request(
                    method, path, body=None if payload is None else json.dumps(payload), headers=headers
                )
                response = connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                with results.lock:
                    tally.errors.append(f"{method} {path}: {error!r}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with results.lock:
                tally.latencies.append(elapsed)
                if response.status != expected:
                    tally.errors.append(f"{method} {path}: {response.status} {content[:200]!r}")
                elif write:
                    results.written.append((subject.bin, criterion, reference))
    finally:
        connection.close()


def check_database(path: Path, results: Results) -> list[str]:
    """What is wrong with the database after the run: each 201 write stored once, nothing else stored."""
    with sqlite3.connect(path) as connection:
        stored = connection.execute(
            "SELECT s.bin, e.criterion, e.reference FROM evidence e JOIN subjects s ON s.id = e.subject_id "
            "WHERE e.reference LIKE ?",
            (f"{REFERENCE}-%",),
        ).fetchall()
    problems = []
    expected = sorted(results.written)
    if sorted(stored) != expected:
        missing = set(expected) - set(stored)
        extra = [row for row in stored if row not in set(expected)]
        problems.append(f"{len(missing)} answered writes not stored; {len(extra)} stored rows not answered")
    if len({reference for _, _, reference in stored}) != len(stored):
        problems.append("a reference is stored more than once")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent signed-in sessions")
    parser.add_argument("--seconds", type=float, default=60, help="how long the sessions send requests")
    parser.add_argument("--writes", type=float, default=0.2, help="share of requests that write")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of tekseru serve")
    parser.add_argument("--db", type=Path, help="the SQLite file to make (default: in a temporary folder)")
    args = parser.parse_args(argv)
    path = args.db or Path(tempfile.mkdtemp(prefix="tekseru-bench-load-")) / "load.sqlite3"
    if path.exists():
        parser.error(f"{path} exists: the benchmark makes its own database")
    started = time.perf_counter()
    subjects = prepare(path)
    prepared = time.perf_counter() - started
    port = free_port()
    server = start_server(path, port, args.workers, wait=STARTUP_SECONDS)
    base = f"http://127.0.0.1:{port}"
    results = Results()
    try:
        sessions = sign_in(base, args.sessions)
        before = tree_cpu_seconds(server.pid)
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=client, args=(n, base, sessions[n], subjects, args.writes, stop_at, results)
            )
            for n in range(args.sessions)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        server_cpu = tree_cpu_seconds(server.pid) - before
    finally:
        server.terminate()
        server.wait(timeout=30)
    problems = check_database(path, results)
    report(args, path, len(subjects), prepared, wall, server_cpu, results, problems)
    return 1 if problems or results.reads.errors or results.writes.errors else 0


def report(
    args: argparse.Namespace,
    path: Path,
    subjects: int,
    prepared: float,
    wall: float,
    server_cpu: float,
    results: Results,
    problems: list[str],
) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    print(
        f"tekseru load benchmark, {date.today().isoformat()}; {machine}; Python {platform.python_version()}"
    )
    print(f"database: {path} (SQLite), demo registry of {subjects} subjects, prepared in {prepared:.0f} s")
    print(
        f"tekseru serve with {args.workers} worker process(es) on loopback; {args.sessions} sessions for "
        f"{wall:.1f} s, {args.writes:.0%} writes"
    )
    print()
    total = len(results.reads.latencies) + len(results.writes.latencies)
    print(
        f"  {'kind':<8} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for name, tally in (("reads", results.reads), ("writes", results.writes)):
        values, count = tally.latencies or [0.0], len(tally.latencies)
        shares = (statistics.median(values), percentile(values, 0.95), percentile(values, 0.99))
        print(
            f"  {name:<8} {count:9d} {len(tally.errors):7d} {count / wall:8.1f} "
            + " ".join(f"{value:8.1f}" for value in shares)
        )
    every = results.reads.latencies + results.writes.latencies or [0.0]
    errors = len(results.reads.errors) + len(results.writes.errors)
    print(
        f"  {'all':<8} {total:9d} {errors:7d} {total / wall:8.1f} {statistics.median(every):8.1f} "
        f"{percentile(every, 0.95):8.1f} {percentile(every, 0.99):8.1f}"
    )
    print(f"  server CPU: {1000 * server_cpu / max(total, 1):.1f} ms per request")
    for error in (results.reads.errors + results.writes.errors)[:10]:
        print(f"  error: {error}")
    print()
    verdict = "ok" if not problems else "; ".join(problems)
    print(f"database check: {len(results.written)} evidence records written and answered 201: {verdict}")
    print(f"errors: {errors}")


if __name__ == "__main__":
    sys.exit(main())
