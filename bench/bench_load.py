"""Mixed load: many signed-in sessions reading and writing at once against `tekseru serve` on loopback.

    .venv/bin/python bench/bench_load.py [--sessions 50] [--seconds 60] [--writes 0.2] [--workers 2]
        [--database-url URL] [--json PATH]

Makes a fresh database (a SQLite file, or the PostgreSQL database of `--database-url`, dropped and made
again) with the demo registry (`tekseru demo`: the import, then the assessment), a planner, starts
`tekseru serve --workers N` on loopback and signs the planner in `--sessions` times (one session each).
Then as many client threads, each with its own session and keep-alive connection, send requests for
`--seconds` seconds; each request is a write with the probability `--writes`, else a read:

- reads   GET /registry?q=...             the search page (a name fragment, a region and class, a page)
          GET /registry/{bin}             the subject card
          GET /api/v1/subjects?q=...      the search API
          GET /api/v1/subjects/{bin}      one subject
          GET /                           the dashboard
          GET /api/v1/plans               the lists
- writes  POST /api/v1/subjects/{bin}/evidence   a new evidence record (a criterion of the subject's group,
          a reference no other write uses), with the session's CSRF token

Every answer must have its status (200 for a read, 201 for a write) and its marker in its body (the search
page's result count, the card's and the subject API's BIN, the search API's total, the dashboard's main
region, the lists' JSON array, the write's reference), else it is an error. It reports through
bench/common.py like the other benchmarks (the load, the versions, `--json` for bench/run_all.py): the
throughput (requests per second), the latency percentiles of reads, of writes and of all, the errors and the
server's CPU time per request. Then it checks the database: every write that was answered 201 is stored,
once, with its subject, criterion and reference, and nothing else was written under the benchmark's
references. It exits with 1 when there was an error or a check failed. Bounded: the clients stop after
`--seconds`, each request has a 30 s timeout, the server is stopped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
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
from common import Run, add_options, database_kind, fresh_postgres
from sqlalchemy import create_engine, text

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
    kinds: set[str] = field(default_factory=set)  # the kinds of request answered as expected


@dataclass
class Results:
    reads: Tally = field(default_factory=Tally)
    writes: Tally = field(default_factory=Tally)
    written: list[tuple[str, int, str]] = field(default_factory=list)  # bin, criterion, reference (201)
    lock: threading.Lock = field(default_factory=threading.Lock)


def prepare(url: str) -> list[Subject]:
    """The demo registry, assessed, and the planner in the database of `url`; the subjects with the
    criteria a write may use."""
    today = date.today()
    database = open_app_database(Settings().model_copy(update={"database_url": url}))
    try:
        load_demo(database, today=today, catalogue=load_catalogue())
        run_assessment(database, as_of=today, catalogue=load_catalogue())
        create_user(
            database,
            Actor.system("bench"),
            username=USER,
            full_name="Bench",
            role="planner",
            password=PASSWORD,
            passwords=Passwords(),
            regions=load_catalogue().regions,
        )
    finally:
        database.close()
    edition = load_catalogue().edition_at(today)
    query = "SELECT s.bin, g.group_key FROM subjects s JOIN subject_groups g ON g.subject_id = s.id"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(query)).all()
    finally:
        engine.dispose()
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


def read_path(rng: random.Random, subjects: list[Subject]) -> tuple[str, str, bytes]:
    """A read: its kind, its path and the marker its body must hold."""
    bin = rng.choice(subjects).bin
    filters = f"region={rng.choice(REGIONS)}&risk_class={rng.choice(CLASSES)}&page={rng.randrange(1, 3)}"
    return rng.choice(
        (
            ("search page", f"/registry?q={quote(rng.choice(WORDS))}", b'id="result-count"'),
            ("filter page", f"/registry?{filters}", b'id="result-count"'),
            ("card page", f"/registry/{bin}", bin.encode()),
            ("search API", f"/api/v1/subjects?q={bin[:8]}", b'"total":'),
            ("subject API", f"/api/v1/subjects/{bin}", bin.encode()),
            ("dashboard", "/", b'id="main"'),
            ("lists API", "/api/v1/plans", b"["),
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
                kind, path, marker = "write", f"/api/v1/subjects/{subject.bin}/evidence", reference.encode()
                method, payload, expected = "POST", body, 201
            else:
                kind, path, marker = read_path(rng, subjects)
                method, payload, expected = "GET", None, 200
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
                elif marker not in content:
                    tally.errors.append(f"{method} {path}: {response.status} without {marker!r}")
                else:
                    tally.kinds.add(kind)
                    if write:
                        results.written.append((subject.bin, criterion, reference))
    finally:
        connection.close()


def check_database(url: str, results: Results) -> list[str]:
    """What is wrong with the database after the run: each 201 write stored once, nothing else stored."""
    query = (
        "SELECT s.bin, e.criterion, e.reference FROM evidence e JOIN subjects s ON s.id = e.subject_id "
        "WHERE e.reference LIKE :pattern"
    )
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            stored = [tuple(row) for row in connection.execute(text(query), {"pattern": f"{REFERENCE}-%"})]
    finally:
        engine.dispose()
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
    add_options(parser)
    args = parser.parse_args(argv)
    url = (
        args.database_url
        or f"sqlite:///{Path(tempfile.mkdtemp(prefix='tekseru-bench-load-')) / 'load.sqlite3'}"
    )
    if database_kind(url) == "postgresql":
        fresh_postgres(url)
    else:
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists():
            parser.error(f"{path} exists: the benchmark makes its own database")
    run = Run("load", database_url=url)
    started = time.perf_counter()
    subjects = prepare(url)
    prepared = time.perf_counter() - started
    port = free_port()
    server = start_server(Path("unused"), port, args.workers, wait=STARTUP_SECONDS, url=url)
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
    problems = check_database(url, results)
    report(run, args, len(subjects), prepared, wall, server_cpu, results, problems)
    return run.finish(args.json)


def report(
    run: Run,
    args: argparse.Namespace,
    subjects: int,
    prepared: float,
    wall: float,
    server_cpu: float,
    results: Results,
    problems: list[str],
) -> None:
    run.sizes = {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "writes": args.writes,
        "workers": args.workers,
        "subjects": subjects,
    }
    run.notes.append(
        f"The demo registry of {subjects} subjects, prepared in {prepared:.0f} s; tekseru serve with "
        f"{args.workers} worker process(es) on loopback; {args.sessions} sessions for {wall:.1f} s, "
        f"{args.writes:.0%} writes."
    )
    total = len(results.reads.latencies) + len(results.writes.latencies)
    run.figure("throughput, all requests", total / wall, "requests/s", better="higher")
    for name, tally in (("reads", results.reads), ("writes", results.writes)):
        values = tally.latencies or [0.0]
        run.figure(f"{name}: requests", len(tally.latencies), "requests")
        run.figure(f"{name}: p50 latency", statistics.median(values), "ms")
        run.figure(f"{name}: p95 latency", percentile(values, 0.95), "ms")
        run.figure(f"{name}: p99 latency", percentile(values, 0.99), "ms")
    every = results.reads.latencies + results.writes.latencies or [0.0]
    run.figure("all: p95 latency", percentile(every, 0.95), "ms")
    run.figure("server CPU per request", 1000 * server_cpu / max(total, 1), "ms")
    errors = results.reads.errors + results.writes.errors
    run.figure("errors", len(errors), "answers")
    for error in errors[:10]:
        print(f"  error: {error}")
    run.check(
        "every read answered 200 with its marker",
        not results.reads.errors,
        f"{len(results.reads.errors)} not",
    )
    run.check(
        "every write answered 201 with its reference",
        not results.writes.errors,
        f"{len(results.writes.errors)} not",
    )
    run.check("requests were made and answered", total > 0 and bool(results.reads.kinds), f"{total} requests")
    if args.writes > 0:
        run.check("writes were made and answered", bool(results.written), f"{len(results.written)} writes")
    run.check(
        "each write answered 201 is stored once, nothing else under the benchmark's references",
        not problems,
        "; ".join(problems),
    )


if __name__ == "__main__":
    sys.exit(main())
