"""Latency of the web application under load: subject search and the subject card, 100,000 subjects.

    .venv/bin/python bench/bench_web.py [--subjects 100000] [--clients 20] [--requests 1000] [--workers 2]
        [--database-url URL]

Writes a registry of about `--subjects` subjects with their evidence (bench/synthetic.py through
bench_end_to_end's writer, in a child process) into a fresh SQLite file (or the PostgreSQL database of
`--database-url`, dropped and made again), assesses it once (so that
subjects have classes), creates a viewer, starts `tekseru serve --workers N` on loopback, signs in through
the API, and then `--clients` concurrent clients (threads of this process, each with its own keep-alive
connection and the session cookie) send `--requests` requests of each kind:

- search page      GET /registry?q=...            (a name fragment, the start of a BIN, a region and class)
- card page        GET /registry/{bin}            (score, explanation, history, evidence, documents)
- search API       GET /api/v1/subjects?q=...
- subject API      GET /api/v1/subjects/{bin}

Before each kind is measured, `--warmup` requests of it (default 200) are sent and not timed: a new
worker's first answers of a kind load what they need once. Every answer (these too) must have status 200
and its markers in its body (the search page's result count, the card's BIN and risk heading, the search
API's total, the subject API's `"bin"` field), else the run fails (exit 1).
It prints, per kind, the requests per second and the latency percentiles (p50, p95, p99, max) measured by
the clients, the p95 over the target of 50 ms (issue 18; and 2.5 ms of server CPU per search page), and
the CPU time per request of the server processes and of the clients; the server is stopped at the end.
`--db PATH --reuse-db` reuses a file written before.
Stops by itself: the number of requests is bounded, and so is the time (`--max-seconds`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import synthetic
from common import Run, add_options, database_kind
from pg_backends import backends, spent, usage

from tekseru.catalog_files import load_catalogue
from tekseru.services.accounts import create_user
from tekseru.services.auth import open_app_database
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor
from tekseru.settings import Settings

TARGET_P95_MS = 50.0
TARGET_SEARCH_CPU_MS = 2.5
USER, PASSWORD = "bench-viewer", "bench-password-1"
REGIONS = ("astana", "almaty_city", "shymkent", "karaganda", "turkistan")
CLASSES = ("high", "medium", "low")


@dataclass
class Kind:
    name: str
    path: Callable[[random.Random], str]
    markers: Callable[[str], tuple[bytes, ...]] = lambda path: ()
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wrong: list[str] = field(default_factory=list)  # answers without their markers (first few)
    server_cpu: float = 0.0  # CPU seconds the server process spent on these requests
    database_cpu: float | None = None  # CPU seconds PostgreSQL's backends spent on them (None: SQLite)
    client_cpu: float = 0.0  # CPU seconds the clients (this process) spent on them


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def search_query(rng: random.Random, bins: list[str], subjects: int) -> str:
    """A name fragment (tens to thousands of matches), the start of a BIN, or filters only."""
    choice = rng.randrange(4)
    if choice == 0:
        return f"q=provider+{rng.randrange(subjects // 100):05d}"
    if choice == 1:
        return f"q={rng.choice(bins)[:9]}"
    if choice == 2:
        return f"region={rng.choice(REGIONS)}&risk_class={rng.choice(CLASSES)}"
    return f"q=synthetic&page={rng.randrange(1, 50)}"


def _bin_of(path: str) -> bytes:
    return path.rsplit("/", 1)[1].encode()


def kinds(bins: list[str], subjects: int) -> list[Kind]:
    return [
        Kind(
            "search page",
            lambda rng: f"/registry?{search_query(rng, bins, subjects)}",
            lambda path: (b'id="result-count"',),
        ),
        Kind(
            "card page",
            lambda rng: f"/registry/{rng.choice(bins)}",
            lambda path: (_bin_of(path), b'<h2 id="risk">'),
        ),
        Kind(
            "search API",
            lambda rng: f"/api/v1/subjects?{search_query(rng, bins, subjects)}",
            lambda path: (b'"total":',),
        ),
        Kind(
            "subject API",
            lambda rng: f"/api/v1/subjects/{rng.choice(bins)}",
            lambda path: (b'"bin":"' + _bin_of(path) + b'"',),
        ),
    ]


def prepare(path: Path, subjects: int, seed: int, reuse: bool, url: str | None = None) -> dict[str, object]:
    """Write the registry in a child process and assess it; create the benchmark's user. The database is
    the SQLite file `path`, or `url` when given (SQLite or PostgreSQL)."""
    written: dict[str, object] = {}
    url = url or f"sqlite:///{path}"
    if not (reuse and (database_kind(url) != "sqlite" or path.exists())):
        started = time.perf_counter()
        command = [sys.executable, str(Path(__file__).with_name("bench_end_to_end.py")), "--write-only"]
        command += ["--database-url", url, "--seed", str(seed)]
        command += ["--subject-groups", str(int(subjects * 1.16)), "--evidence", str(subjects * 5)]
        written = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        from bench_end_to_end import assess

        summary, seconds, _ = assess(url, synthetic.DEFAULT_AS_OF)
        written["assess"] = seconds
        written["classes"] = dict(summary.classes)
        written["seconds"] = time.perf_counter() - started
    settings = Settings().model_copy(update={"database_url": url})
    database = open_app_database(settings)
    try:
        create_user(
            database,
            Actor.system("bench"),
            username=USER,
            full_name="Bench",
            role="viewer",
            password=PASSWORD,
            passwords=Passwords(),
            regions=load_catalogue().regions,
        )
    except ValueError:
        pass  # there from an earlier run
    finally:
        database.close()
    return written


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    path: Path, port: int, workers: int, wait: float = 60, url: str | None = None
) -> subprocess.Popen[bytes]:
    """`tekseru serve` on the file (or the database `url`), with `workers` processes; it answers when this
    returns (else, after `wait` seconds, RuntimeError)."""
    env = {**os.environ, "TEKSERU_DATABASE_URL": url or f"sqlite:///{path}"}
    command = [sys.executable, "-m", "tekseru", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the server did not start")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of all its descendants still running (uvicorn's worker processes)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(parent, []).append(int(stat.parent.name))
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        total += cpu_seconds(current)
        pending += parents.get(current, [])
    return total


def sign_in(base: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/api/v1/auth/login", json={"username": USER, "password": PASSWORD}, timeout=30
    )
    response.raise_for_status()
    return {"tekseru_session": response.cookies["tekseru_session"]}


def load(
    base: str, cookies: dict[str, str], kind: Kind, clients: int, requests: int, max_seconds: float
) -> float:
    """`requests` requests of `kind` from `clients` threads; the wall-clock seconds it took.

    Each client keeps one connection (http.client, keep-alive) and reads the whole answer. The standard
    library's client costs a fraction of the CPU of httpx's, and the clients share the machine with the
    server, so a heavier client would take CPU time from the server it measures."""
    remaining = iter(range(requests))
    lock = threading.Lock()
    stop_at = time.monotonic() + max_seconds
    address = urlsplit(base)
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}

    def client(number: int) -> None:
        rng = random.Random(number)
        connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
        try:
            while time.monotonic() < stop_at:
                with lock:
                    if next(remaining, None) is None:
                        return
                started = time.perf_counter()
                path = kind.path(rng)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    kind.latencies.append(elapsed)
                    kind.errors += response.status != 200
                    missing = any(marker not in body for marker in kind.markers(path))
                    if response.status == 200 and missing and len(kind.wrong) < 5:
                        kind.wrong.append(path)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def registry_options(parser: argparse.ArgumentParser) -> None:
    """The options of a benchmark on a registry that `prepare` writes: its size, its file and its seed."""
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="the SQLite file (default: in a temporary folder)")
    parser.add_argument("--reuse-db", action="store_true", help="use --db as it is when it exists")
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    registry_options(parser)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="requests of each kind")
    parser.add_argument("--max-seconds", type=float, default=120, help="time limit of each kind")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of tekseru serve")
    parser.add_argument(
        "--warmup", type=int, default=200, help="requests of each kind sent first, not measured"
    )
    add_options(parser)
    args = parser.parse_args(argv)
    if args.database_url and database_kind(args.database_url) == "sqlite":
        args.db = Path(args.database_url.removeprefix("sqlite:///"))
    path = args.db or Path(tempfile.mkdtemp(prefix="tekseru-bench-web-")) / "bench.sqlite3"
    url = args.database_url if args.database_url and database_kind(args.database_url) != "sqlite" else None
    url = url or f"sqlite:///{path}"
    if database_kind(url) == "postgresql" and not args.reuse_db:
        from common import fresh_postgres

        fresh_postgres(url)
    run = Run(
        "web", url, sizes={"subjects": args.subjects, "clients": args.clients, "requests": args.requests}
    )
    run.sizes["workers"] = args.workers
    written = prepare(path, args.subjects, args.seed, args.reuse_db, url)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        subjects = connection.execute(text("SELECT count(*) FROM subjects")).scalar_one()
        bins = list(
            connection.execute(text("SELECT bin FROM subjects ORDER BY random() LIMIT 5000")).scalars()
        )
    engine.dispose()
    port = free_port()
    server = start_server(path, port, args.workers, wait=300, url=url)
    base = f"http://127.0.0.1:{port}"
    try:
        cookies = sign_in(base)
        httpx.get(f"{base}/registry", cookies=cookies, timeout=60)  # the first request opens what it needs
        measured = []
        for kind in kinds(bins, subjects):
            # Not measured: a new worker's first answers of a kind load its templates, locales and
            # statements once (the first kind measured paid for them all).
            warm = replace(kind, latencies=[], wrong=[])
            load(base, cookies, warm, args.clients, args.warmup, args.max_seconds)
            kind.errors, kind.wrong = warm.errors, warm.wrong[:5]
            postgres = database_kind(url) == "postgresql"
            backends_before = usage(backends(url)) if postgres else {}
            before, before_clients = tree_cpu_seconds(server.pid), time.process_time()
            measured.append((kind, load(base, cookies, kind, args.clients, args.requests, args.max_seconds)))
            kind.server_cpu = tree_cpu_seconds(server.pid) - before
            kind.client_cpu = time.process_time() - before_clients
            if postgres:
                kind.database_cpu = spent(backends_before, usage(backends(url))).cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(args, path, subjects, written, measured)
    for kind, seconds in measured:
        run.check(
            f"{kind.name}: every answer 200 with its markers",
            bool(kind.latencies) and kind.errors == 0 and not kind.wrong,
            f"{kind.errors} not 200; without markers: {kind.wrong}" if kind.errors or kind.wrong else "",
        )
        run.figure(f"{kind.name}: p95", percentile(kind.latencies, 0.95), "ms", TARGET_P95_MS, "lower")
        run.figure(f"{kind.name}: requests per second", len(kind.latencies) / seconds, "requests/s")
        cpu = 1000 * kind.server_cpu / max(len(kind.latencies), 1)
        target = TARGET_SEARCH_CPU_MS if kind.name == "search page" else None
        run.figure(f"{kind.name}: server CPU per request", cpu, "ms", target, "lower")
        if kind.database_cpu is not None:
            database_cpu = 1000 * kind.database_cpu / max(len(kind.latencies), 1)
            run.figure(f"{kind.name}: database CPU per request", database_cpu, "ms")
    return run.finish(args.json)


def report(
    args: argparse.Namespace,
    path: Path,
    subjects: int,
    written: dict[str, object],
    measured: list[tuple[Kind, float]],
) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    print(f"tekseru web benchmark, {date.today().isoformat()}; {machine}; Python {platform.python_version()}")
    processes = "one process" if args.workers == 1 else f"{args.workers} worker processes"
    print(
        f"database: {args.database_url or path}, {subjects:,} subjects; "
        f"tekseru serve with {processes} on loopback"
    )
    if written:
        prepared, assessed = written["seconds"], written["assess"]
        print(f"prepared in {prepared:.0f} s (assessment {assessed:.1f} s), classes {written['classes']}")
    limit = f"time limit {args.max_seconds:.0f} s"
    print(f"{args.clients} concurrent clients, {args.requests} requests of each kind ({limit})")
    print()
    columns = (
        "requests",
        "errors",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "p95/tgt",
        "srv CPU",
        "cli CPU",
        "db CPU",
    )
    print(f"  {'kind':<12} " + " ".join(f"{name:>8}" for name in columns))
    worst = 0.0
    for kind, seconds in measured:
        values = kind.latencies
        p95 = percentile(values, 0.95)
        worst = max(worst, p95)
        cpu, client_cpu = (1000 * seconds / len(values) for seconds in (kind.server_cpu, kind.client_cpu))
        figures = (
            *(statistics.median(values), p95, percentile(values, 0.99), max(values)),
            *(p95 / TARGET_P95_MS, cpu, client_cpu),
            1000 * kind.database_cpu / len(values) if kind.database_cpu is not None else float("nan"),
        )
        print(
            f"  {kind.name:<12} {len(values):8d} {kind.errors:8d} {len(values) / seconds:8.0f} "
            + " ".join(f"{value:8.2f}" if value < 10 else f"{value:8.1f}" for value in figures)
        )
    print(
        "  (p95/tgt: p95 over the 50 ms target; srv/cli/db CPU: milliseconds of CPU time per request of the"
    )
    print("   server process, of the clients and of PostgreSQL's backends, all on the same machine)")
    verdict = "met" if worst < TARGET_P95_MS else "NOT met"
    print()
    print(f"target: p95 < {TARGET_P95_MS:.0f} ms for every kind: {verdict} (worst p95 {worst:.1f} ms)")


if __name__ == "__main__":
    sys.exit(main())
